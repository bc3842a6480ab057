#!/usr/bin/env bash
# refresh_cron: pg_cron runs the incremental refresh of doc/refresh.sql.
#
# Needs pg_cron in shared_preload_libraries, with jobs in background
# workers (test/run starts its cluster so: shared_preload_libraries =
# pg_cron, cron.use_background_workers = on).  In a database of its own,
# with generated data and the recipe loaded, it adds events for yesterday
# and today (UTC), refreshes once by hand, adds more (a changed day and a
# new one), then schedules
#
#   SELECT * FROM adoption_refresh_daily()
#
# every minute with cron.schedule_in_database, waits (at most
# ADOPTION_CRON_WAIT seconds, default 100: pg_cron 1.4 starts jobs on
# minute boundaries) until cron.job_run_details shows a succeeded run, and
# checks that the run made the table equal to a full recomputation, with
# the new rows and changed values.  Exits non-zero on any mismatch, on a
# failed run, or when no run succeeded in time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

db="adoption_cron_test_$$"
job="adoption-refresh-test-$$"
q=(psql -X -q -At -v ON_ERROR_STOP=1)
. test/scripts/lib/cron.bash

cleanup() {
    set +e
    cron_cleanup
    "${q[@]}" -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1
}
trap cleanup EXIT
cron_setup

createdb "$db"
psql=("${q[@]}" -d "$db")
"${psql[@]}" -c 'CREATE EXTENSION adoption'
"${psql[@]}" -v events=20000 -v seed=5 -f data/generate.sql
"${psql[@]}" -f doc/refresh.sql >/dev/null

# the oracle (a full recomputation, through the timestamptz overload in UTC)
# and the events of yesterday and today (UTC), in two batches
"${psql[@]}" <<'SQL'
CREATE VIEW direct_daily AS
SELECT e.account_id, (e.occurred_at AT TIME ZONE 'UTC')::date AS day,
       activity_agg(e.user_id, e.occurred_at, e.feature)::text AS act,
       activity_agg(u.department, e.occurred_at, e.feature)::text AS team_act
FROM events e LEFT JOIN users u USING (user_id)
GROUP BY 1, 2;
CREATE VIEW mismatches AS
SELECT d.account_id, d.day, t.account_id AS t_account_id, t.day AS t_day
FROM direct_daily d FULL JOIN adoption_daily t USING (account_id, day)
WHERE d.act IS DISTINCT FROM t.act::text OR d.team_act IS DISTINCT FROM t.team_act::text;

-- start of today in UTC
CREATE TABLE test_clock AS
SELECT (now() AT TIME ZONE 'UTC')::date::timestamp AT TIME ZONE 'UTC' AS today_start;

-- batch 1: yesterday, a third of the users
INSERT INTO events (account_id, user_id, feature, occurred_at)
SELECT u.account_id, u.user_id, 'reports', c.today_start - interval '1 day' + (u.user_id % 12) * interval '1 hour'
FROM users u, test_clock c WHERE u.user_id % 3 = 0;
SQL
"${psql[@]}" -c 'SELECT * FROM adoption_refresh_daily()' >/dev/null
n="$("${psql[@]}" -c 'SELECT count(*) FROM mismatches')"
[[ "$n" == 0 ]] || { echo "FAIL: $n rows differ after the manual refresh"; exit 1; }

"${psql[@]}" <<'SQL'
CREATE TABLE before AS SELECT account_id, day, act::text AS act FROM adoption_daily;
-- batch 2: yesterday again (other users, another feature), and today
INSERT INTO events (account_id, user_id, feature, occurred_at)
SELECT u.account_id, u.user_id, 'cron_feature', c.today_start - interval '1 day' + (u.user_id % 12) * interval '1 hour'
FROM users u, test_clock c WHERE u.user_id % 3 = 1;
INSERT INTO events (account_id, user_id, feature, occurred_at)
SELECT u.account_id, u.user_id, NULL, c.today_start + interval '1 minute'
FROM users u, test_clock c WHERE u.user_id % 2 = 0;
SQL
stale="$("${psql[@]}" -c 'SELECT count(*) FROM mismatches')"
echo "stale rows before the job: $stale"
[[ "$stale" -gt 0 ]] || { echo "FAIL: the new events changed no day"; exit 1; }

if ! cron_run_once "$job" "$db" 'SELECT * FROM adoption_refresh_daily()'; then
    echo "FAIL: no succeeded run of the job within $WAIT s"
    exit 1
fi

"${psql[@]}" <<'SQL'
\set VERBOSITY terse
DO $$
DECLARE
    bad bigint := (SELECT count(*) FROM mismatches);
    added bigint := (SELECT count(*) FROM adoption_daily d JOIN test_clock c
                     ON d.day = (c.today_start AT TIME ZONE 'UTC')::date
                     WHERE NOT EXISTS (SELECT FROM before b WHERE b.account_id = d.account_id AND b.day = d.day));
    changed bigint := (SELECT count(*) FROM adoption_daily d JOIN before b USING (account_id, day)
                       WHERE b.act <> d.act::text);
BEGIN
    RAISE NOTICE 'after the job: % rows differ from a full recomputation, % new rows for today, % changed rows', bad, added, changed;
    IF bad <> 0 THEN
        RAISE EXCEPTION '% rows of adoption_daily differ from a full recomputation after the pg_cron run', bad;
    END IF;
    IF added = 0 THEN
        RAISE EXCEPTION 'the pg_cron run added no row for today';
    END IF;
    IF changed = 0 THEN
        RAISE EXCEPTION 'the pg_cron run changed no row of yesterday';
    END IF;
END $$;
SQL
echo "pg_cron refresh: ok"
