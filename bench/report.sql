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
-- Floats are rounded to 9 decimals on every side; all rows are checked equal
-- before anything is timed.
\ir session.sql

\ir compare.sql

\ir summaries.sql

\ir report_queries.sql

SELECT pg_temp.check_equal('per-account report') AS checked;
SELECT pg_temp.time_queries(ARRAY['per-account report'], :reps) \gset

\echo
\echo 'per-account report (serial, median of' :reps 'runs; results checked equal first)'
SELECT name AS query, round(median::numeric, 3) AS seconds,
       round(speedup::numeric, 1) AS speedup_vs_sql
FROM bm WHERE metric = 'per-account report' ORDER BY ord;
SELECT pg_temp.record('per-account report') \gset
