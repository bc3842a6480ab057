#!/usr/bin/env bash
# refresh: the scheduled-refresh recipes of doc/refresh.sql, for real.
#
# Runs against the cluster named by the PG* environment (test/run provides
# a throw-away one), in a database of its own holding generated data
# (data/generate.sql; ADOPTION_REFRESH_EVENTS events, default 50000).
#
#   a. the materialized view adoption_daily_mv: every (account, day) row is
#      byte for byte the summary built directly from that day's events; the
#      rollup of any window is byte for byte the summary of the window's
#      events; dashboard numbers read from rolled-up days equal plain SQL
#      over the raw events.  Then late and new events arrive (and one
#      account-day's events are deleted): the view is stale, REFRESH ...
#      CONCURRENTLY makes it equal again, and every check is repeated.
#   b. the incremental table adoption_daily: after the first fill it equals
#      a full recomputation; after the late events, adoption_refresh_daily()
#      over the last days makes it equal again (new rows, changed rows, the
#      emptied day deleted), and a second run changes nothing.
#   Events of no user, no account or an infinite time (an account-day of
#   anonymous events only, among them) arrive with the late ones: every
#   refresh leaves them out instead of failing.
#   c. an erasure, adoption_erase_users(): the users' events are gone,
#      adoption_daily equals the summaries of the events left (a day of
#      theirs alone loses its row; team_act too is summarised again), the view,
#      adoption_history and adoption_history_product equal full rebuilds;
#      a second erasure changes nothing.
#
# The refreshes run in a session whose TimeZone is not UTC: the recipe's
# days must not depend on who refreshes.  Exits non-zero on any mismatch.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/scripts/lib/common.bash

EVENTS="${ADOPTION_REFRESH_EVENTS:-50000}"
db="adoption_refresh_test_$$"
psql=(psql -X -q -v ON_ERROR_STOP=1 -d "$db")
generated_db "$db" 11 "$EVENTS"
"${psql[@]}" -c 'CREATE INDEX ON events (occurred_at)' -c 'VACUUM ANALYZE'
PGOPTIONS='-c TimeZone=Asia/Kolkata' "${psql[@]}" -f doc/refresh.sql >/dev/null

"${psql[@]}" -At <<'SQL'
\set VERBOSITY terse
SET client_min_messages = notice;

-- ---------------------------------------------------------------------
-- Helpers
-- ---------------------------------------------------------------------
\i test/scripts/lib/expect.sql

-- The oracle: per-(account, day) summaries built directly from the events
-- through the other overload (timestamptz days in the session TimeZone,
-- set to UTC wherever this view is read), as text.
CREATE TEMP VIEW direct_daily AS
SELECT e.account_id, e.occurred_at::date AS day,
       activity_agg(e.user_id, e.occurred_at, e.feature)::text AS act,
       activity_agg(u.department, e.occurred_at, e.feature)::text AS team_act
FROM events e LEFT JOIN users u USING (user_id)
WHERE e.account_id IS NOT NULL AND isfinite(e.occurred_at)
GROUP BY 1, 2
HAVING activity_agg(e.user_id, e.occurred_at, e.feature) IS NOT NULL;

-- rows of a daily relation that differ from direct_daily (either side missing too)
CREATE FUNCTION pg_temp.daily_mismatches(rel regclass) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    SET LOCAL TimeZone = 'UTC';
    EXECUTE format($q$
        SELECT count(*) FROM direct_daily d FULL JOIN %s t USING (account_id, day)
        WHERE d.act IS DISTINCT FROM t.act::text
           OR d.team_act IS DISTINCT FROM t.team_act::text$q$, rel) INTO n;
    RETURN n;
END $$;

-- windows (as_of, days) checked after each refresh; 100000 days = all history
CREATE TEMP TABLE windows (as_of date, days int);

