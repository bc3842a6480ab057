-- demo/prepare.sql: every figure of the demo reports (demo/report.sql in the
-- terminal, demo/report_html.sql as a web page), computed once into
-- temporary tables from one activity summary per account.
\set QUIET on
\ir model.sql

CREATE TEMP TABLE summary AS
SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act
FROM events GROUP BY account_id;

CREATE TEMP TABLE sample AS
SELECT (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM users) AS users,
       (SELECT count(*) FROM events) AS events,
       (SELECT min(occurred_at)::date FROM events) AS first_day,
       (SELECT max(occurred_at)::date FROM events) AS last_day;

-- per account: signals over the 30 days up to as_of, and their health
CREATE TEMP TABLE account_report AS
WITH m AS (
    -- an account without any event has no summary: no active user
    SELECT a.account_id, a.segment, a.seats,
           coalesce(active_users(s.act, :as_of), 0) AS active,
           CASE WHEN s.act IS NULL AND a.seats > 0 THEN 0
                ELSE adoption_rate(s.act, a.seats, :as_of) END AS adoption,
           stickiness(s.act, :as_of) AS dau_mau,
           depth(s.act, :as_of) AS depth,
           usage_trend(s.act, :as_of) AS trend,
           champion_share(s.act, :as_of) AS top_share
    FROM accounts a LEFT JOIN summary s USING (account_id)),
sig AS (
    SELECT m.*, jsonb_strip_nulls(jsonb_build_object(
               'adoption_rate', adoption, 'dau_mau', dau_mau, 'trend', trend)) AS signals
    FROM m)
SELECT sig.*,
       health_score(signals, :'health_model') AS score,
       health_grade(signals, :'health_model') AS grade,
       (SELECT string_agg(b.component, ', ' ORDER BY b.score)
        FROM health_breakdown(signals, :'health_model') b WHERE b.score < 50) AS weak
FROM sig;

-- per feature, and for any activity (feature NULL): users ever, active
-- users in the last 30 days
CREATE TEMP TABLE feature_report AS
SELECT f.feature, sum(f.users) AS users, sum(f.active_users) AS active
FROM summary s, features(s.act, :as_of) f GROUP BY 1
UNION ALL
SELECT NULL, sum(user_count(s.act, as_of => :as_of)), sum(active_users(s.act, :as_of))
FROM summary s;

-- retention at day 0, 30, 60, 90 (30-day brackets) per feature, and for
-- any activity (feature NULL); users belong to one account, so the
-- product-wide counts are sums of the per-account rows
CREATE TEMP TABLE retention_report AS
SELECT r.feature, r.day, sum(r.eligible_users) AS eligible, sum(r.retained_users) AS retained,
       sum(r.retained_users)::float8 / nullif(sum(r.eligible_users), 0) AS rate
FROM summary s, feature_retention(s.act, '{0,30,60,90}', as_of => :as_of) r GROUP BY 1, 2
UNION ALL
SELECT NULL, r.day, sum(r.eligible_users), sum(r.retained_users),
       sum(r.retained_users)::float8 / nullif(sum(r.eligible_users), 0)
FROM summary s, retention(s.act, '{0,30,60,90}', as_of => :as_of) r GROUP BY 2;

-- the monthly retention triangle of the last 6 months
CREATE TEMP TABLE triangle_report AS
SELECT r.cohort, r.period, sum(r.cohort_users) AS users, sum(r.retained_users) AS retained,
       sum(r.retained_users)::float8 / sum(r.cohort_users) AS rate
FROM summary s, cohort_retention(s.act, 'month', 6, :as_of) r GROUP BY 1, 2;
