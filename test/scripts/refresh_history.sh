#!/usr/bin/env bash
# refresh_history: the all-history summaries of doc/refresh.sql (section 3),
# adoption_history and adoption_refresh_history(), for real.
#
# In a database of its own holding generated data (data/generate.sql;
# ADOPTION_REFRESH_EVENTS events, default 50000) and the recipe loaded (in
# a session whose TimeZone is not UTC), after every step the table must
# equal, byte for byte, a full rebuild from the raw events (one summary per
# account through the timestamptz overload, read in UTC):
#
#   a. the first fill;
#   b. new events (recent days, a new account) and late events (an older
#      day): a refresh from 2026-06-28 unions the new days, and only the
#      accounts of the late events still differ; a refresh from 2026-05-01
#      takes them in; both again, and one over all days, change nothing;
#   c. deleted and corrected events: one account-day deleted, every event of
#      one account deleted, one event's feature changed, every event of one
#      user deleted (an erasure through the raw events; activity_drop_users,
#      for summaries whose events are gone, is not part of this branch), a
#      user moved to another department: the triggers list exactly those
#      accounts, and the refresh re-summarises them (the emptied account
#      loses its row);
#   d. concurrent dashboards: a second session reads the table in a loop
#      (a digest of every row, and usage_report over it) while three
#      refreshes run, each held open for a while before it commits; no read
#      fails, every read sees a committed state, and the reads made while a
#      refresh was open see the state before it (they were not blocked);
#      then a refresh beside a transaction still deleting events of an
#      account already listed waits for it and takes the deletion in, and a
#      users row arriving after its user's events re-summarises the account;
#   (adoption_history_product, the product-wide row, is checked against the
#   summary of every event at each step, and is in the digest of d);
#   e. pg_cron runs the refresh (test/scripts/lib/cron.bash: pg_cron preloaded, jobs
#      in background workers, as test/run starts its cluster).
# Exits non-zero on any mismatch.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

EVENTS="${ADOPTION_REFRESH_EVENTS:-50000}"
db="adoption_history_test_$$"
job="adoption-history-test-$$"
q=(psql -X -q -At -v ON_ERROR_STOP=1)
psql=("${q[@]}" -d "$db")
. test/scripts/lib/cron.bash

