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
-- search_path.
--
-- Beside them (section 3), or instead: one row per account holding all of
-- its history, adoption_history(account_id, act, team_act), which
-- adoption_refresh_history() updates with activity_union and the summaries
-- of the last few days (idempotent: a set union adds nothing twice),
-- re-summarising from all their events only the accounts whose events were
-- deleted or changed.  It answers any window at any as_of from one row per
-- account: the fastest source for dashboards (the *_history queries of
-- doc/dashboards.sql); the same refresh keeps adoption_history_product, one
-- row of every account's history, for product-wide ones (the *_product
-- queries).  Summaries are canonical: the rollup of any range of days is
-- byte for byte the summary built directly from those days' events.
-- Section 4 schedules the refreshes; section 5, adoption_erase_users(),
-- takes a request to erase people to every one of these tables.
--
-- The day.  A day is a calendar day in one reporting time zone, here UTC:
-- `(occurred_at AT TIME ZONE 'UTC')::date`, passed to activity_agg as a
-- date.  Writing it out (rather than `occurred_at::date`, which follows the
-- session's TimeZone) makes a refresh give the same days whoever runs it: a
-- psql session, a BI tool's connection or a pg_cron job.  To report in
-- another zone, replace 'UTC' everywhere below, and rebuild.
--
-- Events of no user, no account or no finite time are left out everywhere
-- below (`WHERE ... IS NOT NULL AND isfinite(...)`): activity_agg skips a
-- row whose user or day is NULL, so an account-day whose events are all
-- anonymous has no summary (activity_agg gives NULL); an event of no
-- account belongs to no row; and an infinite time is no day (activity_agg
-- fails on it).


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
WHERE e.user_id IS NOT NULL AND e.account_id IS NOT NULL AND isfinite(e.occurred_at)
GROUP BY 1, 2;

-- REFRESH ... CONCURRENTLY needs a unique index on plain columns covering
-- every row; it is also the index a dashboard's "WHERE day > ..." uses.
CREATE UNIQUE INDEX IF NOT EXISTS adoption_daily_mv_key ON adoption_daily_mv (account_id, day);

-- After new events arrive (from a scheduler: see section 4):
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
          AND e.user_id IS NOT NULL AND e.account_id IS NOT NULL AND isfinite(e.occurred_at)
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
-- 3. All-history summaries: one row per account, unioned with the new days
-- ---------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS adoption_history (
    account_id bigint   PRIMARY KEY,
    act        activity NOT NULL,      -- every event of the account, all days
    team_act   activity                -- the same with the team as the actor
);

-- The same history product-wide, kept by the same refresh: one row holding
-- every event of every account.  Product-wide cohorts, lifecycle and
-- retention read it once (about twice as fast as summing the per-account
-- rows), and it counts a user of several accounts once.  Its value is the
-- size of all the per-account rows together (megabytes); STORAGE EXTERNAL
-- keeps it uncompressed, so a read skips pglz decompression and a refresh
-- its compression.  Every refresh that brings new events rewrites it: a
-- union with the new days' product-wide summary, or, when accounts were
-- re-summarised, the rollup of adoption_history; so its refresh costs in
-- proportion to the whole history (about 0.15 s at 10 million events).
-- Where that matters more than its speed, leave out this table and step 3
-- of adoption_refresh_history.
CREATE TABLE IF NOT EXISTS adoption_history_product (
    product boolean  PRIMARY KEY DEFAULT true CHECK (product),  -- one row
    act     activity NOT NULL       -- every event of every account, all days
);
ALTER TABLE adoption_history_product ALTER COLUMN act SET STORAGE EXTERNAL;

-- Accounts to re-summarise from all their events at the next refresh:
-- filled by the triggers below when events are deleted or changed (a
-- correction, an erasure), and by hand for anything else that a union
-- cannot express (INSERT INTO adoption_history_touched VALUES (42)).
CREATE TABLE IF NOT EXISTS adoption_history_touched (
    account_id bigint PRIMARY KEY
);

-- adds the accounts a change touched to adoption_history_touched:
--   events, DELETE or UPDATE (statement level, transition tables): the
--     accounts of the old rows and of the new ones;
--   events, TRUNCATE: every account of adoption_history;
--   users, INSERT, UPDATE of user_id, account_id or department, or DELETE
--     (row level): the user's old and new account (team_act reads
--     departments).
-- As everywhere in this file, users has one row per user (user_id unique)
-- and a user's events are in the user's account.
-- Inserted events need no trigger: the refresh unions the days they fall on.
CREATE OR REPLACE FUNCTION adoption_history_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_LEVEL = 'ROW' THEN
        INSERT INTO adoption_history_touched
        SELECT DISTINCT a FROM (VALUES (OLD.account_id), (NEW.account_id)) v(a)
        WHERE a IS NOT NULL
        ON CONFLICT DO NOTHING;
    ELSIF TG_OP = 'TRUNCATE' THEN
        INSERT INTO adoption_history_touched
        SELECT account_id FROM adoption_history
        ON CONFLICT DO NOTHING;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO adoption_history_touched
        SELECT DISTINCT account_id FROM old_rows WHERE account_id IS NOT NULL
        ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO adoption_history_touched
        SELECT account_id FROM old_rows WHERE account_id IS NOT NULL
        UNION
        SELECT account_id FROM new_rows WHERE account_id IS NOT NULL
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS adoption_history_delete ON events;
CREATE TRIGGER adoption_history_delete AFTER DELETE ON events
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION adoption_history_touch();
DROP TRIGGER IF EXISTS adoption_history_update ON events;
CREATE TRIGGER adoption_history_update AFTER UPDATE ON events
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION adoption_history_touch();
DROP TRIGGER IF EXISTS adoption_history_truncate ON events;
CREATE TRIGGER adoption_history_truncate AFTER TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION adoption_history_touch();
DROP TRIGGER IF EXISTS adoption_history_users ON users;
CREATE TRIGGER adoption_history_users AFTER INSERT OR UPDATE OF user_id, account_id, department OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION adoption_history_touch();

