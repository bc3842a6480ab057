-- demo/report.sql: an adoption report over the generated sample data
-- (data/generate.sql), as of its last day, 2026-06-30, for the terminal.
-- demo/report_html.sql writes the same report as a web page.
\ir prepare.sql
\pset footer off
\pset null '-'

\echo
\echo '== Sample data'
SELECT * FROM sample;

\echo
\echo '== Accounts (the 20 largest by seats), as of 2026-06-30, 30-day window'
\echo '   health: adoption (active / seats), DAU/MAU and 30-day trend, scored 0-100'
\echo '   (demo/model.sql); weak: the components scoring below 50'
SELECT account_id AS account, segment, seats, active,
       to_char(100 * adoption, '990') || ' %' AS adoption,
       round(dau_mau::numeric, 2) AS dau_mau,
       round(depth::numeric, 1) AS depth,
       CASE WHEN trend IS NULL THEN '-' ELSE to_char(100 * trend, 'S990') || ' %' END AS trend_30d,
       to_char(100 * top_share, '990') || ' %' AS top_user,
       round(score::numeric) AS score,
       CASE grade WHEN 'red' THEN 'RED' WHEN 'yellow' THEN 'yellow' ELSE grade END AS health,
       weak
FROM account_report ORDER BY seats DESC, account_id LIMIT 20;

\pset tuples_only on
SELECT format('  health of all %s accounts: %s green, %s yellow, %s red',
              count(*), count(*) FILTER (WHERE grade = 'green'),
              count(*) FILTER (WHERE grade = 'yellow'), count(*) FILTER (WHERE grade = 'red'))
FROM account_report;
\pset tuples_only off

\echo
\echo '== Features, product-wide, as of 2026-06-30'
\echo '   users: ever; active: last 30 days; retention: share of eligible users active'
\echo '   in days [N, N+30) after their first use of the feature'
WITH bars AS (
    SELECT feature, day,
           to_char(100 * rate, '990') || ' % ' ||
           rpad(repeat('#', round(coalesce(rate, 0) * 20)::int), 20, '.') AS bar
    FROM retention_report)
SELECT coalesce(f.feature, '(any feature)') AS feature, f.users, f.active,
       b30.bar AS "day 30", b60.bar AS "day 60", b90.bar AS "day 90"
FROM feature_report f
LEFT JOIN bars b30 ON b30.feature IS NOT DISTINCT FROM f.feature AND b30.day = 30
LEFT JOIN bars b60 ON b60.feature IS NOT DISTINCT FROM f.feature AND b60.day = 60
LEFT JOIN bars b90 ON b90.feature IS NOT DISTINCT FROM f.feature AND b90.day = 90
ORDER BY f.feature IS NULL, f.users DESC, f.feature;

\echo
\echo '== Monthly retention triangle (share of each cohort active in month k)'
SELECT to_char(cohort, 'YYYY-MM') AS cohort, max(users) AS users,
       max(CASE period WHEN 0 THEN to_char(100 * rate, '990') || ' %' END) AS "m0",
       max(CASE period WHEN 1 THEN to_char(100 * rate, '990') || ' %' END) AS "m1",
       max(CASE period WHEN 2 THEN to_char(100 * rate, '990') || ' %' END) AS "m2",
       max(CASE period WHEN 3 THEN to_char(100 * rate, '990') || ' %' END) AS "m3",
       max(CASE period WHEN 4 THEN to_char(100 * rate, '990') || ' %' END) AS "m4",
       max(CASE period WHEN 5 THEN to_char(100 * rate, '990') || ' %' END) AS "m5"
FROM triangle_report GROUP BY cohort ORDER BY cohort;

\echo
\echo '== Users to call: the red account with the most seats, as of 2026-06-30'
\echo '   its users with no activity in the last 14 days (user_activity), longest'
\echo '   silence first, then the seats never used (the roster LEFT JOIN user_activity)'
SELECT count(*) > 0 AS have_red FROM account_report WHERE grade = 'red' \gset
\if :have_red
SELECT account_id AS red_account FROM account_report WHERE grade = 'red'
ORDER BY seats DESC, account_id LIMIT 1 \gset
SELECT account_id AS account, segment, seats, active, round(score::numeric) AS score, weak
FROM account_report WHERE account_id = :red_account;
SELECT u.user_id AS "user", r.role, r.department, u.first_day, u.last_day,
       :as_of::date - u.last_day AS quiet_days
FROM summary s
CROSS JOIN LATERAL user_activity(s.act, :as_of, 14) u
LEFT JOIN users r ON r.user_id::text = u.user_id
WHERE s.account_id = :red_account AND u.active_days = 0
ORDER BY u.last_day, u.user_id
LIMIT 15;
SELECT r.user_id AS "never used", r.role, r.department, r.invited_at::date AS invited
FROM users r
LEFT JOIN (SELECT u.user_id FROM summary s, user_activity(s.act, :as_of) u
           WHERE s.account_id = :red_account) a ON a.user_id = r.user_id::text
WHERE r.account_id = :red_account AND a.user_id IS NULL
ORDER BY r.user_id
LIMIT 15;
\else
\echo '  (no red account)'
\endif

-- the alerts of doc/alerts.sql, when demo/run has set them up
SELECT to_regclass('adoption_alerts') IS NOT NULL AS have_alerts \gset
\if :have_alerts
\echo
\echo '== Alerts a scheduled refresh raises (doc/alerts.sql) for 2026-06-24 .. 2026-06-30'
\echo '   one row per onset; each was announced with NOTIFY adoption_alerts'
CREATE TEMP TABLE demo_alerts AS SELECT * FROM adoption_raise_alerts('2026-06-24', :as_of);
SELECT kind, count(*) AS alerts, count(DISTINCT account_id) AS accounts
FROM demo_alerts GROUP BY kind ORDER BY kind;
SELECT day, kind, account_id AS account, feature,
       subject AS champion, round(value::numeric, 2) AS value,
       round(threshold::numeric, 2) AS threshold
FROM demo_alerts ORDER BY day DESC, kind, account_id, feature LIMIT 20;
\pset tuples_only on
SELECT format('  the same refresh run again raises %s new alerts', count(*))
FROM adoption_raise_alerts('2026-06-24', :as_of);
\pset tuples_only off
\endif
