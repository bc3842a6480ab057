-- bench/scale.sql: time per event of the scan, the GROUP BY count floor, the
-- build of per-account summaries and per-feature retention from raw events,
-- on the events table as it is (bench/run --scale regenerates it at 1 M,
-- 10 M and 30 M events with the same seed and runs this after each).
-- Queries alternated over reps, medians; kept in bench_scale (which the
-- generator does not drop), and the whole table printed each time, with the
-- ratio of each ns/event to that at 10 M events (where measured).
\ir session.sql
\ir compare.sql

CREATE TABLE IF NOT EXISTS bench_scale (events bigint, query text, seconds float8, ord int,
                                        PRIMARY KEY (events, query));

INSERT INTO bq (metric, name, source, sql, ord) VALUES
('scale', 'count(*)', 'count(*)', $q$SELECT count(*) FROM events$q$, 1),
('scale', 'GROUP BY account_id count (floor)', 'floor', $q$SELECT sum(n) FROM (SELECT account_id, count(*) AS n FROM events GROUP BY 1) s$q$, 2),
('scale', 'build per-account summaries', 'build', $q$SELECT sum(pg_column_size(act)) FROM (SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act FROM events GROUP BY 1) s$q$, 3),
('scale', 'per-feature retention from raw events', 'retention', $q$SELECT sum(f.retained_users) FROM (SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act FROM events GROUP BY 1) s,
     feature_retention(s.act, as_of => '2026-06-30') f$q$, 4);
SELECT pg_temp.time_queries(ARRAY['scale'], :reps) \gset

INSERT INTO bench_scale
SELECT (SELECT count(*) FROM events), name, median, ord FROM bm WHERE metric = 'scale'
ON CONFLICT (events, query) DO UPDATE SET seconds = excluded.seconds;

\echo
\echo 'time per event (serial, median of' :reps 'runs at each scale)'
SELECT s.query, s.events, round(s.seconds::numeric, 3) AS seconds,
       round((s.seconds * 1e9 / s.events)::numeric, 1) AS ns_per_event,
       round(((s.seconds / s.events) / (t.seconds / t.events))::numeric, 2) AS vs_10m
FROM bench_scale s
LEFT JOIN LATERAL (SELECT * FROM bench_scale t
                    WHERE t.query = s.query AND t.events BETWEEN 9000000 AND 11000000
                    ORDER BY t.events LIMIT 1) t ON true
ORDER BY s.ord, s.events;
