-- bench/retention.sql: 30/60/90-day retention (30-day brackets) for every
-- feature, as of the last day of the data, product-wide:
--   sql        the plain-SQL formulation of SPEC 2.5 over raw events
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
--              made by bench/core.sql)
-- Checks that all give the same numbers before timing anything; the
-- medians go into bench_results (bench/compare.sql).
\ir session.sql

\ir compare.sql

DROP TABLE IF EXISTS bench_daily;
CREATE TABLE bench_daily AS
SELECT account_id, occurred_at::date AS day, activity_agg(user_id, occurred_at, feature) AS act
FROM events GROUP BY 1, 2;
ANALYZE bench_daily;
DROP TABLE IF EXISTS bench_day;
CREATE TABLE bench_day AS
SELECT occurred_at::date AS day, activity_agg(user_id, occurred_at, feature) AS act
FROM events GROUP BY 1;
ANALYZE bench_day;

CREATE TEMP TABLE rq(name text PRIMARY KEY, sql text);
INSERT INTO rq VALUES
('sql', $q$
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
GROUP BY 1, 2, 3$q$),
('sql_arrays', $q$
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
GROUP BY 1, 2$q$),
('raw', $q$
SELECT f.feature, f.day, sum(f.cohort_users) AS cohort, sum(f.eligible_users) AS eligible,
       sum(f.retained_users) AS retained
FROM (SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act FROM events GROUP BY 1) s,
     feature_retention(s.act, as_of => '2026-06-30') f
GROUP BY 1, 2$q$),
('product', $q$
SELECT f.feature, f.day, f.cohort_users AS cohort, f.eligible_users AS eligible,
       f.retained_users AS retained
FROM (SELECT activity_agg(user_id, occurred_at, feature) AS act FROM events) s,
     feature_retention(s.act, as_of => '2026-06-30') f$q$),
('daily', $q$
SELECT f.feature, f.day, sum(f.cohort_users) AS cohort, sum(f.eligible_users) AS eligible,
       sum(f.retained_users) AS retained
FROM (SELECT account_id, rollup(act) AS act FROM bench_daily GROUP BY 1) s,
     feature_retention(s.act, as_of => '2026-06-30') f
GROUP BY 1, 2$q$),
('day', $q$
SELECT f.feature, f.day, f.cohort_users AS cohort, f.eligible_users AS eligible,
       f.retained_users AS retained
FROM (SELECT rollup(act) AS act FROM bench_day) s,
     feature_retention(s.act, as_of => '2026-06-30') f$q$),
('stored', $q$
SELECT f.feature, f.day, sum(f.cohort_users) AS cohort, sum(f.eligible_users) AS eligible,
       sum(f.retained_users) AS retained
FROM bench_summaries s, feature_retention(s.act, as_of => '2026-06-30') f
GROUP BY 1, 2$q$);

-- the same numbers everywhere, or no timing at all
DO $$
DECLARE r record; diff bigint;
BEGIN
    EXECUTE format('CREATE TEMP TABLE expected AS %s', (SELECT sql FROM rq WHERE name = 'sql'));
    IF NOT EXISTS (SELECT FROM expected) THEN
        RAISE EXCEPTION 'retention: no rows to compare';
    END IF;
    FOR r IN SELECT * FROM rq WHERE name <> 'sql' LOOP
        EXECUTE format('SELECT count(*) FROM (((TABLE expected) EXCEPT (%s)) UNION ALL ((%s) EXCEPT (TABLE expected))) x',
                       r.sql, r.sql) INTO diff;
        IF diff <> 0 THEN
            RAISE EXCEPTION 'retention: % disagrees with plain SQL on % rows', r.name, diff;
        END IF;
    END LOOP;
END $$;

CREATE TEMP TABLE rt(name text, rep int, secs float8);
DO $$
DECLARE r record; i int;
BEGIN
    FOR i IN 1 .. current_setting('bench.reps')::int LOOP
        FOR r IN SELECT * FROM rq ORDER BY name LOOP
            INSERT INTO rt VALUES (r.name, i, pg_temp.secs(format('SELECT count(*) FROM (%s) x', r.sql)));
        END LOOP;
    END LOOP;
END $$;

\echo
\echo 'per-feature 30/60/90 retention (serial, median of' :reps 'runs; results checked equal first)'
WITH m AS (SELECT name, percentile_cont(0.5) WITHIN GROUP (ORDER BY secs) AS median FROM rt GROUP BY name)
SELECT name AS query, round(median::numeric, 3) AS seconds,
       round(((SELECT median FROM m WHERE name = 'sql') / median)::numeric, 1) AS speedup_vs_sql
FROM m ORDER BY array_position(ARRAY['sql', 'sql_arrays', 'raw', 'product', 'daily', 'day', 'stored'], name);
SELECT count(*) AS daily_summaries, round(avg(pg_column_size(act))) AS avg_bytes FROM bench_daily;
SELECT count(*) AS product_day_summaries, round(avg(pg_column_size(act))) AS avg_bytes FROM bench_day;
INSERT INTO bench_results (metric, source, seconds, reps)
SELECT 'per-feature 30/60/90 retention', v.source, percentile_cont(0.5) WITHIN GROUP (ORDER BY rt.secs), count(*)
FROM rt JOIN (VALUES ('sql', 'plain SQL', 1), ('sql_arrays', 'plain SQL, arrays', 1),
                     ('raw', 'extension, raw events, per account', 2),
                     ('product', 'extension, raw events, one summary', 3),
                     ('daily', 'extension, daily rollup', 4),
                     ('day', 'extension, product-wide day rollup', 5),
                     ('stored', 'extension, stored summaries', 6)) v(name, source, ord) USING (name)
GROUP BY v.source, v.ord ORDER BY v.ord
ON CONFLICT (metric, source) DO UPDATE SET seconds = excluded.seconds, reps = excluded.reps;