-- adoption_refresh_history(since): bring adoption_history up to date.
--   1. Every account of adoption_history_touched is re-summarised from all
--      its events (its row replaced, or deleted when no event is left),
--      and leaves the list.
--   2. The events of every day from `since` on (default: the last three
--      days, today in UTC included) are summarised per account and unioned
--      into the account's row with activity_union (a new account gets a
--      row).  A row is only rewritten when the union changed it.
--   3. adoption_history_product gets the same: the union of the new days'
--      summaries (their rollup across accounts), or, when step 1
--      re-summarised accounts, the rollup of every row of
--      adoption_history.  It too is only rewritten when it changed.
-- A set union adds nothing twice: running it again, or over days already
-- included, changes nothing; late events are picked up by any run whose
-- range covers their day (a nightly `adoption_refresh_history(current_date
-- - 30)`; `adoption_refresh_history('-infinity')` unions every event, the
-- first fill).  A full rebuild without blocking readers:
--   INSERT INTO adoption_history_touched SELECT account_id FROM adoption_history
--   ON CONFLICT DO NOTHING;  SELECT * FROM adoption_refresh_history();
-- Returns the rows changed by the union (inserted or updated), the
-- accounts re-summarised, and the rows deleted.  Concurrent runs queue on
-- a lock; readers are never blocked (they see the old rows until the
-- refresh commits).  Indexes on events (occurred_at) and events
-- (account_id) let it read only the recent events and the touched
-- accounts' ones.
CREATE OR REPLACE FUNCTION adoption_refresh_history(
        since date DEFAULT (now() AT TIME ZONE 'UTC')::date - 2,
        OUT unioned bigint, OUT rebuilt bigint, OUT deleted bigint)
LANGUAGE plpgsql AS $$
DECLARE
    fresh_all activity;     -- the new days' summary, every account
    old_all   activity;
    new_all   activity;
