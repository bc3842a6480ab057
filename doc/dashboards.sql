-- doc/dashboards.sql: dashboard queries for BI tools (Metabase, Superset,
-- Grafana, Looker, Tableau) and any client driver
--
-- The first queries read the per-day summaries of doc/refresh.sql,
-- adoption_daily(account_id, day, act, team_act) (or the materialized view
-- adoption_daily_mv: same columns, replace the name); the last ones
-- (account_report and the *_history queries) its all-history table
-- adoption_history(account_id, act, team_act), one row per account, and
-- the *_product queries its product-wide row adoption_history_product(act);
-- all read your
--
--   accounts(account_id, seats int, segment text)
--   users(user_id, account_id, department text)
--
-- Conventions:
--   - Parameters are bound parameters, $1, $2, ..., each cast once in the
--     first CTE `p`, so a driver's prepared statement reports their types
--     (date, integer, integer[], jsonb).  In a BI tool, bind them to its
--     variables (Metabase {{as_of}}, Grafana ${__to:date}, ...) or replace
--     them with literals.
--   - Every column is a plain type: bigint, integer, float8, text, date.
--     No activity value and no composite leaves the database.
--   - Every rate comes with its numerator and denominator in the same row,
--     so a tool can re-aggregate (sum the counts, then divide) instead of
--     averaging rates.  Rates are fractions (1 = 100 %), NULL when the
--     denominator is 0.
--   - Users belong to one account, so product-wide counts are sums of
--     per-account rows: no summary is merged across accounts.  Where a
--     user can belong to several accounts (agencies, consultants), such a
--     sum counts them once per account; rollup(act) across the accounts
--     counts them once.
--   - Windows are the extension's: the `days` days ending at as_of,
--     inclusive.  Only the days a query needs are rolled up.
--
-- Each query is preceded by `-- name:` and `-- params:` lines; the test
-- suite (test/scripts/dashboards.sh) runs every one of them through psycopg 3 with
-- bound parameters and checks the numbers against plain SQL over the raw
-- events.


-- name: account_health
-- params: $1 as_of date, $2 days integer (window, e.g. 30), $3 model jsonb
--
-- One row per account: licence utilisation, DAU/MAU, usage trend against
-- the previous window, teams, adoption stage, and a health score and grade
-- from a health model (a jsonb document, see health_score), e.g.
--   {"components": {
--      "adoption_rate": {"weight": 3, "red": 0.2,  "green": 0.6},
--      "dau_mau":       {"weight": 2, "red": 0.05, "green": 0.25},
--      "usage_trend":   {"weight": 1, "red": -0.3, "green": 0.1}},
--    "grades": {"red": 40, "green": 70}}
-- The model sees the signals adoption_rate, dau_mau and usage_trend; add
-- your own (NPS, open tickets, ...) to `signals` below.  Accounts with no
-- activity in the window have 0 active users and stage 'none'; accounts
-- whose seats are NULL have a NULL stage (adoption_stage is strict: its
-- share-of-seats rule cannot be decided) and a NULL adoption_rate.
WITH p AS (
    SELECT $1::date AS as_of, $2::integer AS days, $3::jsonb AS model),
r AS (      -- this window and the one before it (for the trend)
    SELECT d.account_id, rollup(d.act) AS act, rollup(d.team_act) AS team_act
    FROM adoption_daily d, p
    WHERE d.day > p.as_of - 2 * p.days AND d.day <= p.as_of
    GROUP BY d.account_id),
t AS (
    SELECT account_id, count(DISTINCT department)::integer AS teams
    FROM users GROUP BY account_id),
s AS (
    SELECT a.account_id, a.segment, a.seats,
           coalesce(active_users(r.act, p.as_of, p.days), 0)              AS active_users,
           stickiness(r.act, p.as_of, p.days)                             AS dau_mau,
           usage_trend(r.act, p.as_of, p.days)                            AS usage_trend,
           coalesce(active_users(r.team_act, p.as_of, p.days), 0)::integer AS active_teams,
           coalesce(t.teams, 0)                                           AS teams
    FROM accounts a CROSS JOIN p
    LEFT JOIN r USING (account_id)
    LEFT JOIN t USING (account_id)),
