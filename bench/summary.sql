-- bench/summary.sql: the table printed at the end of bench/run, from what
-- the scripts kept in bench_results and bench_figures (bench/compare.sql):
-- for each metric and each extension source, the best plain-SQL median,
-- the extension's median and their ratio; then the other figures.
\set QUIET on
\pset footer off
\echo
\echo '==== summary (medians; ratio = plain-SQL seconds / extension seconds)'
WITH p AS (SELECT metric, min(seconds) AS plain, min(ord) AS ord
             FROM bench_results WHERE source LIKE 'plain SQL%' GROUP BY metric)
SELECT r.metric, r.source, round(p.plain::numeric, 3) AS "plain-SQL s",
       round(r.seconds::numeric, 3) AS "extension s",
       round((p.plain / r.seconds)::numeric, 2) AS ratio
FROM bench_results r JOIN p USING (metric)
WHERE r.source NOT LIKE 'plain SQL%'
ORDER BY p.ord, r.ord;
SELECT figure, value FROM bench_figures ORDER BY ord;