-- a: rolled-up windows of the view, byte for byte against the window's events
CREATE FUNCTION pg_temp.check_rollups(rel regclass) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE w record; n bigint; bad bigint;
BEGIN
    SET LOCAL TimeZone = 'UTC';
    FOR w IN SELECT * FROM windows ORDER BY as_of, days LOOP
        EXECUTE format($q$
            SELECT count(*), count(*) FILTER (WHERE r.act IS DISTINCT FROM d.act
                                              OR r.team_act IS DISTINCT FROM d.team_act)
            FROM (SELECT account_id, rollup(act)::text AS act, rollup(team_act)::text AS team_act
                  FROM %s WHERE day > $1 - $2 AND day <= $1 GROUP BY 1) r
            FULL JOIN
                 (SELECT e.account_id,
                         activity_agg(e.user_id, e.occurred_at, e.feature)::text AS act,
                         activity_agg(u.department, e.occurred_at, e.feature)::text AS team_act
                  FROM events e LEFT JOIN users u USING (user_id)
                  WHERE e.occurred_at::date > $1 - $2 AND e.occurred_at::date <= $1
                    AND e.account_id IS NOT NULL
                  GROUP BY 1
                  HAVING activity_agg(e.user_id, e.occurred_at, e.feature) IS NOT NULL) d USING (account_id)$q$, rel)
            INTO n, bad USING w.as_of, w.days;
        PERFORM pg_temp.expect_positive(format('%s: accounts in window (%s - %s, %s]', rel, w.as_of, w.days, w.as_of), n);
        PERFORM pg_temp.expect(format('%s: rollups differing from the events of (%s - %s, %s]', rel, w.as_of, w.days, w.as_of), bad, 0);
    END LOOP;
END $$;

-- a: dashboard numbers from rolled-up days against plain SQL over raw events
CREATE FUNCTION pg_temp.check_dashboard(rel regclass) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE w record; n bigint; bad bigint;
BEGIN
    SET LOCAL TimeZone = 'UTC';
    FOR w IN SELECT * FROM windows WHERE days <= 90 ORDER BY as_of, days LOOP
        EXECUTE format($q$
            WITH s AS (
                SELECT a.account_id,
                       active_users(r.act, $1, $2)                       AS active,
                       stickiness(r.act, $1, $2)                         AS stickiness,
                       adoption_rate(r.act, a.seats, $1, $2)             AS adoption_rate,
                       depth(r.act, $1, $2)                              AS depth,
                       active_users(r.team_act, $1, $2)                  AS active_teams,
                       active_users(r.act, $1, $2, feature => 'reports') AS reports_users
                FROM accounts a
                JOIN (SELECT account_id, rollup(act) AS act, rollup(team_act) AS team_act
                      FROM %s WHERE day > $1 - $2 AND day <= $1 GROUP BY 1) r USING (account_id)),
            ev AS (
                SELECT e.account_id, e.user_id, e.feature, e.occurred_at::date AS day, u.department
                FROM events e LEFT JOIN users u USING (user_id)
                WHERE e.occurred_at::date > $1 - $2 AND e.occurred_at::date <= $1
                  AND e.user_id IS NOT NULL),
            o AS (
                SELECT ev.account_id,
                       count(DISTINCT ev.user_id)                                 AS active,
                       count(DISTINCT (ev.user_id, ev.day))::float8 / $2
                           / count(DISTINCT ev.user_id)                           AS stickiness,
                       count(DISTINCT ev.user_id)::float8 / nullif(min(a.seats), 0) AS adoption_rate,
                       count(DISTINCT (ev.user_id, ev.feature)) FILTER (WHERE ev.feature IS NOT NULL)::float8
                           / count(DISTINCT ev.user_id)                           AS depth,
                       count(DISTINCT ev.department)                              AS active_teams,
                       count(DISTINCT ev.user_id) FILTER (WHERE ev.feature = 'reports') AS reports_users
                FROM ev JOIN accounts a USING (account_id)
                GROUP BY 1)
            SELECT count(*),
                   count(*) FILTER (WHERE s.active IS DISTINCT FROM o.active
                       OR s.active_teams IS DISTINCT FROM o.active_teams
                       OR s.reports_users IS DISTINCT FROM o.reports_users
                       OR NOT pg_temp.close(s.stickiness, o.stickiness)
                       OR NOT pg_temp.close(s.adoption_rate, o.adoption_rate)
                       OR NOT pg_temp.close(s.depth, o.depth))
            FROM s FULL JOIN o USING (account_id)$q$, rel)
            INTO n, bad USING w.as_of, w.days;
        PERFORM pg_temp.expect_positive(format('%s: dashboard accounts on %s, %s days', rel, w.as_of, w.days), n);
        PERFORM pg_temp.expect(format('%s: dashboard rows differing from raw events on %s, %s days', rel, w.as_of, w.days), bad, 0);
    END LOOP;
END $$;

