-- bench/scale_report.sql: the time per event of each query of
-- bench/scale.sql at each scale, medians over the repetitions (their
-- lines "events|ord|query|seconds" on standard input), with the ratio of
-- each to its time per event at 10 M events, to the GROUP BY count floor
-- and to that floor reading the three columns (floor3).
--   psql -f bench/scale_report.sql < runs
\set QUIET on
\pset footer off
CREATE TEMP TABLE scale_runs (events bigint, ord int, query text, seconds float8);
\copy scale_runs FROM pstdin WITH (FORMAT text, DELIMITER '|')
CREATE TEMP TABLE scale_m AS
SELECT events, ord, query, percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS seconds, count(*) AS reps
FROM scale_runs GROUP BY 1, 2, 3;

\echo
\echo 'time per event, every scale held at once and the repetitions alternated between them (serial, medians)'
SELECT s.query, s.events, round(s.seconds::numeric, 3) AS seconds, s.reps,
       round((s.seconds * 1e9 / s.events)::numeric, 1) AS ns_per_event,
       round(((s.seconds / s.events) / (t.seconds / t.events))::numeric, 2) AS vs_10m,
       round((s.seconds / f.seconds)::numeric, 2) AS vs_floor,
       round((s.seconds / f3.seconds)::numeric, 2) AS vs_floor3
FROM scale_m s
LEFT JOIN LATERAL (SELECT * FROM scale_m t
                    WHERE t.query = s.query AND t.events BETWEEN 9000000 AND 11000000
                    ORDER BY t.events LIMIT 1) t ON true
JOIN scale_m f ON f.events = s.events AND f.ord = 2
JOIN scale_m f3 ON f3.events = s.events AND f3.ord = 3
ORDER BY s.ord, s.events;
