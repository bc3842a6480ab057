-- bench/triangle.sql: the monthly retention triangle and the weekly
-- lifecycle, product-wide, as of 2026-06-30 (the last day of the generated
-- data; days, weeks and months in the session TimeZone):
--
--   triangle   cohort_retention(act, 'month', 12, as_of): users by the month
--              of their first active day, for the 12 months ended by as_of
--              (2025-07 .. 2026-06), retained in each later ended month
--   lifecycle  lifecycle(act, 'week', 12, as_of): new, returning,
--              resurrecting and dormant users of the 12 ISO weeks ended by
--              as_of (2026-04-06 .. 2026-06-22)
--
-- Product-wide rows are the sums of the per-account rows (users belong to
-- one account).  Each computed by
--   sql        plain SQL on raw events: one GROUP BY user_id giving the
--              first event and the months (weeks) active as bits of an int,
--              then one row per user and period
--   raw        activity_agg per account, then the accessor, summed
--   product    one activity_agg over all the events, then the accessor
--   daily      the same from bench_daily rolled up per account
--   stored     the same from stored per-account summaries (bench_summaries)
--   stored_product  the same from one stored product-wide summary
--              (bench_product, see summaries.sql)
-- Rates are rounded to 9 decimals; all rows are checked equal before
-- anything is timed.
\ir session.sql

\ir compare.sql

\ir summaries.sql

DELETE FROM bq WHERE metric IN ('retention triangle', 'lifecycle');
INSERT INTO bq VALUES
('retention triangle', 'sql', 'plain SQL', $q$
WITH u AS (   -- per user: first event; bit m set if active in month 2025-07 + m
    SELECT user_id, min(occurred_at) AS first_at,
           bit_or(1 << ((date_part('year', occurred_at) * 12 + date_part('month', occurred_at))::int - (2025 * 12 + 7)))
               FILTER (WHERE occurred_at >= timestamptz '2025-07-01') AS months
    FROM events
    WHERE occurred_at < timestamptz '2026-07-01'
    GROUP BY user_id),
c AS (        -- users whose first month is one of the 12: c = its index
    SELECT (date_part('year', first_at) * 12 + date_part('month', first_at))::int - (2025 * 12 + 7) AS c, months
    FROM u
    WHERE first_at >= timestamptz '2025-07-01')
SELECT (date '2025-07-01' + make_interval(months => c))::date AS cohort, k AS period,
       count(*) AS cohort_users, count(*) FILTER (WHERE months & (1 << (c + k)) <> 0) AS retained_users,
       round((count(*) FILTER (WHERE months & (1 << (c + k)) <> 0)::float8 / count(*))::numeric, 9) AS rate
FROM c CROSS JOIN LATERAL generate_series(0, 11 - c) k
GROUP BY c, k$q$, 1),
('lifecycle', 'sql', 'plain SQL', $q$
WITH u AS (   -- per user: first event; bit w set if active in the week 2026-03-30 + 7 w
    SELECT user_id, min(occurred_at) AS first_at,
           bit_or(1 << ((date_trunc('week', occurred_at)::date - date '2026-03-30') / 7))
               FILTER (WHERE occurred_at >= timestamptz '2026-03-30') AS weeks
    FROM events
    WHERE occurred_at < timestamptz '2026-06-29'
    GROUP BY user_id),
w AS (
    SELECT floor((date_trunc('week', first_at)::date - date '2026-03-30') / 7.0)::int AS f, coalesce(weeks, 0) AS weeks
    FROM u)
SELECT date '2026-03-30' + 7 * i AS period_start,
       count(*) FILTER (WHERE f = i) AS new_users,
       count(*) FILTER (WHERE weeks & (1 << i) <> 0 AND weeks & (1 << (i - 1)) <> 0) AS returning_users,
       count(*) FILTER (WHERE weeks & (1 << i) <> 0 AND weeks & (1 << (i - 1)) = 0 AND f < i - 1) AS resurrecting_users,
       count(*) FILTER (WHERE weeks & (1 << i) = 0 AND weeks & (1 << (i - 1)) <> 0) AS dormant_users
FROM w CROSS JOIN generate_series(1, 12) i
GROUP BY i$q$, 1);