-- ---------------------------------------------------------------------
-- Before new events
-- ---------------------------------------------------------------------
INSERT INTO windows VALUES ('2026-06-30', 30), ('2026-06-30', 7), ('2026-06-30', 1),
                           ('2026-03-15', 90), ('2025-12-31', 30), ('2026-06-30', 100000);

SELECT pg_temp.expect_positive('daily rows', (SELECT count(*) FROM direct_daily));
SELECT pg_temp.expect('a: adoption_daily_mv rows differing from direct summaries', pg_temp.daily_mismatches('adoption_daily_mv'), 0);
SELECT pg_temp.expect('b: adoption_daily rows differing from direct summaries', pg_temp.daily_mismatches('adoption_daily'), 0);
SELECT pg_temp.check_rollups('adoption_daily_mv');
SELECT pg_temp.check_dashboard('adoption_daily_mv');

-- ---------------------------------------------------------------------
-- Late and new events arrive: days 2026-06-28 .. 2026-07-02
-- ---------------------------------------------------------------------
CREATE TEMP TABLE before AS SELECT account_id, day, act::text AS act FROM adoption_daily;

-- late events for recent days, by existing users, on a new feature and an
-- existing one; events of new days; an event of a user unknown to users
INSERT INTO events (account_id, user_id, feature, occurred_at)
SELECT u.account_id, u.user_id, f.feature,
       timestamptz '2026-06-28 10:00+00' + d * interval '1 day' + (u.user_id % 7) * interval '1 hour'