g AS (
    SELECT s.*,
           s.active_users::float8 / nullif(s.seats, 0) AS adoption_rate,
           jsonb_strip_nulls(jsonb_build_object(
               'adoption_rate', s.active_users::float8 / nullif(s.seats, 0),
               'dau_mau',       s.dau_mau,
               'usage_trend',   s.usage_trend)) AS signals
    FROM s)
SELECT g.account_id::bigint                                AS account_id,
       g.segment::text                                     AS segment,
       g.active_users                                      AS active_users,
       g.seats::bigint                                     AS seats,
       g.adoption_rate                                     AS adoption_rate,
       g.dau_mau * g.active_users                          AS avg_daily_active_users,
       g.dau_mau                                           AS dau_mau,
       g.usage_trend                                       AS usage_trend,
       g.active_teams                                      AS active_teams,
       greatest(g.teams, g.active_teams)                   AS teams,
       adoption_stage(g.active_users, g.seats, g.active_teams,
                      greatest(g.teams, g.active_teams))   AS stage,
       health_score(g.signals, p.model)                    AS health_score,
       health_grade(g.signals, p.model)                    AS health_grade
FROM g CROSS JOIN p
ORDER BY health_score NULLS FIRST, account_id;


-- name: feature_retention
-- params: $1 as_of date, $2 checkpoints integer[] (e.g. '{1,7,30,60,90}'), $3 width integer (1: N-day retention, 30: monthly brackets, NULL: unbounded)
--
-- Retention curves, one per feature: at each checkpoint N, the users who
-- started using the feature, those eligible (the whole bracket
-- [start + N, start + N + width) observed by as_of) and those retained
-- (used the feature again in the bracket).  rate = retained / eligible.
WITH p AS (
    SELECT $1::date AS as_of, $2::integer[] AS checkpoints, $3::integer AS width),
r AS (      -- users' whole history up to as_of
    SELECT d.account_id, rollup(d.act) AS act
    FROM adoption_daily d, p
    WHERE d.day <= p.as_of
    GROUP BY d.account_id)
SELECT f.feature                                                AS feature,
       f.day                                                    AS checkpoint_day,
       sum(f.cohort_users)::bigint                              AS cohort_users,
       sum(f.eligible_users)::bigint                            AS eligible_users,
       sum(f.retained_users)::bigint                            AS retained_users,
       sum(f.retained_users)::float8 / nullif(sum(f.eligible_users), 0)::float8 AS rate
FROM r CROSS JOIN p
CROSS JOIN LATERAL feature_retention(r.act, p.checkpoints, p.width, p.as_of) f
GROUP BY f.feature, f.day
ORDER BY f.feature, f.day;


