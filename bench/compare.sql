-- bench/compare.sql: what the comparison scripts share (included with \ir).
--
-- A script puts its queries into the temporary table bq (metric, name,
-- source, sql, ord): for each metric, the query of lowest ord is the
-- reference (plain SQL, or the serial plan), the others must give the same
-- rows.  Floats are compared after round(x::numeric, 9) in the queries
-- themselves.  Then:
--
--   SELECT pg_temp.check_equal('metric');       -- ERROR on any difference
--   SELECT pg_temp.time_queries(ARRAY['metric', ...], reps);
--                                               -- alternates the queries of
--                                               -- the metrics over reps
--   SELECT pg_temp.record('metric');            -- medians into bench_results
--
-- and prints from the view bm (medians, ratio to the reference).  The
-- medians of every script are kept in the table bench_results (metric,
-- source, seconds), other figures in bench_figures; bench/summary.sql
-- prints them at the end of bench/run.
-- (after session.sql, which gives pg_temp.secs)

CREATE TABLE IF NOT EXISTS bench_results (
    metric  text,
    source  text,
    seconds float8,
    reps    int,
    ord     serial,
    PRIMARY KEY (metric, source)
);
CREATE TABLE IF NOT EXISTS bench_figures (
    figure text PRIMARY KEY,
    value  text,
    ord    serial
);

CREATE TEMP TABLE IF NOT EXISTS bq (
    metric text,
    name   text,
    source text,     -- as shown in the summary
    sql    text,
    ord    int,
    PRIMARY KEY (metric, name)
);
CREATE TEMP TABLE IF NOT EXISTS bt (metric text, name text, rep int, secs float8);

-- The rows of every query of metric m equal those of its reference (as
-- multisets of rows as text), and the reference has rows; or an ERROR naming
-- the query.
CREATE OR REPLACE FUNCTION pg_temp.check_equal(m text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE ref record; r record; diff bigint; n bigint;
BEGIN
    SELECT * INTO ref FROM bq WHERE metric = m ORDER BY ord LIMIT 1;
    IF ref IS NULL THEN
        RAISE EXCEPTION '%: no queries', m;
    END IF;
    DROP TABLE IF EXISTS pg_temp.bench_expected;
    EXECUTE format('CREATE TEMP TABLE bench_expected AS SELECT x::text AS r FROM (%s) x', ref.sql);
    SELECT count(*) INTO n FROM pg_temp.bench_expected;
    IF n = 0 THEN
        RAISE EXCEPTION '%: no rows to compare', m;
    END IF;
    FOR r IN SELECT * FROM bq WHERE metric = m AND name <> ref.name ORDER BY ord LOOP
        EXECUTE format('SELECT count(*) FROM (((TABLE pg_temp.bench_expected) EXCEPT ALL (SELECT x::text FROM (%s) x))'
                       ' UNION ALL ((SELECT x::text FROM (%s) x) EXCEPT ALL (TABLE pg_temp.bench_expected))) d',
                       r.sql, r.sql) INTO diff;
        IF diff <> 0 THEN
            RAISE EXCEPTION '%: % disagrees with % on % rows', m, r.name, ref.name, diff;
        END IF;
    END LOOP;
    DROP TABLE pg_temp.bench_expected;
    RETURN format('%s: %s rows, all equal', m, n);
END $$;

-- Runs the queries of the metrics ms reps times, alternating them; every
-- column of every row is computed (count(x.*) references them all, so the
-- planner cannot drop unused outputs).
CREATE OR REPLACE FUNCTION pg_temp.time_queries(ms text[], reps int) RETURNS void LANGUAGE plpgsql AS $$
DECLARE r record; i int;
BEGIN
    FOR i IN 1 .. reps LOOP
        FOR r IN SELECT * FROM bq WHERE metric = ANY (ms)
                  ORDER BY array_position(ms, metric), ord LOOP
            INSERT INTO bt VALUES (r.metric, r.name, i,
                pg_temp.secs(format('SELECT count(x.*) FROM (%s) x', r.sql)));
        END LOOP;
    END LOOP;
END $$;

CREATE OR REPLACE TEMP VIEW bm AS
WITH m AS (SELECT metric, name, percentile_cont(0.5) WITHIN GROUP (ORDER BY secs) AS median,
                  count(*) AS reps
             FROM bt GROUP BY 1, 2)
SELECT q.metric, q.name, q.source, q.ord, m.median, m.reps,
       (SELECT m2.median FROM m m2 JOIN bq q2 USING (metric, name)
         WHERE m2.metric = q.metric ORDER BY q2.ord LIMIT 1) / m.median AS speedup
FROM bq q JOIN m USING (metric, name);

CREATE OR REPLACE FUNCTION pg_temp.record(m text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO bench_results (metric, source, seconds, reps)
    SELECT metric, source, median, reps FROM bm WHERE metric = m ORDER BY ord
    ON CONFLICT (metric, source) DO UPDATE SET seconds = excluded.seconds, reps = excluded.reps;
$$;

CREATE OR REPLACE FUNCTION pg_temp.figure(f text, v text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO bench_figures (figure, value) VALUES (f, v)
    ON CONFLICT (figure) DO UPDATE SET value = excluded.value;
$$;