BEGIN
    IF since IS NULL THEN
        RAISE EXCEPTION 'adoption_refresh_history: since must not be NULL'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- one refresh at a time, and none while a transaction that listed an
    -- account (a trigger's INSERT holds ROW EXCLUSIVE until it ends, even
    -- when the account was listed already) is still running: step 1 must
    -- read its changes committed.  Event writers wait meanwhile; SELECTs
    -- go on.
    LOCK TABLE adoption_history_touched IN SHARE ROW EXCLUSIVE MODE;
    LOCK TABLE adoption_history IN SHARE ROW EXCLUSIVE MODE;

    -- 1. the touched accounts, from all their events
    WITH touched AS (
        DELETE FROM adoption_history_touched RETURNING account_id),
    whole AS (
        SELECT e.account_id,
               activity_agg(e.user_id, (e.occurred_at AT TIME ZONE 'UTC')::date, e.feature) AS act,
               activity_agg(u.department, (e.occurred_at AT TIME ZONE 'UTC')::date, e.feature) AS team_act
        FROM events e
        LEFT JOIN users u ON u.user_id = e.user_id
        WHERE e.account_id IN (SELECT account_id FROM touched)
          AND e.user_id IS NOT NULL AND isfinite(e.occurred_at)
        GROUP BY 1),
    gone AS (
        DELETE FROM adoption_history h
        WHERE h.account_id IN (SELECT account_id FROM touched)
          AND NOT EXISTS (SELECT FROM whole w WHERE w.account_id = h.account_id)
        RETURNING 1),
    up AS (
        INSERT INTO adoption_history AS h (account_id, act, team_act)
        SELECT account_id, act, team_act FROM whole
        ON CONFLICT (account_id) DO UPDATE
            SET act = EXCLUDED.act, team_act = EXCLUDED.team_act
            WHERE h.act::text IS DISTINCT FROM EXCLUDED.act::text
               OR h.team_act::text IS DISTINCT FROM EXCLUDED.team_act::text
        RETURNING 1)
    SELECT (SELECT count(*) FROM touched), (SELECT count(*) FROM gone)
    INTO rebuilt, deleted;

    -- 2. the days from since on, unioned in
    WITH fresh AS (
        SELECT e.account_id,
               activity_agg(e.user_id, (e.occurred_at AT TIME ZONE 'UTC')::date, e.feature) AS act,
               activity_agg(u.department, (e.occurred_at AT TIME ZONE 'UTC')::date, e.feature) AS team_act
        FROM events e
        LEFT JOIN users u ON u.user_id = e.user_id
        -- sargable: the first instant of `since` in UTC
        WHERE e.occurred_at >= since::timestamp AT TIME ZONE 'UTC'
          AND e.user_id IS NOT NULL AND e.account_id IS NOT NULL AND isfinite(e.occurred_at)
        GROUP BY 1),
    merged AS (
        SELECT f.account_id, h.account_id IS NOT NULL AS existed,
               activity_union(h.act, f.act) AS act,
               activity_union(h.team_act, f.team_act) AS team_act,
               h.act::text AS old_act, h.team_act::text AS old_team_act
        FROM fresh f
        LEFT JOIN adoption_history h USING (account_id)),
    ins AS (
        INSERT INTO adoption_history (account_id, act, team_act)
        SELECT account_id, act, team_act FROM merged WHERE NOT existed
        RETURNING 1),
    upd AS (
        UPDATE adoption_history h SET act = m.act, team_act = m.team_act
        FROM merged m
        WHERE m.existed AND h.account_id = m.account_id
          AND (m.act::text IS DISTINCT FROM m.old_act
               OR m.team_act::text IS DISTINCT FROM m.old_team_act)
        RETURNING 1)
    SELECT (SELECT count(*) FROM ins) + (SELECT count(*) FROM upd),
           (SELECT rollup(act) FROM fresh)
    INTO unioned, fresh_all;

    -- 3. the product-wide row: a union cannot take events out, so after
    --    re-summarised accounts it is made again from every account's row
    SELECT act INTO old_all FROM adoption_history_product;
    IF rebuilt > 0 OR old_all IS NULL THEN
        SELECT rollup(act) INTO new_all FROM adoption_history;
    ELSIF fresh_all IS NULL THEN
        RETURN;             -- no new events: nothing to union
    ELSE
        new_all := activity_union(old_all, fresh_all);
    END IF;
    IF new_all IS NULL THEN
        DELETE FROM adoption_history_product;
    ELSIF old_all IS NULL THEN
        INSERT INTO adoption_history_product (act) VALUES (new_all);
    ELSIF new_all::text IS DISTINCT FROM old_all::text THEN
        UPDATE adoption_history_product SET act = new_all;
    END IF;
END
$$;

COMMENT ON FUNCTION adoption_refresh_history(date) IS
    'union into adoption_history (and adoption_history_product) the events of every day from since on (default: the last 3 days, UTC), after re-summarising the accounts of adoption_history_touched from all their events';
COMMENT ON TABLE adoption_history_product IS
    'the summary of every event of every account (one row), kept by adoption_refresh_history: product-wide cohorts, lifecycle and retention, users counted once';

-- The first fill:
SELECT * FROM adoption_refresh_history('-infinity');