-- name: retention_triangle
-- params: $1 as_of date, $2 months integer (how many monthly cohorts, e.g. 12)
--
-- The monthly retention triangle: users grouped by the month of their
-- first activity (the cohort), and how many of them were active in each
-- later month (period 0 is the cohort's own month).  Only months that have
-- ended by as_of appear.  rate = retained_users / cohort_users.
WITH p AS (
    SELECT $1::date AS as_of, $2::integer AS months),
r AS (
    SELECT d.account_id, rollup(d.act) AS act
    FROM adoption_daily d, p
    WHERE d.day <= p.as_of
    GROUP BY d.account_id)
SELECT c.cohort                                                 AS cohort,
       c.period                                                 AS period,
       sum(c.cohort_users)::bigint                              AS cohort_users,
       sum(c.retained_users)::bigint                            AS retained_users,
       sum(c.retained_users)::float8 / nullif(sum(c.cohort_users), 0)::float8 AS rate
FROM r CROSS JOIN p
CROSS JOIN LATERAL cohort_retention(r.act, 'month', p.months, p.as_of) c
GROUP BY c.cohort, c.period
ORDER BY c.cohort, c.period;


-- name: adoption_stages
-- params: $1 as_of date, $2 days integer (window, e.g. 30)
--
-- How many accounts are at each adoption stage (none, champion,
-- role_based, cross_team, company_wide), with their seats and active
-- users.  share = accounts / all accounts.
WITH p AS (
    SELECT $1::date AS as_of, $2::integer AS days),
r AS (
    SELECT d.account_id, rollup(d.act) AS act, rollup(d.team_act) AS team_act
    FROM adoption_daily d, p
    WHERE d.day > p.as_of - p.days AND d.day <= p.as_of
    GROUP BY d.account_id),
t AS (
    SELECT account_id, count(DISTINCT department)::integer AS teams
    FROM users GROUP BY account_id),
s AS (
    SELECT a.account_id, a.seats,
           coalesce(active_users(r.act, p.as_of, p.days), 0)               AS active_users,
           coalesce(active_users(r.team_act, p.as_of, p.days), 0)::integer AS active_teams,
           coalesce(t.teams, 0)                                            AS teams
    FROM accounts a CROSS JOIN p
    LEFT JOIN r USING (account_id)
    LEFT JOIN t USING (account_id)),
st AS (
    SELECT adoption_stage(active_users, seats, active_teams, greatest(teams, active_teams)) AS stage,
           seats, active_users
    FROM s),
stages(stage, stage_order) AS (
    VALUES ('none', 1), ('champion', 2), ('role_based', 3), ('cross_team', 4), ('company_wide', 5))
SELECT stages.stage                                             AS stage,
       stages.stage_order                                       AS stage_order,
       count(st.stage)                                          AS accounts,
       (SELECT count(*) FROM st)                                AS all_accounts,
       count(st.stage)::float8 / nullif((SELECT count(*) FROM st), 0) AS share,
       coalesce(sum(st.seats), 0)::bigint                       AS seats,
       coalesce(sum(st.active_users), 0)::bigint               AS active_users
FROM stages LEFT JOIN st USING (stage)
GROUP BY stages.stage, stages.stage_order
ORDER BY stages.stage_order;


-- name: feature_penetration
-- params: $1 as_of date, $2 days integer (window, e.g. 30)
--
-- The account x feature heat map: for each account and each feature used
-- in the window, the feature's active users, against the account's seats
-- (penetration) and against its active users (adoption_rate).  A missing
-- cell is 0.
WITH p AS (
    SELECT $1::date AS as_of, $2::integer AS days),
r AS (
    SELECT d.account_id, rollup(d.act) AS act
    FROM adoption_daily d, p
    WHERE d.day > p.as_of - p.days AND d.day <= p.as_of
    GROUP BY d.account_id)
SELECT a.account_id::bigint                                     AS account_id,
       a.segment::text                                          AS segment,
       f.feature                                                AS feature,
       f.active_users                                           AS feature_active_users,
       active_users(r.act, p.as_of, p.days)                     AS active_users,
       a.seats::bigint                                          AS seats,
       f.penetration                                            AS penetration,
       f.adoption_rate                                          AS adoption_rate
FROM r CROSS JOIN p
JOIN accounts a USING (account_id)
CROSS JOIN LATERAL features(r.act, p.as_of, p.days, a.seats) f
ORDER BY a.account_id, f.feature;


-- ---------------------------------------------------------------------------
-- Over the all-history table adoption_history(account_id, act, team_act) of
-- doc/refresh.sql (section 3): one row per account holding all its
-- history, so no rollup at all; every window at every as_of is read from
-- it.  The same rows as the queries above, faster.
-- ---------------------------------------------------------------------------


-- name: account_report
-- params: $1 as_of date, $2 windows integer[] (e.g. '{7,30,90}')
--
-- The per-account usage report: for each account and each window of
-- `windows` days ending at as_of, active users, DAU/MAU (stickiness),
-- licence utilisation (adoption_rate, NULL for accounts with 0 seats),
-- features per active user (depth), the champion's share of the active
-- user-days, the effective number of users, and the usage trend against
-- the window before; from one reading of each account's summary
-- (usage_report).  Accounts with no activity in a window have 0 active
-- users and NULL rates there; accounts with no history have no rows.
WITH p AS (
    SELECT $1::date AS as_of, $2::integer[] AS windows)
SELECT h.account_id::bigint                                     AS account_id,
       a.segment::text                                          AS segment,
       a.seats::bigint                                          AS seats,
       r.days                                                   AS days,
       r.active_users                                           AS active_users,
       r.stickiness                                             AS dau_mau,
       r.adoption_rate                                          AS adoption_rate,
       r.depth                                                  AS depth,
       r.champion_share                                         AS champion_share,
       r.effective_users                                        AS effective_users,
       r.usage_trend                                            AS usage_trend
FROM adoption_history h CROSS JOIN p
JOIN accounts a USING (account_id)
CROSS JOIN LATERAL usage_report(h.act, p.as_of, p.windows, a.seats) r
ORDER BY h.account_id, r.days;


-- name: account_health_history
-- params: $1 as_of date, $2 days integer (window, e.g. 30), $3 model jsonb
--
-- account_health (above) from the all-history table.
WITH p AS (
    SELECT $1::date AS as_of, $2::integer AS days, $3::jsonb AS model),
t AS (
    SELECT account_id, count(DISTINCT department)::integer AS teams
    FROM users GROUP BY account_id),
s AS (
    SELECT a.account_id, a.segment, a.seats,
           coalesce(active_users(h.act, p.as_of, p.days), 0)              AS active_users,
           stickiness(h.act, p.as_of, p.days)                             AS dau_mau,
           usage_trend(h.act, p.as_of, p.days)                            AS usage_trend,
           coalesce(active_users(h.team_act, p.as_of, p.days), 0)::integer AS active_teams,
           coalesce(t.teams, 0)                                           AS teams
    FROM accounts a CROSS JOIN p
    LEFT JOIN adoption_history h USING (account_id)
    LEFT JOIN t USING (account_id)),
g AS (
    SELECT s.*,
           s.active_users::float8 / nullif(s.seats, 0) AS adoption_rate,
           jsonb_strip_nulls(jsonb_build_object(
               'adoption_rate', s.active_users::float8 / nullif(s.seats, 0),
               'dau_mau',       s.dau_mau,
               'usage_trend',   s.usage_trend)) AS signals
    FROM s)
SELECT g.account_id::bigint                                AS account_id,
       g.segment::text                                     AS segment,
       g.active_users                                      AS active_users,
       g.seats::bigint                                     AS seats,
       g.adoption_rate                                     AS adoption_rate,
       g.dau_mau * g.active_users                          AS avg_daily_active_users,
       g.dau_mau                                           AS dau_mau,
       g.usage_trend                                       AS usage_trend,
       g.active_teams                                      AS active_teams,
       greatest(g.teams, g.active_teams)                   AS teams,
       adoption_stage(g.active_users, g.seats, g.active_teams,
                      greatest(g.teams, g.active_teams))   AS stage,
       health_score(g.signals, p.model)                    AS health_score,
       health_grade(g.signals, p.model)                    AS health_grade
FROM g CROSS JOIN p
ORDER BY health_score NULLS FIRST, account_id;


-- name: feature_retention_history
-- params: $1 as_of date, $2 checkpoints integer[] (e.g. '{1,7,30,60,90}'), $3 width integer (1: N-day retention, 30: monthly brackets, NULL: unbounded)
--
-- feature_retention (above) from the all-history table.
WITH p AS (
    SELECT $1::date AS as_of, $2::integer[] AS checkpoints, $3::integer AS width)
SELECT f.feature                                                AS feature,
       f.day                                                    AS checkpoint_day,
       sum(f.cohort_users)::bigint                              AS cohort_users,
       sum(f.eligible_users)::bigint                            AS eligible_users,
       sum(f.retained_users)::bigint                            AS retained_users,
       sum(f.retained_users)::float8 / nullif(sum(f.eligible_users), 0)::float8 AS rate
FROM adoption_history h CROSS JOIN p
CROSS JOIN LATERAL feature_retention(h.act, p.checkpoints, p.width, p.as_of) f
GROUP BY f.feature, f.day
ORDER BY f.feature, f.day;


-- name: retention_triangle_history
-- params: $1 as_of date, $2 months integer (how many monthly cohorts, e.g. 12)
--
-- retention_triangle (above) from the all-history table.
WITH p AS (
    SELECT $1::date AS as_of, $2::integer AS months)
SELECT c.cohort                                                 AS cohort,
       c.period                                                 AS period,
       sum(c.cohort_users)::bigint                              AS cohort_users,
       sum(c.retained_users)::bigint                            AS retained_users,
       sum(c.retained_users)::float8 / nullif(sum(c.cohort_users), 0)::float8 AS rate
FROM adoption_history h CROSS JOIN p
CROSS JOIN LATERAL cohort_retention(h.act, 'month', p.months, p.as_of) c
GROUP BY c.cohort, c.period
ORDER BY c.cohort, c.period;


-- name: feature_penetration_history
-- params: $1 as_of date, $2 days integer (window, e.g. 30)
--
-- feature_penetration (above) from the all-history table.
WITH p AS (
    SELECT $1::date AS as_of, $2::integer AS days)
SELECT a.account_id::bigint                                     AS account_id,
       a.segment::text                                          AS segment,
       f.feature                                                AS feature,
       f.active_users                                           AS feature_active_users,
       active_users(h.act, p.as_of, p.days)                     AS active_users,
       a.seats::bigint                                          AS seats,
       f.penetration                                            AS penetration,
       f.adoption_rate                                          AS adoption_rate
FROM adoption_history h CROSS JOIN p
JOIN accounts a USING (account_id)
CROSS JOIN LATERAL features(h.act, p.as_of, p.days, a.seats) f
WHERE f.active_users > 0
ORDER BY a.account_id, f.feature;


-- ---------------------------------------------------------------------------
-- Over the product-wide all-history row adoption_history_product(act) of
-- doc/refresh.sql (section 3): one summary of every account's history, read
-- once, with no sum over accounts.  The same rows as the queries above
-- where users belong to one account; a user of several accounts counts
-- once here, once per account there.
-- ---------------------------------------------------------------------------


-- name: feature_retention_product
-- params: $1 as_of date, $2 checkpoints integer[] (e.g. '{1,7,30,60,90}'), $3 width integer (1: N-day retention, 30: monthly brackets, NULL: unbounded)
--
-- feature_retention (above) from the product-wide row.
WITH p AS (
    SELECT $1::date AS as_of, $2::integer[] AS checkpoints, $3::integer AS width)
SELECT f.feature                                                AS feature,
       f.day                                                    AS checkpoint_day,
       f.cohort_users::bigint                                   AS cohort_users,
       f.eligible_users::bigint                                 AS eligible_users,
       f.retained_users::bigint                                 AS retained_users,
       f.retained_users::float8 / nullif(f.eligible_users, 0)::float8 AS rate
FROM adoption_history_product h CROSS JOIN p
CROSS JOIN LATERAL feature_retention(h.act, p.checkpoints, p.width, p.as_of) f
ORDER BY f.feature, f.day;


-- name: retention_triangle_product
-- params: $1 as_of date, $2 months integer (how many monthly cohorts, e.g. 12)
--
-- retention_triangle (above) from the product-wide row.
WITH p AS (
    SELECT $1::date AS as_of, $2::integer AS months)
SELECT c.cohort                                                 AS cohort,
       c.period                                                 AS period,
       c.cohort_users::bigint                                   AS cohort_users,
       c.retained_users::bigint                                 AS retained_users,
       c.retained_users::float8 / nullif(c.cohort_users, 0)::float8 AS rate
FROM adoption_history_product h CROSS JOIN p
CROSS JOIN LATERAL cohort_retention(h.act, 'month', p.months, p.as_of) c
ORDER BY c.cohort, c.period;