work="$(mktemp -d)"
chmod 777 "$work"
reader_pid=""
cleanup() {
    set +e
    [[ -n "$reader_pid" ]] && kill "$reader_pid" 2>/dev/null
    cron_cleanup
    "${q[@]}" -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT
cron_setup

createdb "$db"
"${psql[@]}" -c 'CREATE EXTENSION adoption'
"${psql[@]}" -v events="$EVENTS" -v seed=13 -f data/generate.sql
"${psql[@]}" -c 'CREATE INDEX ON events (occurred_at)' -c 'CREATE INDEX ON events (account_id)' -c 'VACUUM ANALYZE'
PGOPTIONS='-c TimeZone=Asia/Kolkata' "${psql[@]}" -f doc/refresh.sql >/dev/null

# the oracle: a full rebuild; and what differs from it (adoption_history
# row by row; adoption_history_product, the product-wide row: 0 or 1)
"${psql[@]}" <<'SQL'
CREATE VIEW direct_history AS
SELECT e.account_id,
       activity_agg(e.user_id, e.occurred_at, e.feature)::text AS act,
       activity_agg(u.department, e.occurred_at, e.feature)::text AS team_act
FROM events e LEFT JOIN users u USING (user_id)
GROUP BY 1;
CREATE FUNCTION history_mismatched() RETURNS SETOF bigint
LANGUAGE sql SET TimeZone = 'UTC' AS $$
    SELECT coalesce(d.account_id, h.account_id)
    FROM direct_history d FULL JOIN adoption_history h USING (account_id)
    WHERE d.act IS DISTINCT FROM h.act::text OR d.team_act IS DISTINCT FROM h.team_act::text
$$;
CREATE FUNCTION history_mismatches() RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM history_mismatched() $$;
CREATE FUNCTION product_mismatch() RETURNS bigint
LANGUAGE sql SET TimeZone = 'UTC' AS $$
    SELECT count(*)
    FROM (SELECT activity_agg(user_id, occurred_at, feature)::text AS act FROM events) d
    FULL JOIN (SELECT act::text AS act FROM adoption_history_product) p ON true
    WHERE d.act IS DISTINCT FROM p.act
$$;
-- what a dashboard reads: every row (a digest), and the report over it
CREATE VIEW history_digest AS
SELECT md5(string_agg(h.account_id || ':' || h.act::text || ':' || coalesce(h.team_act::text, '-'), ','
                      ORDER BY h.account_id))
       || ' ' || (SELECT coalesce(sum(r.active_users), 0) FROM adoption_history x,
                         usage_report(x.act, '2026-06-30', '{7,30}') r)
       || ' ' || coalesce((SELECT md5(act::text) FROM adoption_history_product), '-') AS digest
FROM adoption_history h;
SQL

PGOPTIONS='-c TimeZone=Asia/Kolkata' "${psql[@]}" <<'SQL'
\set VERBOSITY terse
SET client_min_messages = notice;
\i test/scripts/lib/expect.sql

-- ---------------------------------------------------------------------
-- a. the first fill
-- ---------------------------------------------------------------------
SELECT pg_temp.expect_positive('a: accounts in adoption_history', (SELECT count(*) FROM adoption_history));
SELECT pg_temp.expect('a: rows differing from a full rebuild after the first fill', history_mismatches(), 0);
SELECT pg_temp.expect('a: product-wide row differing from a full rebuild', product_mismatch(), 0);
SELECT pg_temp.expect('a: product-wide rows', (SELECT count(*) FROM adoption_history_product), 1);

-- ---------------------------------------------------------------------
-- b. new and late events
-- ---------------------------------------------------------------------
INSERT INTO events (account_id, user_id, feature, occurred_at)
SELECT u.account_id, u.user_id, f.feature,
       timestamptz '2026-06-28 10:00+00' + d * interval '1 day' + (u.user_id % 7) * interval '1 hour'
FROM users u
CROSS JOIN generate_series(0, 4) d
CROSS JOIN (VALUES ('history_feature'), ('reports'), (NULL)) f(feature)
WHERE u.user_id % 3 = d % 3;
-- a new account, and an event of a user unknown to users, at 23:30 UTC
INSERT INTO events (account_id, user_id, feature, occurred_at) VALUES
    (990001, 990001001, 'reports', '2026-06-29 12:00+00'),
    (990001, 990001002, NULL, '2026-06-30 23:30+00');
INSERT INTO events (account_id, user_id, feature, occurred_at)
SELECT min(account_id), 987654321, 'reports', timestamptz '2026-06-29 23:30+00' FROM users;
-- late events: a day two months back, for the accounts of a tenth of the users
CREATE TEMP TABLE late_accounts AS
SELECT DISTINCT account_id FROM users WHERE user_id % 10 = 4;
INSERT INTO events (account_id, user_id, feature, occurred_at)
SELECT u.account_id, u.user_id, 'late_feature', timestamptz '2026-05-10 08:00+00'
FROM users u WHERE u.user_id % 10 = 4;
SELECT pg_temp.expect_positive('b: stale rows before the refresh', history_mismatches());
SELECT pg_temp.expect('b: stale product-wide row before the refresh', product_mismatch(), 1);

CREATE TEMP TABLE run1 AS SELECT * FROM adoption_refresh_history('2026-06-28');
SELECT pg_temp.expect_positive('b: rows changed by the union of 2026-06-28 on', (SELECT unioned FROM run1));
SELECT pg_temp.expect('b: accounts re-summarised', (SELECT rebuilt FROM run1), 0);
SELECT pg_temp.expect('b: the new account has its row', (SELECT count(*) FROM adoption_history WHERE account_id = 990001), 1);
-- only the late events' accounts still differ
SELECT pg_temp.expect('b: rows differing after the union, not accounts of late events',
    (SELECT count(*) FROM history_mismatched() m(a) WHERE a NOT IN (SELECT account_id FROM late_accounts)), 0);
SELECT pg_temp.expect('b: accounts of late events differing', history_mismatches(), (SELECT count(*) FROM late_accounts));
SELECT pg_temp.expect('b: product-wide row still lacking the late events', product_mismatch(), 1);

CREATE TEMP TABLE run2 AS SELECT * FROM adoption_refresh_history('2026-05-01');
SELECT pg_temp.expect('b: rows differing after the union from 2026-05-01', history_mismatches(), 0);
SELECT pg_temp.expect('b: product-wide row differing after it', product_mismatch(), 0);
SELECT pg_temp.expect('b: rows changed by it (the late events'' accounts)', (SELECT unioned FROM run2),
                      (SELECT count(*) FROM late_accounts));

-- idempotent: again, and over days already included
CREATE TEMP TABLE before AS SELECT account_id, act::text AS act, team_act::text AS team_act, xmin::text AS x FROM adoption_history;
CREATE TEMP TABLE before_product AS SELECT xmin::text AS x FROM adoption_history_product;
SELECT pg_temp.expect('b: run again, rows changed', unioned + rebuilt + deleted, 0) FROM adoption_refresh_history('2026-05-01');
SELECT pg_temp.expect('b: run from 2026-06-28 again, rows changed', unioned + rebuilt + deleted, 0) FROM adoption_refresh_history('2026-06-28');
SELECT pg_temp.expect('b: run over all days, rows changed', unioned + rebuilt + deleted, 0) FROM adoption_refresh_history('-infinity');
SELECT pg_temp.expect('b: default run (no events in the last 3 days), rows changed', unioned + rebuilt + deleted, 0) FROM adoption_refresh_history();
SELECT pg_temp.expect('b: rows rewritten by the runs that changed nothing',
    (SELECT count(*) FROM adoption_history h JOIN before b USING (account_id) WHERE h.xmin::text <> b.x), 0);
SELECT pg_temp.expect('b: product-wide row rewritten by them',
    (SELECT count(*) FROM adoption_history_product p, before_product b WHERE p.xmin::text <> b.x), 0);
SELECT pg_temp.expect('b: rows differing after the repeated runs', history_mismatches(), 0);
SELECT pg_temp.expect('b: product-wide row differing after them', product_mismatch(), 0);

-- ---------------------------------------------------------------------
-- c. deleted and corrected events
-- ---------------------------------------------------------------------
CREATE TEMP TABLE changed (what text, account_id bigint);
-- one account-day deleted
INSERT INTO changed
SELECT 'day deleted', account_id FROM events
WHERE (occurred_at AT TIME ZONE 'UTC')::date = '2026-06-15' GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1;
DELETE FROM events e USING changed c
WHERE c.what = 'day deleted' AND e.account_id = c.account_id AND (e.occurred_at AT TIME ZONE 'UTC')::date = '2026-06-15';
-- every event of one account
INSERT INTO changed
SELECT 'account emptied', max(account_id) FROM adoption_history WHERE account_id NOT IN (SELECT account_id FROM changed) AND account_id < 990000;
DELETE FROM events WHERE account_id = (SELECT account_id FROM changed WHERE what = 'account emptied');
-- a correction: one event's feature
INSERT INTO changed
SELECT 'feature corrected', min(account_id) FROM adoption_history WHERE account_id NOT IN (SELECT account_id FROM changed);
UPDATE events SET feature = 'corrected_feature'
WHERE ctid = (SELECT min(ctid) FROM events WHERE account_id = (SELECT account_id FROM changed WHERE what = 'feature corrected'));
-- an erasure: every event of one user
CREATE TEMP TABLE erased AS
SELECT user_id, account_id FROM users
WHERE account_id NOT IN (SELECT account_id FROM changed) AND user_id IN (SELECT user_id FROM events)
ORDER BY user_id LIMIT 1;
INSERT INTO changed SELECT 'user erased', account_id FROM erased;
DELETE FROM events WHERE user_id = (SELECT user_id FROM erased);
-- a user moved to another department (team_act reads departments)
INSERT INTO changed
SELECT 'user moved', u.account_id FROM users u
WHERE u.account_id NOT IN (SELECT account_id FROM changed) AND u.user_id IN (SELECT user_id FROM events)
ORDER BY u.user_id DESC LIMIT 1;
UPDATE users SET department = 'moved_department'
WHERE user_id = (SELECT max(u.user_id) FROM users u JOIN changed c ON c.what = 'user moved' AND c.account_id = u.account_id
                 WHERE u.user_id IN (SELECT user_id FROM events));

SELECT pg_temp.expect('c: five changes in five accounts', (SELECT count(DISTINCT account_id) FROM changed), 5);
SELECT pg_temp.expect('c: touched accounts = the changed ones',
    (SELECT count(*) FROM (SELECT account_id FROM adoption_history_touched
                           EXCEPT SELECT account_id FROM changed) x)
  + (SELECT count(*) FROM (SELECT account_id FROM changed
                           EXCEPT SELECT account_id FROM adoption_history_touched) x), 0);
SELECT pg_temp.expect('c: stale rows = the changed accounts', history_mismatches(), 5);
SELECT pg_temp.expect('c: stale product-wide row', product_mismatch(), 1);

CREATE TEMP TABLE run3 AS SELECT * FROM adoption_refresh_history('2026-06-28');
SELECT pg_temp.expect('c: accounts re-summarised', (SELECT rebuilt FROM run3), 5);
SELECT pg_temp.expect('c: rows deleted (the emptied account)', (SELECT deleted FROM run3), 1);
SELECT pg_temp.expect('c: rows changed by the union', (SELECT unioned FROM run3), 0);
SELECT pg_temp.expect('c: touched accounts left', (SELECT count(*) FROM adoption_history_touched), 0);
SELECT pg_temp.expect('c: rows differing after the refresh', history_mismatches(), 0);
SELECT pg_temp.expect('c: product-wide row differing after the refresh', product_mismatch(), 0);
SELECT pg_temp.expect('c: rows other than the changed accounts'' rewritten',
    (SELECT count(*) FROM adoption_history h JOIN before b USING (account_id)
     WHERE h.xmin::text <> b.x AND h.account_id NOT IN (SELECT account_id FROM changed)), 0);
SELECT pg_temp.expect('c: the erased user is gone from the account''s summary',
    (SELECT user_count(h.act) FROM adoption_history h JOIN erased e USING (account_id)),
    (SELECT count(DISTINCT e.user_id) FROM events e JOIN erased x USING (account_id)));
SELECT pg_temp.expect('c: run again, rows changed', unioned + rebuilt + deleted, 0) FROM adoption_refresh_history('2026-06-28');

-- bad argument
DO $$
BEGIN
    PERFORM adoption_refresh_history(NULL);
    RAISE EXCEPTION 'adoption_refresh_history(NULL) did not fail';
EXCEPTION WHEN invalid_parameter_value THEN
    RAISE NOTICE 'ok  adoption_refresh_history(NULL): %', SQLERRM;
END $$;
SQL

# ---------------------------------------------------------------------
# d. dashboards keep reading while refreshes run
# ---------------------------------------------------------------------
"${psql[@]}" -c 'CREATE TABLE states (n int, digest text, opened timestamptz, before_commit timestamptz)' \
             -c 'INSERT INTO states (n, digest) SELECT 0, digest FROM history_digest'
(
    set +e
    while [[ ! -e "$work/stop" ]]; do
        "${q[@]}" -d "$db" -F '|' -c 'SELECT statement_timestamp(), digest, clock_timestamp() FROM history_digest' \
            >>"$work/reads" 2>>"$work/reader.err" || echo "read failed" >>"$work/reader.err"
    done
) &
reader_pid=$!
sleep 1
for n in 1 2 3; do
    PGOPTIONS='-c TimeZone=Asia/Kolkata' "${psql[@]}" -v n="$n" <<'SQL'
-- new events of one more day, and one deletion (a re-summarised account)
INSERT INTO events (account_id, user_id, feature, occurred_at)
SELECT u.account_id, u.user_id, 'reports', timestamptz '2026-07-02 09:00+00' + :n * interval '1 day'
FROM users u WHERE u.user_id % 4 = :n;
DELETE FROM events WHERE ctid = (SELECT min(ctid) FROM events WHERE account_id = (SELECT min(account_id) + :n FROM adoption_history));
BEGIN;
INSERT INTO states (n, opened) VALUES (:n, clock_timestamp());
SELECT * FROM adoption_refresh_history('2026-06-28') \g /dev/null
UPDATE states SET digest = (SELECT digest FROM history_digest) WHERE n = :n;
SELECT pg_sleep(1.5);
UPDATE states SET before_commit = clock_timestamp() WHERE n = :n;
COMMIT;
SQL
    sleep 0.5
done
touch "$work/stop"
wait "$reader_pid" || true
reader_pid=""
if [[ -s "$work/reader.err" ]]; then
    echo "FAIL: a concurrent read failed:"; cat "$work/reader.err"; exit 1
fi

"${psql[@]}" -c 'CREATE TABLE reads (started timestamptz, digest text, ended timestamptz)' \
             -c "\\copy reads FROM '$work/reads' (FORMAT text, DELIMITER '|')"
"${psql[@]}" <<'SQL'
\set VERBOSITY terse
SET client_min_messages = notice;
\i test/scripts/lib/expect.sql
SELECT pg_temp.expect_positive('d: concurrent reads', (SELECT count(*) FROM reads));
SELECT pg_temp.expect('d: distinct committed states', (SELECT count(DISTINCT digest) FROM states), 4);
SELECT pg_temp.expect('d: reads of a state never committed', (SELECT count(*) FROM reads WHERE digest NOT IN (SELECT digest FROM states)), 0);
-- reads that began after a refresh opened and ended before it committed
SELECT pg_temp.expect_positive(format('d: reads while refresh %s was open', s.n),
           (SELECT count(*) FROM reads r WHERE r.started > s.opened AND r.ended < s.before_commit)),
       pg_temp.expect(format('d: of them, reads not seeing the state before refresh %s', s.n),
           (SELECT count(*) FROM reads r WHERE r.started > s.opened AND r.ended < s.before_commit
                                         AND r.digest <> p.digest), 0)
FROM states s JOIN states p ON p.n = s.n - 1 ORDER BY s.n;
SELECT pg_temp.expect('d: rows differing after the concurrent refreshes', history_mismatches(), 0);
SELECT pg_temp.expect('d: product-wide row differing after them', product_mismatch(), 0);
SQL

# ---------------------------------------------------------------------
# d. (continued) a refresh while a transaction deleting events of an
# account already listed is still open: the refresh waits for it, and the
# account's row takes the deletion in; and a users row arriving after its
# user's events (the unknown user of b) re-summarises the account's teams
# ---------------------------------------------------------------------
acct="$("${psql[@]}" -c 'SELECT min(account_id) FROM adoption_history')"
"${psql[@]}" -c "DELETE FROM events WHERE ctid = (SELECT min(ctid) FROM events WHERE account_id = $acct)"
listed="$("${psql[@]}" -c "SELECT count(*) FROM adoption_history_touched WHERE account_id = $acct")"
[[ "$listed" == 1 ]] || { echo "FAIL: the deletion did not list account $acct"; exit 1; }
doomed="$("${psql[@]}" -c "SELECT count(*) FROM events WHERE account_id = $acct AND occurred_at >= '2026-06-01'")"
[[ "$doomed" -gt 0 ]] || { echo "FAIL: account $acct has no events to delete"; exit 1; }
"${psql[@]}" -c 'BEGIN' -c "DELETE FROM events WHERE account_id = $acct AND occurred_at >= '2026-06-01'" \
             -c 'SELECT pg_sleep(3)' -c 'COMMIT' >/dev/null &
writer=$!
sleep 1
"${psql[@]}" -c 'SELECT * FROM adoption_refresh_history()' >/dev/null
wait "$writer"
n="$("${psql[@]}" -c 'SELECT history_mismatches() + product_mismatch()')"
[[ "$n" == 0 ]] || { echo "FAIL: $n rows differ from a full rebuild after a refresh beside an open deletion"; exit 1; }
echo "d: a refresh beside an open deletion of $doomed events of a listed account: equals a full rebuild"
"${psql[@]}" -c "INSERT INTO events (account_id, user_id, feature, occurred_at)
                 SELECT max(account_id), 987654322, 'reports', timestamptz '2026-06-30 08:00+00' FROM adoption_history" \
             -c "SELECT * FROM adoption_refresh_history('2026-06-30')" >/dev/null
n="$("${psql[@]}" -c 'SELECT history_mismatches()')"
[[ "$n" == 0 ]] || { echo "FAIL: $n rows differ after the event of a user not in users"; exit 1; }
"${psql[@]}" -c "INSERT INTO users (user_id, account_id, department)
                 SELECT 987654322, max(account_id), 'late_department' FROM adoption_history"
stale="$("${psql[@]}" -c 'SELECT history_mismatches()')"
[[ "$stale" == 1 ]] || { echo "FAIL: the late users row changed $stale accounts' teams, not 1"; exit 1; }
"${psql[@]}" -c 'SELECT * FROM adoption_refresh_history()' >/dev/null
n="$("${psql[@]}" -c 'SELECT history_mismatches() + product_mismatch()')"
[[ "$n" == 0 ]] || { echo "FAIL: $n rows differ from a full rebuild after a late users row"; exit 1; }
echo "d: a users row arriving after its events: its account re-summarised"

# ---------------------------------------------------------------------
# e. pg_cron runs the refresh
# ---------------------------------------------------------------------
"${psql[@]}" <<'SQL'
INSERT INTO events (account_id, user_id, feature, occurred_at)
SELECT u.account_id, u.user_id, 'cron_feature', timestamptz '2026-07-06 09:00+00'
FROM users u WHERE u.user_id % 5 = 0;
DELETE FROM events WHERE ctid = (SELECT max(ctid) FROM events WHERE (occurred_at AT TIME ZONE 'UTC')::date < '2026-06-01');
SQL
stale="$("${psql[@]}" -c 'SELECT history_mismatches()')"
echo "stale rows before the job: $stale"
[[ "$stale" -gt 0 ]] || { echo "FAIL: the new events changed no account"; exit 1; }
if ! cron_run_once "$job" "$db" "SELECT * FROM adoption_refresh_history('2026-06-28')"; then
    echo "FAIL: no succeeded run of the job within $WAIT s"
    exit 1
fi
n="$("${psql[@]}" -c 'SELECT history_mismatches() + product_mismatch()')"
[[ "$n" == 0 ]] || { echo "FAIL: $n rows differ from a full rebuild after the pg_cron run"; exit 1; }
echo "after the pg_cron run: adoption_history equals a full rebuild"
echo "all-history refresh: ok"
