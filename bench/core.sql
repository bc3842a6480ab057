-- bench/core.sql: the core figures, on the events table of data/generate.sql
--
--   psql -v ON_ERROR_STOP=1 [-v reps=3] -f bench/core.sql
--
-- Times, in one session and alternating the queries over reps repetitions
-- (medians reported), serial (no parallel workers):
--   count     SELECT count(*) FROM events (the scan alone)
--   floor     SELECT account_id, count(*) FROM events GROUP BY 1
--   floor3    the same, reading the three columns the build reads (a
--             FILTER testing user_id, occurred_at and feature)
--   aggfloor  the same through an aggregate of the build's three arguments
--             and a by-reference state that computes nothing (bench/floor,
--             which bench/run installs; left out when it is not): what
--             PostgreSQL takes for any aggregate of that shape
--   build     per-account summaries, GROUP BY account_id, flattened to their
--             stored form (pg_column_size forces it)
--   read      all nine usage accessors for every account from stored summaries
-- and reports bytes per distinct (user, feature, day) triple stored.  The
-- figures are also kept in bench_figures (bench/compare.sql) for
-- bench/summary.sql.
\ir session.sql

\ir compare.sql

DROP TABLE IF EXISTS bench_summaries, bench_product;
CREATE TABLE bench_summaries AS
SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act
FROM events GROUP BY account_id;
ANALYZE bench_summaries;

-- the aggregate floor, when bench/floor's library is installed
DO $$
BEGIN
    CREATE FUNCTION pg_temp.bench_floor_trans(bytea, bigint, timestamptz, text) RETURNS bytea
        AS '$libdir/adoption_bench_floor' LANGUAGE C PARALLEL SAFE;
    CREATE AGGREGATE pg_temp.bench_floor_agg(bigint, timestamptz, text)
        (SFUNC = pg_temp.bench_floor_trans, STYPE = bytea, PARALLEL = SAFE);
EXCEPTION WHEN undefined_file THEN
    RAISE WARNING 'bench/floor is not installed: the aggregate floor is left out';
END $$;

CREATE TEMP TABLE q(name text PRIMARY KEY, sql text);
INSERT INTO q VALUES
('count', $q$SELECT count(*) FROM events$q$),
('floor', $q$SELECT sum(n) FROM (SELECT account_id, count(*) AS n FROM events GROUP BY 1) s$q$),
('floor3', $q$SELECT sum(n) FROM (SELECT account_id, count(*) FILTER (WHERE user_id IS NOT NULL AND occurred_at IS NOT NULL AND feature IS NOT NULL) AS n FROM events GROUP BY 1) s$q$),
('build', $q$SELECT sum(pg_column_size(act)) FROM (SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act FROM events GROUP BY 1) s$q$),
('read',  $q$SELECT sum(user_count(s.act)) + sum(active_users(s.act, '2026-06-30'))
              + sum(stickiness(s.act, '2026-06-30')) + sum(adoption_rate(s.act, a.seats, '2026-06-30'))
              + sum(feature_adoption_rate(s.act, 'reports', '2026-06-30'))
              + sum((SELECT count(*) FROM features(s.act, '2026-06-30', seats => a.seats)))
              + sum(depth(s.act, '2026-06-30'))
              + sum(first_day(s.act) - date '2000-01-01') + sum(last_day(s.act) - date '2000-01-01')
            FROM bench_summaries s JOIN accounts a USING (account_id)$q$);

INSERT INTO q
SELECT 'aggfloor', $q$SELECT sum(length(x)) FROM (SELECT account_id, pg_temp.bench_floor_agg(user_id, occurred_at, feature) AS x FROM events GROUP BY 1) s$q$
WHERE EXISTS (SELECT FROM pg_proc WHERE proname = 'bench_floor_agg' AND pronamespace = pg_my_temp_schema());

CREATE TEMP TABLE t AS SELECT * FROM pg_temp.time_named('q');

CREATE TEMP TABLE m AS
SELECT name, percentile_cont(0.5) WITHIN GROUP (ORDER BY secs) AS median FROM t GROUP BY name;

SELECT count(*) AS events,
       (SELECT count(*) FROM (SELECT DISTINCT user_id, feature, occurred_at::date FROM events) d) AS triples,
       (SELECT sum(pg_column_size(act)) FROM bench_summaries) AS stored_bytes,
       (SELECT count(*) FROM bench_summaries) AS accounts
FROM events \gset

\echo
\echo 'adoption core benchmark (serial, median of' :reps 'runs)'
SELECT :events AS events, :triples AS distinct_triples, :accounts AS accounts;
SELECT name AS query, round(median::numeric, 3) AS seconds,
       round((median / (SELECT median FROM m WHERE name = 'floor'))::numeric, 2) AS vs_floor,
       round((median / (SELECT median FROM m WHERE name = 'build'))::numeric, 2) AS vs_build
FROM m ORDER BY array_position(ARRAY['count','floor','floor3','aggfloor','build','read'], name);
SELECT round(:stored_bytes::numeric / :triples, 3) AS stored_bytes_per_triple;

SELECT pg_temp.figure('events', :'events'),
       pg_temp.figure('distinct (user, feature, day) triples', :'triples'),
       pg_temp.figure('accounts with events', :'accounts'),
       pg_temp.figure('floor: SELECT count(*) FROM events, s',
                      round((SELECT median FROM m WHERE name = 'count')::numeric, 3)::text),
       pg_temp.figure('floor: count(*) GROUP BY account_id, s',
                      round((SELECT median FROM m WHERE name = 'floor')::numeric, 3)::text),
       pg_temp.figure('floor: the same reading the three columns, s',
                      round((SELECT median FROM m WHERE name = 'floor3')::numeric, 3)::text),
       pg_temp.figure('floor: any aggregate of the three arguments computing nothing, s (x the GROUP BY floor)',
                      CASE WHEN EXISTS (SELECT FROM m WHERE name = 'aggfloor')
                           THEN format('%s (%s x)', round((SELECT median FROM m WHERE name = 'aggfloor')::numeric, 3),
                                       round(((SELECT median FROM m WHERE name = 'aggfloor')
                                              / (SELECT median FROM m WHERE name = 'floor'))::numeric, 2))
                           ELSE 'not measured (bench/floor not installed)' END),
       pg_temp.figure('build per-account summaries, s (x the GROUP BY floor)',
                      format('%s (%s x)', round((SELECT median FROM m WHERE name = 'build')::numeric, 3),
                             round(((SELECT median FROM m WHERE name = 'build')
                                    / (SELECT median FROM m WHERE name = 'floor'))::numeric, 2))),
       pg_temp.figure('read nine usage accessors, every account, stored summaries, s',
                      round((SELECT median FROM m WHERE name = 'read')::numeric, 3)::text),
       pg_temp.figure('stored bytes per distinct triple',
                      round(:stored_bytes::numeric / :triples, 3)::text) \gset
