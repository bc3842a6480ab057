-- bench/parallel.sql: the raw-event extension queries with 2 parallel
-- workers against none, in one run, alternated (medians):
--
--   build      per-account summaries, flattened (as in bench/core.sql)
--   retention  per-feature 30/60/90 retention from raw events, per account
--              and from one summary of all the events (as in
--              bench/retention.sql)
--   report     the per-account report from raw events (as in
--              bench/report.sql)
--
-- Parallel means max_parallel_workers_per_gather = 2 with
-- parallel_setup_cost, parallel_tuple_cost and min_parallel_table_scan_size
-- 0, so that the planner picks a parallel plan; EXPLAIN must show a Gather
-- over a Partial Aggregate for every query, and the results must equal the
-- serial ones, before anything is timed.  Two parallel modes are timed:
-- 2 workers with parallel_leader_participation off (two processes scan and
-- build partial states, the leader combines them: the figure the summary
-- reports), and 2 workers with the leader scanning too (PostgreSQL's
-- default: three processes, more than a 2-core machine has).
\ir session.sql

\ir compare.sql
\ir report_queries.sql

-- n = 0: serial; 2: 2 workers, the leader only combining; 3: 2 workers and
-- the leader
CREATE OR REPLACE FUNCTION pg_temp.workers(n int) RETURNS void LANGUAGE sql AS $$
    SELECT set_config('max_parallel_workers_per_gather', least(n, 2)::text, false),
           set_config('parallel_leader_participation', CASE WHEN n = 2 THEN 'off' ELSE 'on' END, false),
           set_config('parallel_setup_cost', CASE WHEN n > 0 THEN '0' ELSE '1000' END, false),
           set_config('parallel_tuple_cost', CASE WHEN n > 0 THEN '0' ELSE '0.1' END, false),
           set_config('min_parallel_table_scan_size', CASE WHEN n > 0 THEN '0' ELSE '8MB' END, false);
$$;

CREATE TEMP TABLE pq (metric text PRIMARY KEY, sql text, ord int);
INSERT INTO pq VALUES
('build', $q$
SELECT account_id, pg_column_size(activity_agg(user_id, occurred_at, feature)) AS bytes
FROM events GROUP BY 1$q$, 1),
('per-feature retention', $q$
SELECT f.feature, f.day, sum(f.cohort_users) AS cohort, sum(f.eligible_users) AS eligible,
       sum(f.retained_users) AS retained
FROM (SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act FROM events GROUP BY 1) s,
     feature_retention(s.act, as_of => '2026-06-30') f
GROUP BY 1, 2$q$, 2),
('per-feature retention, one summary', $q$
SELECT f.feature, f.day, f.cohort_users AS cohort, f.eligible_users AS eligible,
       f.retained_users AS retained
FROM (SELECT activity_agg(user_id, occurred_at, feature) AS act FROM events) s,
     feature_retention(s.act, as_of => '2026-06-30') f$q$, 3);
-- the report from raw events, as bench/report.sql has it
INSERT INTO pq SELECT 'per-account report', sql, 4 FROM bq WHERE metric = 'per-account report' AND name = 'raw';

-- plans: a Gather over a Partial Aggregate with workers, neither without
CREATE OR REPLACE FUNCTION pg_temp.plan(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE line text; plan text := '';
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
        plan := plan || line || E'\n';
    END LOOP;
    RETURN plan;
END $$;

DO $$
DECLARE r record; p text;
BEGIN
    FOR r IN SELECT * FROM pq ORDER BY ord LOOP
        PERFORM pg_temp.workers(2);
        p := pg_temp.plan(r.sql);
        IF p !~ 'Gather' OR p !~ 'Partial (Hash|Group)?Aggregate' THEN
            RAISE EXCEPTION 'parallel.sql: % has no parallel plan with 2 workers:%', r.metric, E'\n' || p;
        END IF;
        PERFORM pg_temp.workers(0);
        p := pg_temp.plan(r.sql);
        IF p ~ 'Gather' THEN
            RAISE EXCEPTION 'parallel.sql: % has a parallel plan with 0 workers:%', r.metric, E'\n' || p;
        END IF;
    END LOOP;
END $$;

-- the same rows with and without workers
DO $$
DECLARE r record; diff bigint; w int;
BEGIN
    FOR r IN SELECT * FROM pq ORDER BY ord LOOP
        PERFORM pg_temp.workers(0);
        DROP TABLE IF EXISTS pg_temp.serial_rows;
        EXECUTE format('CREATE TEMP TABLE serial_rows AS SELECT x::text AS r FROM (%s) x', r.sql);
        FOREACH w IN ARRAY ARRAY[2, 3] LOOP
            PERFORM pg_temp.workers(w);
            EXECUTE format('SELECT count(*) FROM (((TABLE pg_temp.serial_rows) EXCEPT ALL (SELECT x::text FROM (%s) x))'
                           ' UNION ALL ((SELECT x::text FROM (%s) x) EXCEPT ALL (TABLE pg_temp.serial_rows))) d',
                           r.sql, r.sql) INTO diff;
            IF diff <> 0 OR NOT EXISTS (SELECT FROM pg_temp.serial_rows) THEN
                RAISE EXCEPTION 'parallel.sql: % differs with 2 workers (mode %) on % rows (or has none)',
                    r.metric, w, diff;
            END IF;
        END LOOP;
    END LOOP;
    PERFORM pg_temp.workers(0);
END $$;

CREATE TEMP TABLE pt (metric text, workers int, rep int, secs float8);
DO $$
DECLARE r record; i int; w int;
BEGIN
    FOR i IN 1 .. current_setting('bench.reps')::int LOOP
        FOR r IN SELECT * FROM pq ORDER BY ord LOOP
            FOREACH w IN ARRAY ARRAY[0, 2, 3] LOOP
                PERFORM pg_temp.workers(w);
                INSERT INTO pt VALUES (r.metric, w, i,
                    pg_temp.secs(format('SELECT count(x.*) FROM (%s) x', r.sql)));
            END LOOP;
        END LOOP;
    END LOOP;
    PERFORM pg_temp.workers(0);
END $$;

CREATE TEMP TABLE pm AS
SELECT metric, workers, percentile_cont(0.5) WITHIN GROUP (ORDER BY secs) AS median FROM pt GROUP BY 1, 2;

\echo
\echo 'raw-event queries, 2 parallel workers against none (median of' :reps 'runs; results checked equal first)'
\echo '(workers2: the leader only combines; workers2_leader: the leader scans too)'
SELECT s.metric, round(s.median::numeric, 3) AS serial_s, round(p.median::numeric, 3) AS workers2_s,
       round((s.median / p.median)::numeric, 2) AS speedup,
       round(l.median::numeric, 3) AS workers2_leader_s, round((s.median / l.median)::numeric, 2) AS speedup_leader
FROM pm s JOIN pm p USING (metric) JOIN pm l USING (metric) JOIN pq USING (metric)
WHERE s.workers = 0 AND p.workers = 2 AND l.workers = 3 ORDER BY pq.ord;

SELECT count(*) FROM (SELECT pg_temp.figure(format('2 parallel workers against none: %s', s.metric),
                      format('%s x (%s s -> %s s); leader scanning too: %s x', round((s.median / p.median)::numeric, 2),
                             round(s.median::numeric, 3), round(p.median::numeric, 3),
                             round((s.median / l.median)::numeric, 2)))
FROM pm s JOIN pm p USING (metric) JOIN pm l USING (metric) JOIN pq USING (metric)
WHERE s.workers = 0 AND p.workers = 2 AND l.workers = 3) x \gset
