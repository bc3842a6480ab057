-- bench/retention.sql: 30/60/90-day retention (30-day brackets) for every
-- feature, as of the last day of the data, product-wide:
--   sql        the plain-SQL formulation of retention's definition
--              (doc/reference.md) over raw events
--   sql_arrays plain SQL in one pass: the days of each (user, feature)
--              gathered into an array with its first day, then one unnest
--              per (user, feature)
--   raw        activity_agg per account + feature_retention, summed
--   product    one activity_agg over all the events (the natural query for a
--              product-wide figure) + feature_retention
--   daily      the same from a table of per-day summaries per account,
--              rolled up per account
--   day        the same from a table of product-wide per-day summaries (one
--              row a day), rolled up into one summary
--   stored     the same from stored per-account summaries (bench_summaries,
--              made by bench/core.sql, or by summaries.sql when run alone)
-- and, timed alternately with them, three floors: what PostgreSQL spends
-- before any extension code runs, for each source (their rows are not
-- retention's, so each is a metric of its own, with nothing to compare):
--   columns    the three columns of every event through aggregate calls
--              (count of each): no aggregate over raw events can be faster
--   day_read   each product-wide per-day summary read once by
--              feature_retention, not merged: the inputs' decoding that a
--              rollup of them cannot avoid
--   daily_scan the scan and hash aggregation of the per-account per-day
--              summaries (count per account), with no extension call
-- Checks that all give the same rows before timing anything, then
-- alternates them and keeps the medians in bench_results (bench/compare.sql).
\ir session.sql

\ir compare.sql

-- bench_daily made afresh here, bench_summaries if core.sql has not
DROP TABLE IF EXISTS bench_daily;
\ir summaries.sql
DROP TABLE IF EXISTS bench_day;
CREATE TABLE bench_day AS
SELECT occurred_at::date AS day, activity_agg(user_id, occurred_at, feature) AS act
FROM events GROUP BY 1;
ANALYZE bench_day;

DELETE FROM bq WHERE metric = 'per-feature 30/60/90 retention';
INSERT INTO bq (metric, name, source, sql, ord) VALUES
('per-feature 30/60/90 retention', 'sql', 'plain SQL', $q$
WITH d AS (SELECT DISTINCT user_id, feature, occurred_at::date AS day
           FROM events WHERE feature IS NOT NULL AND occurred_at::date <= date '2026-06-30'),
     s AS (SELECT user_id, feature, min(day) AS start FROM d GROUP BY 1, 2),
     c AS (SELECT feature, count(*) AS cohort FROM s GROUP BY 1),
     e AS (SELECT s.feature, n.n,
                  bool_or(d.day >= s.start + n.n AND d.day < s.start + n.n + 30) AS hit
           FROM s JOIN d USING (user_id, feature)
           CROSS JOIN (VALUES (30), (60), (90)) AS n(n)
           WHERE s.start + n.n + 29 <= date '2026-06-30'
           GROUP BY s.user_id, s.feature, n.n)
SELECT c.feature, n.n AS day, c.cohort, count(e.hit) AS eligible, count(*) FILTER (WHERE e.hit) AS retained
FROM c CROSS JOIN (VALUES (30), (60), (90)) AS n(n)
LEFT JOIN e ON e.feature = c.feature AND e.n = n.n
GROUP BY 1, 2, 3$q$, 1),
('per-feature 30/60/90 retention', 'sql_arrays', 'plain SQL, arrays', $q$
SELECT g.feature, n.n AS day, count(*) AS cohort,
       count(*) FILTER (WHERE g.start + n.n + 29 <= date '2026-06-30') AS eligible,
       count(*) FILTER (WHERE g.start + n.n + 29 <= date '2026-06-30'
                          AND CASE n.n WHEN 30 THEN r.r30 WHEN 60 THEN r.r60 ELSE r.r90 END) AS retained
FROM (SELECT user_id, feature, min(day) AS start, array_agg(day) AS days
        FROM (SELECT user_id, feature, occurred_at::date AS day FROM events
               WHERE feature IS NOT NULL AND occurred_at < timestamptz '2026-07-01') e
       GROUP BY 1, 2) g,
     LATERAL (SELECT bool_or(x - g.start BETWEEN 30 AND 59) AS r30, bool_or(x - g.start BETWEEN 60 AND 89) AS r60,
                     bool_or(x - g.start BETWEEN 90 AND 119) AS r90
                FROM unnest(g.days) x) r,
     (VALUES (30), (60), (90)) AS n(n)
GROUP BY 1, 2$q$, 2),
('per-feature 30/60/90 retention', 'raw', 'extension, raw events, per account', $q$
SELECT f.feature, f.day, sum(f.cohort_users) AS cohort, sum(f.eligible_users) AS eligible,
       sum(f.retained_users) AS retained
FROM (SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act FROM events GROUP BY 1) s,
     feature_retention(s.act, as_of => '2026-06-30') f
GROUP BY 1, 2$q$, 3),
('per-feature 30/60/90 retention', 'product', 'extension, raw events, one summary', $q$
SELECT f.feature, f.day, f.cohort_users AS cohort, f.eligible_users AS eligible,
       f.retained_users AS retained
FROM (SELECT activity_agg(user_id, occurred_at, feature) AS act FROM events) s,
     feature_retention(s.act, as_of => '2026-06-30') f$q$, 4),
('per-feature 30/60/90 retention', 'daily', 'extension, daily rollup', $q$
SELECT f.feature, f.day, sum(f.cohort_users) AS cohort, sum(f.eligible_users) AS eligible,
       sum(f.retained_users) AS retained
FROM (SELECT account_id, rollup(act) AS act FROM bench_daily GROUP BY 1) s,
     feature_retention(s.act, as_of => '2026-06-30') f
GROUP BY 1, 2$q$, 5),
('per-feature 30/60/90 retention', 'day', 'extension, product-wide day rollup', $q$
SELECT f.feature, f.day, f.cohort_users AS cohort, f.eligible_users AS eligible,
       f.retained_users AS retained
FROM (SELECT rollup(act) AS act FROM bench_day) s,
     feature_retention(s.act, as_of => '2026-06-30') f$q$, 6),
('per-feature 30/60/90 retention', 'stored', 'extension, stored summaries', $q$
SELECT f.feature, f.day, sum(f.cohort_users) AS cohort, sum(f.eligible_users) AS eligible,
       sum(f.retained_users) AS retained
FROM bench_summaries s, feature_retention(s.act, as_of => '2026-06-30') f
GROUP BY 1, 2$q$, 7);

DELETE FROM bq WHERE metric LIKE 'retention floor:%';
INSERT INTO bq (metric, name, source, sql, ord) VALUES
('retention floor: raw events', 'columns', 'floor', $q$
SELECT count(user_id), count(occurred_at), count(feature) FROM events$q$, 1),
('retention floor: product-wide day summaries', 'day_read', 'floor', $q$
SELECT f.* FROM bench_day d, feature_retention(d.act, as_of => '2026-06-30') f$q$, 1),
('retention floor: per-account daily summaries', 'daily_scan', 'floor', $q$
SELECT account_id, count(act) FROM bench_daily GROUP BY 1$q$, 1);

SELECT pg_temp.check_equal('per-feature 30/60/90 retention') AS checked;
SELECT pg_temp.time_queries(ARRAY['per-feature 30/60/90 retention', 'retention floor: raw events',
                                  'retention floor: product-wide day summaries',
                                  'retention floor: per-account daily summaries'], :reps) \gset

\echo
\echo 'per-feature 30/60/90 retention (serial, median of' :reps 'runs; results checked equal first)'
SELECT name AS query, round(median::numeric, 3) AS seconds,
       round(speedup::numeric, 1) AS speedup_vs_sql
FROM bm WHERE metric = 'per-feature 30/60/90 retention' ORDER BY ord;
SELECT count(*) AS daily_summaries, round(avg(pg_column_size(act))) AS avg_bytes FROM bench_daily;
SELECT count(*) AS product_day_summaries, round(avg(pg_column_size(act))) AS avg_bytes FROM bench_day;
SELECT pg_temp.record('per-feature 30/60/90 retention') \gset

-- the floors, and the most any query reading each source could reach:
-- the best plain SQL's time over the floor's
\echo
\echo 'floors of per-feature retention (alternated with the queries above)'
CREATE TEMP TABLE bench_floors AS
SELECT metric, round(median::numeric, 3) AS seconds,
       round(((SELECT min(median) FROM bm
                WHERE metric = 'per-feature 30/60/90 retention' AND source LIKE 'plain SQL%')
              / median)::numeric, 1) AS plain_sql_over_floor
FROM bm WHERE metric LIKE 'retention floor:%';
SELECT * FROM bench_floors ORDER BY metric DESC;
SELECT count(*) AS floors_kept
FROM (SELECT pg_temp.figure(metric || ', s (best plain SQL / floor)',
                            format('%s (%s x)', seconds, plain_sql_over_floor))
        FROM bench_floors ORDER BY metric DESC) x \gset
DROP TABLE bench_floors;
