-- demo/report.sql: an adoption report over the generated sample data
-- (bench/generate.sql), as of its last day, 2026-06-30.
\set QUIET on
\pset footer off
\pset null '-'
\set as_of '''2026-06-30'''

-- one summary per account, built once; every figure below reads it
CREATE TEMP TABLE summary AS
SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act
FROM events GROUP BY account_id;

\echo
\echo '== Sample data'
SELECT (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM users) AS users,
       (SELECT count(*) FROM events) AS events,
       (SELECT min(occurred_at)::date FROM events) AS first_day,
       (SELECT max(occurred_at)::date FROM events) AS last_day;

\echo
\echo '== Accounts (the 20 largest by seats), as of 2026-06-30, 30-day window'
WITH m AS (
    SELECT a.account_id, a.segment, a.seats,
           active_users(s.act, :as_of) AS active,
           adoption_rate(s.act, a.seats, :as_of) AS adoption,
           stickiness(s.act, :as_of) AS dau_mau,
           depth(s.act, :as_of) AS depth,
           usage_trend(s.act, :as_of) AS trend,
           champion_share(s.act, :as_of) AS champion
    FROM accounts a JOIN summary s USING (account_id))
SELECT account_id AS account, segment, seats, active,
       round(adoption::numeric, 2) AS adoption,
       round(dau_mau::numeric, 2) AS dau_mau,
       round(depth::numeric, 1) AS depth,
       CASE WHEN trend IS NULL THEN '-' ELSE to_char(100 * trend, 'S990') || ' %' END AS trend_30d,
       round(champion::numeric, 2) AS top_user_share,
       health_grade(jsonb_build_object('adoption_rate', adoption, 'dau_mau', dau_mau, 'trend', trend),
                    '{"components": {
                        "adoption_rate": {"weight": 3, "red": 0.2, "green": 0.6},
                        "dau_mau":       {"weight": 2, "red": 0.05, "green": 0.25},
                        "trend":         {"weight": 1, "red": -0.3, "green": 0.1}},
                      "grades": {"red": 40, "green": 70}}') AS health
FROM m ORDER BY seats DESC, account_id LIMIT 20;

\echo
\echo '== Features, product-wide, as of 2026-06-30'
\echo '   users: ever; active: last 30 days; retention: share of eligible users active'
\echo '   in days [N, N+30) after their first use of the feature'
WITH f AS (
    SELECT f.feature, sum(f.users) AS users, sum(f.active_users) AS active
    FROM summary s, features(s.act, :as_of) f GROUP BY 1),
r AS (
    SELECT r.feature, r.day, sum(r.retained_users)::float8 / nullif(sum(r.eligible_users), 0) AS rate
    FROM summary s, feature_retention(s.act, as_of => :as_of) r GROUP BY 1, 2),
bars AS (
    SELECT feature, day, rate,
           rpad(repeat('#', round(coalesce(rate, 0) * 20)::int), 20, '.') AS bar
    FROM r)
SELECT f.feature, f.users, f.active,
       to_char(100 * b30.rate, '990') || ' % ' || b30.bar AS "day 30",
       to_char(100 * b60.rate, '990') || ' % ' || b60.bar AS "day 60",
       to_char(100 * b90.rate, '990') || ' % ' || b90.bar AS "day 90"
FROM f
LEFT JOIN bars b30 ON b30.feature = f.feature AND b30.day = 30
LEFT JOIN bars b60 ON b60.feature = f.feature AND b60.day = 60
LEFT JOIN bars b90 ON b90.feature = f.feature AND b90.day = 90
ORDER BY f.users DESC;

\echo
\echo '== Monthly retention triangle (share of each cohort active in month k)'
WITH t AS (
    SELECT r.cohort, r.period, sum(r.cohort_users) AS users, sum(r.retained_users) AS retained
    FROM summary s, cohort_retention(s.act, 'month', 6, :as_of) r GROUP BY 1, 2)
SELECT to_char(cohort, 'YYYY-MM') AS cohort, max(users) AS users,
       max(CASE period WHEN 0 THEN to_char(100.0 * retained / users, '990') || ' %' END) AS "m0",
       max(CASE period WHEN 1 THEN to_char(100.0 * retained / users, '990') || ' %' END) AS "m1",
       max(CASE period WHEN 2 THEN to_char(100.0 * retained / users, '990') || ' %' END) AS "m2",
       max(CASE period WHEN 3 THEN to_char(100.0 * retained / users, '990') || ' %' END) AS "m3",
       max(CASE period WHEN 4 THEN to_char(100.0 * retained / users, '990') || ' %' END) AS "m4",
       max(CASE period WHEN 5 THEN to_char(100.0 * retained / users, '990') || ' %' END) AS "m5"
FROM t GROUP BY cohort ORDER BY cohort;
