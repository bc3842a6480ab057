-- doc/refresh.sql: scheduled refresh of per-day summaries (a recipe to copy)
--
--   psql -v ON_ERROR_STOP=1 -d yourdb -f doc/refresh.sql
--
-- Over the usual tables (the names are yours; adapt them):
--
--   events(account_id bigint, user_id bigint, feature text, occurred_at timestamptz)
--   users(user_id bigint, account_id bigint, department text, ...)
--
-- it keeps one row per account and day holding two summaries:
--
--   act        activity_agg(user_id, ...)     the users' activity
--   team_act   activity_agg(department, ...)  the same activity with the team
--                                             as the actor (active teams, for
--                                             adoption_stage)
--
-- in one of two ways (pick one; this file creates both):
--
--   1. adoption_daily_mv, a materialized view refreshed as a whole with
--      REFRESH MATERIALIZED VIEW CONCURRENTLY (readers are never blocked;
--      every refresh re-reads all events);
--   2. adoption_daily, a table that adoption_refresh_daily() re-summarises
--      for the last few days only, with INSERT ... ON CONFLICT DO UPDATE
--      (a refresh reads only the recent events), scheduled with pg_cron or
--      any scheduler.
--
-- Both have the same columns, so every query of doc/dashboards.sql reads
-- either one; both need the extension (CREATE EXTENSION adoption) on the
-- search_path.  Summaries are canonical: the rollup of any range of days is
-- byte for byte the summary built directly from those days' events.
--
-- The day.  A day is a calendar day in one reporting time zone, here UTC:
-- `(occurred_at AT TIME ZONE 'UTC')::date`, passed to activity_agg as a
-- date.  Writing it out (rather than `occurred_at::date`, which follows the
-- session's TimeZone) makes a refresh give the same days whoever runs it: a
-- psql session, a BI tool's connection or a pg_cron job.  To report in
-- another zone, replace 'UTC' everywhere below, and rebuild.


-- ---------------------------------------------------------------------------
-- 1. A materialized view, refreshed CONCURRENTLY
-- ---------------------------------------------------------------------------

CREATE MATERIALIZED VIEW IF NOT EXISTS adoption_daily_mv AS
SELECT e.account_id,
       (e.occurred_at AT TIME ZONE 'UTC')::date AS day,
       activity_agg(e.user_id, (e.occurred_at AT TIME ZONE 'UTC')::date, e.feature) AS act,
       activity_agg(u.department, (e.occurred_at AT TIME ZONE 'UTC')::date, e.feature) AS team_act
FROM events e
LEFT JOIN users u ON u.user_id = e.user_id
GROUP BY 1, 2;

-- REFRESH ... CONCURRENTLY needs a unique index on plain columns covering
-- every row; it is also the index a dashboard's "WHERE day > ..." uses.
CREATE UNIQUE INDEX IF NOT EXISTS adoption_daily_mv_key ON adoption_daily_mv (account_id, day);

-- After new events arrive (from a scheduler: see section 3):
--
--   REFRESH MATERIALIZED VIEW CONCURRENTLY adoption_daily_mv;
--
-- CONCURRENTLY computes the new contents, compares them with the old rows
-- and applies only the differences, so dashboards keep reading meanwhile.
-- Rows are compared as records, and equal summaries have equal bytes, so
-- the days that did not change are not rewritten.


-- ---------------------------------------------------------------------------
-- 2. An incremental summary table: re-summarise the last few days
-- ---------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS adoption_daily (
    account_id bigint   NOT NULL,
    day        date     NOT NULL,
    act        activity NOT NULL,
    team_act   activity,               -- NULL when none of the day's users has a department
    PRIMARY KEY (account_id, day)
);

-- adoption_refresh_daily(since): recompute the summaries of every day from
-- `since` on (default: the last three days, today in UTC included) from the
-- events, and make adoption_daily hold exactly them:
--   - a day that gained events is inserted or updated (ON CONFLICT DO
--     UPDATE, only when its summary really changed: the text of equal
--     summaries is identical);
--   - an (account, day) whose events were all deleted loses its row.
-- Days before `since` are not touched: events arriving later than `since`
-- allows are picked up by a wider run, e.g. a nightly
-- `SELECT * FROM adoption_refresh_daily(current_date - 30)`.  A full
-- rebuild is `adoption_refresh_daily('-infinity')`.
-- Returns how many rows were inserted or updated, and deleted.
-- Concurrent runs queue on a lock (readers are not blocked).
-- An index on events (occurred_at) lets it read the recent events only.
CREATE OR REPLACE FUNCTION adoption_refresh_daily(
        since date DEFAULT (now() AT TIME ZONE 'UTC')::date - 2,
        OUT upserted bigint, OUT deleted bigint)
LANGUAGE plpgsql AS $$
BEGIN
    IF since IS NULL THEN
        RAISE EXCEPTION 'adoption_refresh_daily: since must not be NULL'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- one refresh at a time; SELECTs go on
    LOCK TABLE adoption_daily IN SHARE ROW EXCLUSIVE MODE;

    WITH fresh AS (
        SELECT e.account_id,
               (e.occurred_at AT TIME ZONE 'UTC')::date AS day,
               activity_agg(e.user_id, (e.occurred_at AT TIME ZONE 'UTC')::date, e.feature) AS act,
               activity_agg(u.department, (e.occurred_at AT TIME ZONE 'UTC')::date, e.feature) AS team_act
        FROM events e
        LEFT JOIN users u ON u.user_id = e.user_id
        -- sargable: the first instant of `since` in UTC
        WHERE e.occurred_at >= since::timestamp AT TIME ZONE 'UTC'
        GROUP BY 1, 2),
    gone AS (
        DELETE FROM adoption_daily d
        WHERE d.day >= since
          AND NOT EXISTS (SELECT FROM fresh f
                          WHERE f.account_id = d.account_id AND f.day = d.day)
        RETURNING 1),
    up AS (
        INSERT INTO adoption_daily AS d (account_id, day, act, team_act)
        SELECT account_id, day, act, team_act FROM fresh
        ON CONFLICT (account_id, day) DO UPDATE
            SET act = EXCLUDED.act, team_act = EXCLUDED.team_act
            WHERE d.act::text IS DISTINCT FROM EXCLUDED.act::text
               OR d.team_act::text IS DISTINCT FROM EXCLUDED.team_act::text
        RETURNING 1)
    SELECT (SELECT count(*) FROM up), (SELECT count(*) FROM gone)
    INTO upserted, deleted;
END
$$;

COMMENT ON FUNCTION adoption_refresh_daily(date) IS
    're-summarise adoption_daily from the events of every day from since on (default: the last 3 days, UTC)';

-- The first fill (a full rebuild):
SELECT * FROM adoption_refresh_daily('-infinity');


-- ---------------------------------------------------------------------------
-- 3. Scheduling with pg_cron
-- ---------------------------------------------------------------------------
--
-- pg_cron (Debian: postgresql-15-cron) must be in shared_preload_libraries;
-- it runs its jobs from the database named by cron.database_name
-- (default postgres), where CREATE EXTENSION pg_cron is run once.  Jobs
-- connect to the server like a client (set cron.host, or set
-- cron.use_background_workers = on to run them in background workers
-- without a connection).  In postgresql.conf:
--
--   shared_preload_libraries = 'pg_cron'
--   cron.database_name = 'postgres'
--   cron.use_background_workers = on
--
-- Then, in cron.database_name, schedule the refresh in your database (the
-- times are in GMT; pg_cron 1.4 has minute granularity):
--
--   CREATE EXTENSION IF NOT EXISTS pg_cron;
--
--   -- every 15 minutes: the recent days of the summary table
--   SELECT cron.schedule_in_database('adoption-recent', '*/15 * * * *',
--       'SELECT * FROM adoption_refresh_daily()', 'yourdb');
--   -- nightly: a month back, for late events
--   SELECT cron.schedule_in_database('adoption-nightly', '30 2 * * *',
--       $$SELECT * FROM adoption_refresh_daily(current_date - 30)$$, 'yourdb');
--   -- or, with the materialized view instead:
--   SELECT cron.schedule_in_database('adoption-mv', '0 * * * *',
--       'REFRESH MATERIALIZED VIEW CONCURRENTLY adoption_daily_mv', 'yourdb');
--
--   -- what ran, and how it went
--   SELECT jobid, status, return_message, start_time, end_time
--   FROM cron.job_run_details ORDER BY start_time DESC LIMIT 10;
--
--   SELECT cron.unschedule('adoption-recent');
--
-- Any other scheduler (cron and psql, Airflow, a systemd timer) runs the
-- same statements.