-- the extension, from any table or subquery s(account_id, act)
INSERT INTO bq
SELECT m.metric, v.name, v.source, format(m.template, v.src), v.ord
FROM (VALUES
    ('retention triangle', $q$
SELECT r.cohort, r.period, sum(r.cohort_users) AS cohort_users, sum(r.retained_users) AS retained_users,
       round((sum(r.retained_users)::float8 / sum(r.cohort_users)::float8)::numeric, 9) AS rate
FROM %s s, cohort_retention(s.act, 'month', 12, '2026-06-30') r
GROUP BY 1, 2$q$),
    ('lifecycle', $q$
SELECT r.period_start, sum(r.new_users) AS new_users, sum(r.returning_users) AS returning_users,
       sum(r.resurrecting_users) AS resurrecting_users, sum(r.dormant_users) AS dormant_users
FROM %s s, lifecycle(s.act, 'week', 12, '2026-06-30') r
GROUP BY 1$q$)) m(metric, template),
    (VALUES
    ('raw', 'extension, raw events, per account',
     '(SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act FROM events GROUP BY 1)', 3),
    ('product', 'extension, raw events, one summary',
     '(SELECT activity_agg(user_id, occurred_at, feature) AS act FROM events)', 4),
    ('daily', 'extension, daily rollup',
     '(SELECT account_id, rollup(act) AS act FROM bench_daily GROUP BY 1)', 5),
    ('stored', 'extension, stored summaries', 'bench_summaries', 6),
    ('stored_product', 'extension, stored product-wide summary', 'bench_product', 7)) v(name, source, src, ord);

-- Floors of the stored queries, timed alternately with them: one reading
-- of every stored summary (depth over 90 days), and PostgreSQL's share of
-- each query: the same SQL over the per-account rows of the extension
-- computed before, each account's rows an array unnested where the call was
-- (the lateral join, the hash aggregation of 2,944 accounts' rows and the
-- rounding, with no extension code)
DROP TABLE IF EXISTS pg_temp.bench_triangle_rows, pg_temp.bench_lifecycle_rows, pg_temp.bench_period_parts;
CREATE TEMP TABLE bench_triangle_rows AS
SELECT s.account_id, r.* FROM bench_summaries s, cohort_retention(s.act, 'month', 12, '2026-06-30') r;
CREATE TEMP TABLE bench_lifecycle_rows AS
SELECT s.account_id, r.* FROM bench_summaries s, lifecycle(s.act, 'week', 12, '2026-06-30') r;
CREATE TEMP TABLE bench_period_parts AS
SELECT s.account_id,
       (SELECT array_agg(t) FROM bench_triangle_rows t WHERE t.account_id = s.account_id) AS triangle,
       (SELECT array_agg(l) FROM bench_lifecycle_rows l WHERE l.account_id = s.account_id) AS lifecycle
FROM bench_summaries s;
VACUUM ANALYZE bench_period_parts;
DELETE FROM bq WHERE metric LIKE 'periods floor:%';
INSERT INTO bq VALUES
('periods floor: one reading of each stored summary', 'read_once', 'floor', $q$
SELECT account_id, depth(act, '2026-06-30', 90) FROM bench_summaries$q$, 1),
('periods floor: the triangle''s SQL over its rows computed before', 'triangle_sql', 'floor', $q$
SELECT r.cohort, r.period, sum(r.cohort_users) AS cohort_users, sum(r.retained_users) AS retained_users,
       round((sum(r.retained_users)::float8 / sum(r.cohort_users)::float8)::numeric, 9) AS rate
FROM bench_period_parts s, unnest(s.triangle) r
GROUP BY 1, 2$q$, 2),
('periods floor: the lifecycle''s SQL over its rows computed before', 'lifecycle_sql', 'floor', $q$
SELECT r.period_start, sum(r.new_users) AS new_users, sum(r.returning_users) AS returning_users,
       sum(r.resurrecting_users) AS resurrecting_users, sum(r.dormant_users) AS dormant_users
FROM bench_period_parts s, unnest(s.lifecycle) r
GROUP BY 1$q$, 3),
-- the floors of the queries from per-day summaries (every one rolls up
-- bench_daily per account first): PostgreSQL's scan and hash aggregation
-- with each per-day summary read once by an accessor (depth over a window
-- holding every day), and PostgreSQL's own array_agg keeping each of them
-- in its account's group, what rollup's transition does before it merges
('periods floor: each per-day summary read once, per account', 'daily_read', 'floor', $q$
SELECT account_id, sum(depth(act, '2026-06-30', 3650)) FROM bench_daily GROUP BY 1$q$, 4),
('periods floor: each per-day summary kept in its account''s group (array_agg)', 'daily_keep', 'floor', $q$
SELECT account_id, cardinality(array_agg(act)) FROM bench_daily GROUP BY 1$q$, 5);

