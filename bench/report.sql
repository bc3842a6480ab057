-- bench/report.sql: the per-account report, one row per account with
-- events, as of 2026-06-30 (the last day of the generated data; days in
-- the session TimeZone):
--
--   account_id, user_count(act, as_of), first_day(act), last_day(act),
--   for d in 7, 30, 90: active_users, stickiness, adoption_rate (seats of
--   accounts), depth, champion_share, effective_users over (as_of - d, as_of],
--   usage_trend(act, as_of, 30)
--
-- computed by
--   sql        plain SQL on raw events, one pass: per (account, user,
--              feature) the first and last event and the days of the last
--              90 as bits of two bigints, then per user, then per account
--   sql_days   plain SQL on raw events, the textbook way: distinct
--              (account, user, day) and, for depth, distinct (account,
--              user, feature) pairs of the last 90 days
--   raw        the accessors over activity_agg per account, from raw events
--   daily      the same over a table of per-day summaries per account
--              (bench_daily), rolled up per account
--   stored     the same over stored per-account summaries (bench_summaries)
--   stored_usage_report
--              the same, the windows' figures from one usage_report call
--              per account
-- and, alternated with them, the floor of the stored report (one accessor
-- reading each stored summary once: depth over 90 days), the report in the
-- form of doc/dashboards.sql's account_report over the stored summaries
-- (one row per account and window), and the floor of the report's SQL
-- (shape: the stored_usage_report query over the extension's results
-- computed before).
-- Floats are rounded to 9 decimals on every side; all rows are checked equal
-- before anything is timed.
\ir session.sql

\ir compare.sql

\ir summaries.sql

\ir report_queries.sql

-- the extension's results of the stored report, for the floor of its SQL
DROP TABLE IF EXISTS pg_temp.bench_report_rows, pg_temp.bench_report_parts;
CREATE TEMP TABLE bench_report_rows AS
SELECT s.account_id, r.* FROM bench_summaries s JOIN accounts c USING (account_id),
       usage_report(s.act, '2026-06-30', '{7,30,90}', c.seats) r;
CREATE TEMP TABLE bench_report_parts AS
SELECT s.account_id, user_count(s.act, as_of => '2026-06-30') AS user_count, first_day(s.act) AS first_day,
       last_day(s.act) AS last_day,
       (SELECT array_agg(u ORDER BY u.days) FROM bench_report_rows u WHERE u.account_id = s.account_id) AS rows
FROM bench_summaries s;
VACUUM ANALYZE bench_report_parts;

SELECT pg_temp.check_equal('per-account report') AS checked;
SELECT pg_temp.time_queries(ARRAY['per-account report', 'report floor: one reading of each stored summary',
                                  'stored usage_report',
                                  'report floor: its SQL over the extension''s results computed before'], :reps) \gset

\echo
\echo 'per-account report (serial, median of' :reps 'runs; results checked equal first)'
SELECT name AS query, round(median::numeric, 3) AS seconds,
       round(speedup::numeric, 1) AS speedup_vs_sql
FROM bm WHERE metric = 'per-account report' ORDER BY ord;
SELECT pg_temp.record('per-account report') \gset

\echo
\echo 'the stored report against one reading of each stored summary (alternated with the above)'
SELECT name AS query, round(median::numeric, 3) AS seconds,
       round((median / (SELECT median FROM bm WHERE name = 'read_once'))::numeric, 2) AS times_one_reading
FROM bm WHERE name IN ('read_once', 'account_report', 'shape', 'stored', 'stored_usage_report')
ORDER BY median;
SELECT pg_temp.figure('stored report via usage_report / one reading of each stored summary',
                      format('%s (less the floor of its SQL: %s; as doc/dashboards.sql''s account_report, one row per account and window: %s)',
                             round((r.median / o.median)::numeric, 2),
                             round(((r.median - f.median) / o.median)::numeric, 2),
                             round((u.median / o.median)::numeric, 2)))
FROM bm r, bm o, bm f, bm u
WHERE r.name = 'stored_usage_report' AND o.name = 'read_once' AND f.name = 'shape' AND u.name = 'account_report' \gset
