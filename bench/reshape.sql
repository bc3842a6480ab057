-- bench/reshape.sql: activity_map and activity_filter of every stored
-- per-account summary (bench_summaries) against reading the same
-- summaries once with an accessor:
--   read_retention   retention_rate(act, 30): every user's days, all history
--   read_stickiness  stickiness over all history (every day of every user)
--   read_depth       depth over all history (every pair, its last day)
--   map_areas        activity_map to five product areas (features merged:
--                    several features of a user on one day become one)
--   map_rename       activity_map renaming every feature, no merge
--   filter           activity_filter keeping the three most used features
-- The result of each reshaping is written in full (pg_column_size of a
-- value the function returns in memory costs nothing more).  First checks
-- that the product-area summaries are byte for byte the summaries built
-- from the relabelled events, then alternates the queries and keeps the
-- medians in bench_results (bench/compare.sql).
\ir session.sql

\ir compare.sql
\ir summaries.sql

SELECT max(occurred_at)::date AS as_of FROM events \gset
-- the areas: the features in order of use, dealt out to five areas; the
-- renaming: each feature prefixed
SELECT jsonb_object_agg(feature, 'area' || (n % 5)) AS areas,
       jsonb_object_agg(feature, 'product.' || feature) AS rename,
       (array_agg(feature ORDER BY n))[1:3]::text AS top3
FROM (SELECT feature, row_number() OVER (ORDER BY count(*) DESC, feature) - 1 AS n
        FROM events WHERE feature IS NOT NULL GROUP BY feature) f \gset

-- the check: the mapped summaries equal those of the relabelled events
SELECT count(*) AS differ
FROM bench_summaries s
FULL JOIN (SELECT account_id, activity_agg(user_id, occurred_at, :'areas'::jsonb ->> feature) AS act
             FROM events GROUP BY account_id) r USING (account_id)
WHERE activity_map(s.act, :'areas')::text IS DISTINCT FROM r.act::text \gset
\if :differ
\echo 'activity_map: ' :differ ' accounts differ from the summaries of the relabelled events'
SELECT 1 / 0;
\endif

DELETE FROM bq WHERE metric = 'activity_map';
INSERT INTO bq VALUES
('activity_map', 'read_retention', 'one reading: retention_rate(act, 30)', format($q$
SELECT retention_rate(act, 30, as_of => %L) FROM bench_summaries$q$, :'as_of'), 1),
('activity_map', 'read_stickiness', 'one reading: stickiness, all history', format($q$
SELECT stickiness(act, %L, 100000) FROM bench_summaries$q$, :'as_of'), 2),
('activity_map', 'read_depth', 'one reading: depth, all history', format($q$
SELECT depth(act, %L, 100000) FROM bench_summaries$q$, :'as_of'), 3),
('activity_map', 'map_areas', 'activity_map, features merged into 5 areas', format($q$
SELECT pg_column_size(activity_map(act, %L)) FROM bench_summaries$q$, :'areas'), 4),
('activity_map', 'map_rename', 'activity_map, every feature renamed', format($q$
SELECT pg_column_size(activity_map(act, %L)) FROM bench_summaries$q$, :'rename'), 5),
('activity_map', 'filter', 'activity_filter, the 3 most used features', format($q$
SELECT pg_column_size(activity_filter(act, %L)) FROM bench_summaries$q$, :'top3'), 6);

SELECT pg_temp.time_queries(ARRAY['activity_map'], :reps);
SELECT pg_temp.record('activity_map');
\pset footer on
\echo
\echo 'reshaping every stored per-account summary (serial, median of' :reps 'runs); readings = seconds / those of each reading'
SELECT name, source, round(median::numeric, 4) AS seconds,
       round((median / (SELECT median FROM bm WHERE metric = 'activity_map' AND name = 'read_retention'))::numeric, 2) AS retention_readings,
       round((median / (SELECT median FROM bm WHERE metric = 'activity_map' AND name = 'read_stickiness'))::numeric, 2) AS stickiness_readings,
       round((median / (SELECT median FROM bm WHERE metric = 'activity_map' AND name = 'read_depth'))::numeric, 2) AS depth_readings
FROM bm WHERE metric = 'activity_map' ORDER BY ord;
SELECT pg_temp.figure('activity_map into areas, in readings by retention_rate',
                      round(((SELECT median FROM bm WHERE metric = 'activity_map' AND name = 'map_areas')
                             / (SELECT median FROM bm WHERE metric = 'activity_map' AND name = 'read_retention'))::numeric, 2)::text);
