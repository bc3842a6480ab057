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
-- reading each stored summary once: depth over 90 days) and usage_report
-- alone over the stored summaries.
-- Floats are rounded to 9 decimals on every side; all rows are checked equal
-- before anything is timed.
\ir session.sql

\ir compare.sql

\ir summaries.sql

\ir report_queries.sql

SELECT pg_temp.check_equal('per-account report') AS checked;
SELECT pg_temp.time_queries(ARRAY['per-account report', 'report floor: one reading of each stored summary',
                                  'stored usage_report'], :reps) \gset

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
FROM bm WHERE name IN ('read_once', 'usage_report', 'stored', 'stored_usage_report')
ORDER BY median;
SELECT pg_temp.figure('stored report via usage_report / one reading of each stored summary',
                      round((median / (SELECT median FROM bm WHERE name = 'read_once'))::numeric, 2)::text)
FROM bm WHERE name = 'stored_usage_report' \gset
