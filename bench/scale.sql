-- bench/scale.sql: time per event of the scan, the GROUP BY count floor, the
-- build of per-account summaries and per-feature retention from raw events,
-- on the events table as it is (bench/run --scale regenerates it at 1 M,
-- 10 M and 30 M events with the same seed and runs this after each).
-- Queries alternated over reps, medians; kept in bench_scale (which the
-- generator does not drop), and the whole table printed each time, with the
-- ratio of each ns/event to that at 10 M events (where measured).
\ir session.sql

CREATE TABLE IF NOT EXISTS bench_scale (events bigint, query text, seconds float8, ord int,
                                        PRIMARY KEY (events, query));

CREATE TEMP TABLE sq (name text PRIMARY KEY, sql text, ord int);
INSERT INTO sq VALUES
('count(*)', $q$SELECT count(*) FROM events$q$, 1),
('GROUP BY account_id count (floor)', $q$SELECT sum(n) FROM (SELECT account_id, count(*) AS n FROM events GROUP BY 1) s$q$, 2),
('build per-account summaries', $q$SELECT sum(pg_column_size(act)) FROM (SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act FROM events GROUP BY 1) s$q$, 3),
('per-feature retention from raw events', $q$SELECT sum(f.retained_users) FROM (SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act FROM events GROUP BY 1) s,
     feature_retention(s.act, as_of => '2026-06-30') f$q$, 4);

CREATE TEMP TABLE st (name text, rep int, secs float8);
DO $$
DECLARE r record; i int;
BEGIN
    FOR i IN 1 .. current_setting('bench.reps')::int LOOP
        FOR r IN SELECT * FROM sq ORDER BY ord LOOP
            INSERT INTO st VALUES (r.name, i, pg_temp.secs(r.sql));
        END LOOP;
    END LOOP;
END $$;

INSERT INTO bench_scale
SELECT (SELECT count(*) FROM events), name, percentile_cont(0.5) WITHIN GROUP (ORDER BY secs), sq.ord
FROM st JOIN sq USING (name) GROUP BY name, sq.ord
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
