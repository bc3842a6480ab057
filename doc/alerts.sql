-- doc/alerts.sql: alerts raised by a scheduled refresh (a recipe to copy)
--
--   psql -v ON_ERROR_STOP=1 -d yourdb -f doc/refresh.sql
--   psql -v ON_ERROR_STOP=1 -d yourdb -f doc/alerts.sql
--
-- Over the per-day summaries of doc/refresh.sql (adoption_daily) and the
-- accounts table (account_id, seats), it keeps a table of alerts,
-- adoption_alerts, that adoption_raise_alerts() fills after each refresh
-- with what a customer-success team acts on:
--
--   usage_drop         active user-days in the last trend_days days fell by
--                      trend_drop or more against the trend_days before
--                      (usage_trend), per account (feature NULL) and per
--                      account and feature;
--   champion_dark      the account's champion (champion(), the user with
--                      the most active days in the last champion_days days)
--                      has not been active for more than dark_days days;
--                      subject: the champion's user id;
--   grade_red          the account's health grade under health_model
--                      (signals adoption_rate, dau_mau, usage_trend) turned
--                      red;
--   core_abandoned     abandonment_rate of a core feature (core_features)
--                      over abandon_quiet_days reached abandon_rate.
--
-- Every threshold is a column of the one-row table adoption_alert_settings,
-- read by the function at each run: change them with UPDATE, not by
-- editing the query.
--
-- An alert is an onset: the condition holds on a day and did not hold on
-- the day before.  Its natural key is (kind, account_id, feature, subject,
-- day), day being the day of the onset, so
--
--   - a condition that goes on holding raises one alert, not one a day, and
--     a later onset (after it stopped holding) raises a new one;
--   - re-running the function over days already evaluated raises nothing:
--     the insert is INSERT ... ON CONFLICT DO NOTHING RETURNING, and only
--     the rows it returns, the new alerts, are announced;
--   - late events re-evaluated by a later run (the days from `since` on)
--     can add the onset they cause; alerts already raised are never
--     changed or withdrawn (they are what was announced);
--   - feature and subject are NULL when not applicable, and the key takes
--     two NULLs as equal (a feature named '' is a feature like any other,
--     not "no feature");
--   - concurrent runs raise no duplicate: the unique key makes the second
--     inserter of a key wait for the first and then skip it, and it
--     announces only what it inserted itself.
--
-- Each new alert is announced with NOTIFY on one channel (settings column
-- `channel`, default adoption_alerts) with a JSON payload a worker can act
-- on: {"alert_id", "kind", "account_id", "feature", "subject", "day",
-- "value", "threshold"} (feature and subject null when not applicable, as
-- in the table).
-- NOTIFY is transactional: listeners hear of an alert when the transaction
-- that inserted it commits, and never of one that was rolled back.  A
-- worker that was not listening catches up from the table (alert_id is
-- increasing; acknowledged_at is the worker's to set).
--
-- An erasure (doc/refresh.sql's adoption_erase_users) deletes the alerts
-- that name one of the people erased: champion_dark rows name a champion's
-- user id in `subject`.
--
-- NOTIFY is not access-controlled: every role that can connect to the
-- database can LISTEN on the channel and read the payloads (account ids,
-- champions' user ids).  Where customers log in (doc/portal.sql), raise the
-- alerts in another database, or reduce the payload to the alert_id (the
-- table itself is the owner's).
--
-- Scheduling, with doc/refresh.sql's refresh (pg_cron, section 4 there):
--
--   SELECT cron.schedule_in_database('adoption-recent', '*/15 * * * *',
--       $$SELECT * FROM adoption_refresh_daily();
--         SELECT count(*) FROM adoption_raise_alerts()$$, 'yourdb');
--
-- and, once, a first fill that raises the onsets of the last 90 days:
--
--   SELECT count(*) FROM adoption_raise_alerts(since => current_date - 90);


-- ---------------------------------------------------------------------------
-- Settings: one row, every threshold
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS adoption_alert_settings (
    one                boolean PRIMARY KEY DEFAULT true CHECK (one),
    channel            text    NOT NULL DEFAULT 'adoption_alerts',
    -- usage_drop: usage_trend(act, day, trend_days, feature) <= -trend_drop,
    -- when the earlier window had at least trend_min_users active users
    trend_days         integer NOT NULL DEFAULT 30 CHECK (trend_days >= 1),
    trend_drop         float8  NOT NULL DEFAULT 0.2 CHECK (trend_drop > 0),
    trend_min_users    integer NOT NULL DEFAULT 3,
    -- champion_dark: champion(act, day, champion_days).last_day < day - dark_days
    champion_days      integer NOT NULL DEFAULT 30 CHECK (champion_days >= 1),
    dark_days          integer NOT NULL DEFAULT 14 CHECK (dark_days >= 0),
    -- grade_red: health_grade(signals, health_model) = 'red'
    health_model       jsonb   NOT NULL DEFAULT '{"components": {
        "adoption_rate": {"weight": 3, "red": 0.2,  "green": 0.6},
        "dau_mau":       {"weight": 2, "red": 0.05, "green": 0.25},
        "usage_trend":   {"weight": 1, "red": -0.3, "green": 0.1}},
      "grades": {"red": 40, "green": 70}}',
    health_days        integer NOT NULL DEFAULT 30 CHECK (health_days >= 1),
    -- core_abandoned: abandonment_rate(act, feature, day, abandon_quiet_days)
    -- >= abandon_rate for a feature of core_features with at least
    -- abandon_min_users users
    core_features      text[]  NOT NULL DEFAULT '{reports,dashboards}',
    abandon_quiet_days integer NOT NULL DEFAULT 30 CHECK (abandon_quiet_days >= 1),
    abandon_rate       float8  NOT NULL DEFAULT 0.5 CHECK (abandon_rate > 0 AND abandon_rate <= 1),
    abandon_min_users  integer NOT NULL DEFAULT 3
);
INSERT INTO adoption_alert_settings DEFAULT VALUES ON CONFLICT DO NOTHING;

COMMENT ON TABLE adoption_alert_settings IS
    'the thresholds of adoption_raise_alerts (one row; change them with UPDATE)';


-- ---------------------------------------------------------------------------
-- The alerts
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS adoption_alerts (
    alert_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            text   NOT NULL CHECK (kind IN ('usage_drop', 'champion_dark', 'grade_red', 'core_abandoned')),
    account_id      bigint NOT NULL,
    feature         text,                         -- NULL when not about one feature
    subject         text,                         -- champion_dark: the champion's user id
    day             date   NOT NULL,              -- the day of the onset
    value           float8,                       -- the signal on that day
    threshold       float8,                       -- the threshold it crossed
    raised_at       timestamptz NOT NULL DEFAULT now(),
    acknowledged_at timestamptz
);
COMMENT ON TABLE adoption_alerts IS
    'alerts raised by adoption_raise_alerts: one row per onset (kind, account_id, feature, subject, day)';
-- The natural key, two NULLs taken as equal: each nullable column is keyed
-- by whether it is NULL and its value or '' (UNIQUE NULLS NOT DISTINCT says
-- the same from PostgreSQL 15 on; this index works on every version).
CREATE UNIQUE INDEX IF NOT EXISTS adoption_alerts_key ON adoption_alerts
    (kind, account_id, (feature IS NULL), (coalesce(feature, '')), (subject IS NULL), (coalesce(subject, '')), day);
COMMENT ON INDEX adoption_alerts_key IS
    'the natural key of an alert (kind, account_id, feature, subject, day), NULLs equal';


-- ---------------------------------------------------------------------------
-- adoption_conditions(since, as_of): whether each condition holds on each
-- day of [since - 1, as_of], per account (and feature, subject).  The
-- summaries are rolled up once per account, up to as_of; every accessor
-- then reads them as of the day evaluated.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION adoption_conditions(since date, as_of date)
RETURNS TABLE (kind text, account_id bigint, feature text, subject text, day date,
               value float8, threshold float8, holds boolean)
LANGUAGE sql STABLE AS $$
    WITH s AS (SELECT * FROM adoption_alert_settings),
    acct AS (
        SELECT d.account_id, a.seats, rollup(d.act) AS act
        FROM adoption_daily d
        LEFT JOIN accounts a USING (account_id)
        WHERE d.day <= as_of
        GROUP BY d.account_id, a.seats),
    days AS (
        SELECT since - 1 + i AS day FROM generate_series(0, as_of - since + 1) i),
    drops AS (
        SELECT x.account_id, f.feature, x.day,
               usage_trend(x.act, x.day, s.trend_days, f.feature) AS trend,
               active_users(x.act, x.day - s.trend_days, s.trend_days, f.feature) AS before_users
        FROM (SELECT acct.*, days.day FROM acct, days) x
        CROSS JOIN s
        CROSS JOIN LATERAL (SELECT NULL::text AS feature
                            UNION ALL
                            SELECT ff.feature FROM features(x.act, x.day, s.trend_days) ff) f),
    champions AS (
        SELECT x.account_id, x.day, c.user_id, c.last_day
        FROM (SELECT acct.*, days.day FROM acct, days) x
        CROSS JOIN s
        CROSS JOIN LATERAL champion(x.act, x.day, s.champion_days) c),
    grades AS (
        SELECT x.account_id, x.day,
               health_score(sig.signals, s.health_model) AS score,
               health_grade(sig.signals, s.health_model) AS grade
        FROM (SELECT acct.*, days.day FROM acct, days) x
        CROSS JOIN s
        CROSS JOIN LATERAL (SELECT jsonb_strip_nulls(jsonb_build_object(
                   'adoption_rate', adoption_rate(x.act, x.seats, x.day, s.health_days),
                   'dau_mau',       stickiness(x.act, x.day, s.health_days),
                   'usage_trend',   usage_trend(x.act, x.day, s.health_days))) AS signals) sig),
    abandon AS (
        SELECT x.account_id, f.feature, x.day,
               abandonment_rate(x.act, f.feature, x.day, s.abandon_quiet_days) AS rate,
               user_count(x.act, f.feature, x.day) AS users
        FROM (SELECT acct.*, days.day FROM acct, days) x
        CROSS JOIN s
        CROSS JOIN LATERAL unnest(s.core_features) f(feature))
    SELECT 'usage_drop', d.account_id, d.feature, NULL, d.day, d.trend, -s.trend_drop,
           coalesce(d.trend <= -s.trend_drop AND d.before_users >= s.trend_min_users, false)
    FROM drops d, s
    UNION ALL
    SELECT 'champion_dark', c.account_id, NULL, c.user_id, c.day,
           (c.day - c.last_day)::float8, s.dark_days,
           coalesce(c.last_day < c.day - s.dark_days, false)
    FROM champions c, s
    UNION ALL
    SELECT 'grade_red', g.account_id, NULL, NULL, g.day, g.score, coalesce((s.health_model #>> '{grades,red}')::float8, 40),
           coalesce(g.grade = 'red', false)
    FROM grades g, s
    UNION ALL
    SELECT 'core_abandoned', b.account_id, b.feature, NULL, b.day, b.rate, s.abandon_rate,
           coalesce(b.rate >= s.abandon_rate AND b.users >= s.abandon_min_users, false)
    FROM abandon b, s
$$;
COMMENT ON FUNCTION adoption_conditions(date, date) IS
    'whether each alert condition holds on each day of [since - 1, as_of], per account (the input of adoption_raise_alerts)';


-- ---------------------------------------------------------------------------
-- adoption_raise_alerts(since, as_of): raise the onsets of [since, as_of]
-- that are not alerts yet, announce each with pg_notify, and return them.
-- Defaults: as_of the last complete UTC day, since two days before it (the
-- days a refresh may have changed; a wider range after late events).
-- A condition is a new onset on day d when it holds on d and did not on
-- d - 1; a feature absent on d - 1 counts as not holding.  champion_dark
-- is one condition per account whoever the champion is: when the champion
-- changes while it holds (the new one dark too), that is the same episode,
-- not a new onset (subject names the champion of the onset).
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION adoption_raise_alerts(
        since date DEFAULT NULL,
        as_of date DEFAULT (now() AT TIME ZONE 'UTC')::date - 1)
RETURNS SETOF adoption_alerts
LANGUAGE plpgsql AS $$
DECLARE
    a       adoption_alerts;
    channel text;
BEGIN
    IF as_of IS NULL OR NOT isfinite(as_of) THEN
        RAISE EXCEPTION 'adoption_raise_alerts: as_of must be a finite date'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    since := coalesce(since, as_of - 2);
    IF NOT isfinite(since) OR since > as_of THEN
        RAISE EXCEPTION 'adoption_raise_alerts: since must be a finite date on or before as_of'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT s.channel INTO STRICT channel FROM adoption_alert_settings s;

    FOR a IN
        WITH c AS (
            SELECT c.*, lag(c.holds) OVER (PARTITION BY c.kind, c.account_id, c.feature
                                           ORDER BY c.day) AS held_before,
                   lag(c.day) OVER (PARTITION BY c.kind, c.account_id, c.feature
                                    ORDER BY c.day) AS day_before
            FROM adoption_conditions(since, as_of) c)
        INSERT INTO adoption_alerts (kind, account_id, feature, subject, day, value, threshold)
        SELECT c.kind, c.account_id, c.feature, c.subject, c.day, c.value, c.threshold
        FROM c
        WHERE c.holds AND c.day >= since
          AND NOT (c.day_before = c.day - 1 AND c.held_before)
        ORDER BY c.day, c.kind, c.account_id, c.feature
        ON CONFLICT (kind, account_id, (feature IS NULL), (coalesce(feature, '')),
                     (subject IS NULL), (coalesce(subject, '')), day) DO NOTHING
        RETURNING *
    LOOP
        PERFORM pg_notify(channel, json_build_object(
            'alert_id', a.alert_id, 'kind', a.kind, 'account_id', a.account_id,
            'feature', a.feature, 'subject', a.subject,
            'day', a.day, 'value', a.value, 'threshold', a.threshold)::text);
        RETURN NEXT a;
    END LOOP;
END
$$;
COMMENT ON FUNCTION adoption_raise_alerts(date, date) IS
    'raise (insert, pg_notify, return) the alert onsets of [since, as_of] not raised yet';