FROM users u
CROSS JOIN generate_series(0, 4) d
CROSS JOIN (VALUES ('late_feature'), ('reports'), (NULL)) f(feature)
WHERE u.user_id % 3 = d % 3;
INSERT INTO events (account_id, user_id, feature, occurred_at)
SELECT min(account_id), 987654321, 'reports', timestamptz '2026-06-29 23:30+00' FROM users;
-- events of no user (an account-day of them alone, in a new account, and
-- one beside other users' events) and of no account: left out
INSERT INTO events (account_id, user_id, feature, occurred_at)
SELECT * FROM (VALUES (990002::bigint, NULL::bigint, 'reports', timestamptz '2026-07-01 09:00+00')) v
UNION ALL SELECT min(account_id), NULL, 'reports', timestamptz '2026-06-30 10:00+00' FROM users
UNION ALL SELECT NULL, min(user_id), 'reports', timestamptz '2026-06-30 11:00+00' FROM users
-- and an event at an infinite time: no day, left out too
UNION ALL SELECT min(account_id), min(user_id), 'reports', timestamptz 'infinity' FROM users;
-- one account-day loses all its events (in the re-summarised range)
CREATE TEMP TABLE emptied AS
SELECT account_id, day FROM adoption_daily WHERE day = '2026-06-29' ORDER BY account_id DESC LIMIT 1;
SELECT pg_temp.expect('an account-day to empty', (SELECT count(*) FROM emptied), 1);
DELETE FROM events e USING emptied x
WHERE e.account_id = x.account_id AND (e.occurred_at AT TIME ZONE 'UTC')::date = x.day;
-- an account-day at 23:30 UTC: the day boundary is UTC, whatever the session
SET TimeZone = 'Asia/Kolkata';

INSERT INTO windows VALUES ('2026-07-02', 30), ('2026-07-02', 3), ('2026-07-02', 100000), ('2026-06-29', 1);

-- both are stale now
SELECT pg_temp.expect_positive('a: stale adoption_daily_mv rows before the refresh', pg_temp.daily_mismatches('adoption_daily_mv'));
SELECT pg_temp.expect_positive('b: stale adoption_daily rows before the refresh', pg_temp.daily_mismatches('adoption_daily'));

-- ---------------------------------------------------------------------
-- a. REFRESH MATERIALIZED VIEW CONCURRENTLY
-- ---------------------------------------------------------------------
REFRESH MATERIALIZED VIEW CONCURRENTLY adoption_daily_mv;
SELECT pg_temp.expect('a: adoption_daily_mv rows differing after REFRESH CONCURRENTLY', pg_temp.daily_mismatches('adoption_daily_mv'), 0);
SELECT pg_temp.check_rollups('adoption_daily_mv');
SELECT pg_temp.check_dashboard('adoption_daily_mv');

-- ---------------------------------------------------------------------
-- b. the incremental refresh of the last days (2026-06-28 on)
-- ---------------------------------------------------------------------
CREATE TEMP TABLE run1 AS SELECT * FROM adoption_refresh_daily('2026-06-28');
SELECT pg_temp.expect('b: adoption_daily rows differing after adoption_refresh_daily', pg_temp.daily_mismatches('adoption_daily'), 0);
SELECT pg_temp.expect('b: rows deleted (the emptied account-day)', (SELECT deleted FROM run1), 1);
SELECT pg_temp.expect('b: rows upserted = new + changed rows',
    (SELECT upserted FROM run1),
    (SELECT count(*) FROM adoption_daily d LEFT JOIN before b USING (account_id, day)
     WHERE b.act IS DISTINCT FROM d.act::text));
SELECT pg_temp.expect_positive('b: new rows (days after 2026-06-30)',
    (SELECT count(*) FROM adoption_daily WHERE day > '2026-06-30'));
SELECT pg_temp.expect_positive('b: changed rows (late events, 2026-06-28 .. 30)',
    (SELECT count(*) FROM adoption_daily d JOIN before b USING (account_id, day)
     WHERE b.act <> d.act::text AND d.day BETWEEN '2026-06-28' AND '2026-06-30'));
SELECT pg_temp.expect('b: rows before 2026-06-28 untouched',
    (SELECT count(*) FROM before b FULL JOIN (SELECT * FROM adoption_daily WHERE day < '2026-06-28') d USING (account_id, day)
     WHERE b.day < '2026-06-28' AND b.act IS DISTINCT FROM d.act::text), 0);
SELECT pg_temp.check_rollups('adoption_daily');
SELECT pg_temp.check_dashboard('adoption_daily');

-- a second run finds nothing to do
SELECT pg_temp.expect('b: second run, rows upserted', upserted, 0),
       pg_temp.expect('b: second run, rows deleted', deleted, 0)
FROM adoption_refresh_daily('2026-06-28');

-- the default range (the last 3 days up to today) leaves the table exact
SELECT pg_temp.expect('b: default run, rows deleted', deleted, 0) FROM adoption_refresh_daily();
SELECT pg_temp.expect('b: adoption_daily rows differing after a default run', pg_temp.daily_mismatches('adoption_daily'), 0);

-- a full rebuild equals the view
SELECT pg_temp.expect('b: full rebuild, rows upserted', upserted, 0) FROM adoption_refresh_daily('-infinity');
SELECT pg_temp.expect('a = b: rows differing between the view and the table',
    (SELECT count(*) FROM adoption_daily_mv m FULL JOIN adoption_daily t USING (account_id, day)
     WHERE m.act::text IS DISTINCT FROM t.act::text OR m.team_act::text IS DISTINCT FROM t.team_act::text), 0);

SELECT pg_temp.expect('no row of anonymous events or of no account',
    (SELECT count(*) FROM adoption_daily WHERE account_id = 990002), 0);

-- ---------------------------------------------------------------------
-- c. an erasure
-- ---------------------------------------------------------------------
-- the all-history tables up to date first (the late events unioned, the
-- emptied account-day's account re-summarised)
SELECT pg_temp.expect_positive('c: history rows unioned before the erasure', unioned)
FROM adoption_refresh_history('-infinity');
-- who is erased: the user of most days, and one whose only day is theirs alone
-- (with an anonymous event beside, so that the account is left with
-- anonymous events only, which the history's re-summarising leaves out)
INSERT INTO events (account_id, user_id, feature, occurred_at)
VALUES (990003, 990003001, 'reports', '2026-07-01 12:00+00'),
       (990003, NULL, 'reports', '2026-07-01 13:00+00');
SELECT pg_temp.expect('c: the lone user''s day summarised', upserted, 1)
FROM adoption_refresh_daily('2026-07-01');
REFRESH MATERIALIZED VIEW CONCURRENTLY adoption_daily_mv;
SELECT pg_temp.expect('c: the lone user''s account in the history', unioned, 1)
FROM adoption_refresh_history('2026-07-01');
CREATE TEMP TABLE erased AS
SELECT user_id FROM (SELECT user_id FROM events WHERE user_id < 990000000 GROUP BY 1
                     ORDER BY count(DISTINCT (occurred_at AT TIME ZONE 'UTC')::date) DESC, 1 LIMIT 1) u
UNION ALL SELECT 990003001;
CREATE TEMP TABLE before_erasure AS
SELECT account_id, day, act::text AS act, team_act::text AS team_act FROM adoption_daily;
CREATE TEMP TABLE erasure AS
SELECT * FROM adoption_erase_users((SELECT array_agg(user_id) FROM erased));
SELECT pg_temp.expect_positive('c: events deleted', (SELECT events_deleted FROM erasure));
SELECT pg_temp.expect('c: events of the erased users left',
    (SELECT count(*) FROM events WHERE user_id IN (SELECT user_id FROM erased)), 0);
SELECT pg_temp.expect_positive('c: adoption_daily rows rewritten', (SELECT daily_rewritten FROM erasure));
SELECT pg_temp.expect('c: adoption_daily rows deleted (the lone user''s day)', (SELECT daily_deleted FROM erasure), 1);
SELECT pg_temp.expect('c: rows rewritten = rows whose act changed',
    (SELECT daily_rewritten FROM erasure),
    (SELECT count(*) FROM adoption_daily d JOIN before_erasure b USING (account_id, day) WHERE b.act <> d.act::text));
SET TimeZone = 'UTC';     -- direct_daily's days
SELECT pg_temp.expect('c: adoption_daily act differing from the events left',
    (SELECT count(*) FROM direct_daily d FULL JOIN adoption_daily t USING (account_id, day)
     WHERE d.act IS DISTINCT FROM t.act::text), 0);
SELECT pg_temp.expect('c: adoption_daily team_act differing from the events left',
    (SELECT count(*) FROM direct_daily d FULL JOIN adoption_daily t USING (account_id, day)
     WHERE d.team_act IS DISTINCT FROM t.team_act::text), 0);
SELECT pg_temp.expect_positive('c: team_act changed by the erasure (departments active through them alone)',
    (SELECT count(*) FROM adoption_daily d JOIN before_erasure b USING (account_id, day)
     WHERE b.team_act IS DISTINCT FROM d.team_act::text));
SELECT pg_temp.expect('c: adoption_daily_mv rows differing after the erasure', pg_temp.daily_mismatches('adoption_daily_mv'), 0);
SELECT pg_temp.expect('c: adoption_history rows differing from a rebuild after the erasure',
    (SELECT count(*)
     FROM (SELECT e.account_id, activity_agg(e.user_id, e.occurred_at, e.feature)::text AS act,
                  activity_agg(u.department, e.occurred_at, e.feature)::text AS team_act
           FROM events e LEFT JOIN users u USING (user_id)
           WHERE e.account_id IS NOT NULL AND isfinite(e.occurred_at) GROUP BY 1
           HAVING activity_agg(e.user_id, e.occurred_at, e.feature) IS NOT NULL) d
     FULL JOIN adoption_history h USING (account_id)
     WHERE d.act IS DISTINCT FROM h.act::text OR d.team_act IS DISTINCT FROM h.team_act::text), 0);
SELECT pg_temp.expect('c: adoption_history_product differing from a rebuild after the erasure',
    (SELECT count(*) FROM adoption_history_product
     WHERE act::text IS DISTINCT FROM (SELECT activity_agg(user_id, occurred_at, feature)::text
                                       FROM events WHERE account_id IS NOT NULL AND isfinite(occurred_at))), 0);
SELECT pg_temp.expect('c: the history row of the account left with anonymous events only',
    (SELECT count(*) FROM adoption_history WHERE account_id = 990003), 0);
SET TimeZone = 'Asia/Kolkata';
SELECT pg_temp.expect('c: a second erasure, changes', events_deleted + daily_rewritten + daily_deleted, 0)
FROM adoption_erase_users((SELECT array_agg(user_id) FROM erased));
DO $$
BEGIN
    PERFORM adoption_erase_users(NULL);
    RAISE EXCEPTION 'adoption_erase_users(NULL) did not fail';
EXCEPTION WHEN invalid_parameter_value THEN
    RAISE NOTICE 'ok  adoption_erase_users(NULL): %', SQLERRM;
END $$;

-- bad argument
DO $$
BEGIN
    PERFORM adoption_refresh_daily(NULL);
    RAISE EXCEPTION 'adoption_refresh_daily(NULL) did not fail';
EXCEPTION WHEN invalid_parameter_value THEN
    RAISE NOTICE 'ok  adoption_refresh_daily(NULL): %', SQLERRM;
END $$;
SQL
echo "refresh recipes: ok"