-- ---------------------------------------------------------------------------
-- 4. Scheduling with pg_cron
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
--   -- the all-history table: every 15 minutes the recent days (and the
--   -- accounts whose events were deleted or changed), nightly a month back
--   SELECT cron.schedule_in_database('adoption-history', '*/15 * * * *',
--       'SELECT * FROM adoption_refresh_history()', 'yourdb');
--   SELECT cron.schedule_in_database('adoption-history-nightly', '45 2 * * *',
--       $$SELECT * FROM adoption_refresh_history(current_date - 30)$$, 'yourdb');
--
--   -- what ran, and how it went
--   SELECT jobid, status, return_message, start_time, end_time
--   FROM cron.job_run_details ORDER BY start_time DESC LIMIT 10;
--
--   SELECT cron.unschedule('adoption-recent');
--
-- Any other scheduler (cron and psql, Airflow, a systemd timer) runs the
-- same statements.


-- ---------------------------------------------------------------------------
-- 5. Erasing people
-- ---------------------------------------------------------------------------
--
-- adoption_erase_users(user_ids): a request to erase people's data reaches
-- every table of this file, in one transaction:
--   - their events are deleted (the triggers of section 3 list their
--     accounts in adoption_history_touched);
--   - adoption_daily: every row that holds them gets activity_drop_users of
--     its act, byte for byte the summary of that day without their events
--     (the row is deleted when no one else was active that day), and its
--     team_act summarised again from the day's events left (a department
--     may have been active that day through them alone);
--   - adoption_history and adoption_history_product: re-summarised by
--     adoption_refresh_history() from the events left;
--   - adoption_daily_mv: refreshed (CONCURRENTLY: readers go on);
--   - adoption_alerts (doc/alerts.sql), when it exists: the alerts that
--     name one of them (a champion, in subject) are deleted.
-- Their rows in users are yours to delete or anonymise.  Leave out the
-- lines of the tables you do not keep.  Returns the events deleted, and the
-- adoption_daily rows rewritten and deleted.
CREATE OR REPLACE FUNCTION adoption_erase_users(
        user_ids bigint[],
        OUT events_deleted bigint, OUT daily_rewritten bigint, OUT daily_deleted bigint)
LANGUAGE plpgsql AS $$
BEGIN
    IF user_ids IS NULL THEN
        RAISE EXCEPTION 'adoption_erase_users: user_ids must not be NULL'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    LOCK TABLE adoption_daily IN SHARE ROW EXCLUSIVE MODE;

    DELETE FROM events WHERE user_id = ANY (user_ids);
    GET DIAGNOSTICS events_deleted = ROW_COUNT;

    WITH held AS (
        -- the rows holding them: those that change without them
        SELECT d.account_id, d.day, activity_drop_users(d.act, user_ids) AS act
        FROM adoption_daily d
        WHERE activity_drop_users(d.act, user_ids)::text IS DISTINCT FROM d.act::text),
    teams AS (
        SELECT h.account_id, h.day,
               activity_agg(u.department, (e.occurred_at AT TIME ZONE 'UTC')::date, e.feature) AS team_act
        FROM held h
        JOIN events e ON e.account_id = h.account_id
             AND e.occurred_at >= h.day::timestamp AT TIME ZONE 'UTC'
             AND e.occurred_at < (h.day + 1)::timestamp AT TIME ZONE 'UTC'
        LEFT JOIN users u ON u.user_id = e.user_id
        WHERE e.user_id IS NOT NULL
        GROUP BY 1, 2),
    gone AS (
        DELETE FROM adoption_daily d USING held h
        WHERE h.act IS NULL AND d.account_id = h.account_id AND d.day = h.day
        RETURNING 1),
    rewritten AS (
        UPDATE adoption_daily d SET act = h.act, team_act = t.team_act
        FROM held h LEFT JOIN teams t USING (account_id, day)
        WHERE h.act IS NOT NULL AND d.account_id = h.account_id AND d.day = h.day
        RETURNING 1)
    SELECT (SELECT count(*) FROM rewritten), (SELECT count(*) FROM gone)
    INTO daily_rewritten, daily_deleted;

    PERFORM adoption_refresh_history();
    REFRESH MATERIALIZED VIEW CONCURRENTLY adoption_daily_mv;
    IF to_regclass('adoption_alerts') IS NOT NULL THEN
        DELETE FROM adoption_alerts WHERE subject = ANY (user_ids::text[]);
    END IF;
END
$$;

COMMENT ON FUNCTION adoption_erase_users(bigint[]) IS
    'erase people: delete their events, drop them from adoption_daily (activity_drop_users; team_act summarised again), re-summarise their accounts in adoption_history, refresh adoption_daily_mv, delete the alerts naming them';
