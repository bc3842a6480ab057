-- bench/health.sql: scoring 1 million signal rows with one health model,
-- health_score against the equivalent plain-SQL CASE arithmetic, in one run.
-- The signals are stored both as typed columns (for the plain SQL) and as a
-- jsonb object (the extension's input); both sides read the same rows and
-- must give the same scores (checked first).
\ir session.sql
\if :{?rows}
\else
\set rows 1000000
\endif
\ir compare.sql

DROP TABLE IF EXISTS bench_signals;
CREATE TABLE bench_signals AS
SELECT i AS account_id, a.adoption_rate, a.dau_mau, a.nps, a.open_sev1,
       jsonb_strip_nulls(jsonb_build_object('adoption_rate', a.adoption_rate, 'dau_mau', a.dau_mau,
                                            'nps', a.nps, 'open_sev1', a.open_sev1)) AS signals
FROM generate_series(1, :rows) i,
LATERAL (SELECT round(((hashint4(i) & 1023) / 1023.0)::numeric, 3)::float8 AS adoption_rate,
                round(((hashint4(i + 7) & 1023) / 3000.0)::numeric, 3)::float8 AS dau_mau,
                CASE WHEN hashint4(i + 13) & 7 = 0 THEN NULL
                     ELSE ((hashint4(i + 13) >> 4) & 127) - 27 END::float8 AS nps,
                ((hashint4(i + 21) >> 8) & 7)::float8 AS open_sev1) a;
VACUUM ANALYZE bench_signals;

CREATE TEMP TABLE hq(name text PRIMARY KEY, sql text);
INSERT INTO hq VALUES
('sql', $q$
SELECT account_id,
       (3 * least(greatest((adoption_rate - 0.2) / (0.6 - 0.2), 0), 1) * 100
        + 2 * least(greatest((dau_mau - 0.05) / (0.25 - 0.05), 0), 1) * 100
        + coalesce(1 * least(greatest((nps - 0) / (50 - 0), 0), 1) * 100, 0)
        + 2 * least(greatest((open_sev1 - 3) / (0 - 3), 0), 1) * 100)
       / (3 + 2 + CASE WHEN nps IS NULL THEN 0 ELSE 1 END + 2) AS score
FROM bench_signals$q$),
('extension', $q$
SELECT account_id,
       health_score(signals, '{"components": {
           "adoption_rate": {"weight": 3, "red": 0.2, "green": 0.6},
           "dau_mau":       {"weight": 2, "red": 0.05, "green": 0.25},
           "nps":           {"weight": 1, "red": 0, "green": 50},
           "open_sev1":     {"weight": 2, "red": 3, "green": 0}},
         "grades": {"red": 40, "green": 70}, "missing": "skip"}') AS score
FROM bench_signals$q$);

DO $$
DECLARE bad bigint;
BEGIN
    EXECUTE format('SELECT count(*) FROM (%s) a JOIN (%s) b USING (account_id)
                    WHERE abs(a.score - b.score) > 1e-9 OR (a.score IS NULL) <> (b.score IS NULL)',
                   (SELECT sql FROM hq WHERE name = 'sql'), (SELECT sql FROM hq WHERE name = 'extension'))
        INTO bad;
    IF bad <> 0 THEN
        RAISE EXCEPTION 'health: % rows score differently', bad;
    END IF;
END $$;

CREATE TEMP TABLE ht AS
SELECT * FROM pg_temp.time_named('hq', 'SELECT sum(score) FROM (%s) x');

\echo
\echo 'health scores of' :rows 'signal rows, one model (serial, median of' :reps 'runs; scores checked equal first)'
WITH m AS (SELECT name, percentile_cont(0.5) WITHIN GROUP (ORDER BY secs) AS median FROM ht GROUP BY name)
SELECT name AS query, round(median::numeric, 3) AS seconds,
       round((median / (SELECT median FROM m WHERE name = 'sql'))::numeric, 2) AS vs_sql
FROM m ORDER BY name DESC;
INSERT INTO bench_results (metric, source, seconds, reps)
SELECT format('health scores (%s rows)', :rows), v.source,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ht.secs), count(*)
FROM ht JOIN (VALUES ('sql', 'plain SQL', 1), ('extension', 'extension', 2)) v(name, source, ord) USING (name)
GROUP BY v.source, v.ord ORDER BY v.ord
ON CONFLICT (metric, source) DO UPDATE SET seconds = excluded.seconds, reps = excluded.reps;
DROP TABLE bench_signals;