SELECT pg_temp.check_equal('retention triangle') AS checked;
SELECT pg_temp.check_equal('lifecycle') AS checked;
SELECT pg_temp.time_queries(ARRAY['retention triangle', 'lifecycle', 'periods floor: one reading of each stored summary',
                                  'periods floor: the triangle''s SQL over its rows computed before',
                                  'periods floor: the lifecycle''s SQL over its rows computed before',
                                  'periods floor: each per-day summary read once, per account',
                                  'periods floor: each per-day summary kept in its account''s group (array_agg)'], :reps) \gset

\echo
\echo 'monthly retention triangle (12 cohorts) and weekly lifecycle (12 weeks), product-wide'
\echo '(serial, median of' :reps 'runs; results checked equal first)'
SELECT metric, name AS query, round(median::numeric, 3) AS seconds,
       round(speedup::numeric, 1) AS speedup_vs_sql
FROM bm WHERE metric IN ('retention triangle', 'lifecycle') ORDER BY metric DESC, ord;
SELECT pg_temp.record('retention triangle'), pg_temp.record('lifecycle') \gset

\echo
\echo 'the stored triangle and lifecycle against their floors (alternated with the above)'
SELECT metric, name AS query, round(median::numeric, 4) AS seconds,
       round((median / (SELECT median FROM bm WHERE name = 'read_once'))::numeric, 2) AS times_one_reading
FROM bm WHERE name IN ('read_once', 'triangle_sql', 'lifecycle_sql')
   OR (name IN ('stored', 'stored_product') AND metric IN ('retention triangle', 'lifecycle'))
ORDER BY CASE WHEN name = 'read_once' THEN 0 WHEN metric = 'retention triangle' OR name = 'triangle_sql' THEN 1 ELSE 2 END,
         median DESC;
SELECT count(*) AS figures FROM (
SELECT pg_temp.figure('stored ' || q.metric || ': s (floors: one reading, its SQL over rows computed before)',
                      format('%s (%s, %s)', round(q.median::numeric, 4), round(o.median::numeric, 4),
                             round(f.median::numeric, 4)))
FROM bm q, bm o, bm f
WHERE q.name = 'stored' AND q.metric IN ('retention triangle', 'lifecycle') AND o.name = 'read_once'
  AND f.name = CASE q.metric WHEN 'lifecycle' THEN 'lifecycle_sql' ELSE 'triangle_sql' END) x \gset

\echo
\echo 'the triangle and lifecycle from per-day summaries against their floors (alternated with the above)'
SELECT metric, name AS query, round(median::numeric, 4) AS seconds,
       round((median / (SELECT median FROM bm WHERE name = 'daily_read'))::numeric, 2) AS times_read_floor
FROM bm WHERE name IN ('daily_read', 'daily_keep')
   OR (name = 'daily' AND metric IN ('retention triangle', 'lifecycle'))
ORDER BY median;
SELECT count(*) AS figures FROM (
SELECT pg_temp.figure('per-day triangle, lifecycle: s (floors: each per-day summary read once per account; kept per account by array_agg)',
                      format('%s, %s (%s; %s)', round(t.median::numeric, 4), round(l.median::numeric, 4),
                             round(r.median::numeric, 4), round(k.median::numeric, 4)))
FROM bm t, bm l, bm r, bm k
WHERE t.name = 'daily' AND t.metric = 'retention triangle' AND l.name = 'daily' AND l.metric = 'lifecycle'
  AND r.name = 'daily_read' AND k.name = 'daily_keep') x \gset
