-- bench/funnel.sql: a 4-step activation funnel (the four most used
-- features, in that order, within 30 days) for every account, as of the
-- last day of the data:
--   sql_arrays plain SQL of the definition (doc/reference.md, funnel) over
--              raw events in one pass: one GROUP BY (account, user) giving
--              the entry and the days of each later step's feature as an
--              array, then per user the first day of each step on or after
--              the previous one in the window (min over unnest)
--   sql_joins  the same as joins: the distinct (user, feature, day) of the
--              steps' features, each user's entry, then one join per later
--              step
--   raw        activity_agg per account over all the events + funnel
--   raw_steps  the same over the events of the steps' features only
--   stored     funnel over the stored per-account summaries (bench_summaries)
-- Checks that all give the same rows, then alternates them and keeps the
-- medians in bench_results (bench/compare.sql).
\ir session.sql

\ir compare.sql
\ir summaries.sql

SELECT max(occurred_at)::date AS as_of FROM events \gset
SELECT array_agg(feature ORDER BY n DESC, feature)::text AS steps,
       (array_agg(feature ORDER BY n DESC, feature))[1] AS s1,
       (array_agg(feature ORDER BY n DESC, feature))[2] AS s2,
       (array_agg(feature ORDER BY n DESC, feature))[3] AS s3,
       (array_agg(feature ORDER BY n DESC, feature))[4] AS s4
FROM (SELECT feature, count(*) AS n FROM events WHERE feature IS NOT NULL
       GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 4) f \gset

DELETE FROM bq WHERE metric = 'funnel';
INSERT INTO bq VALUES
('funnel', 'sql_arrays', 'plain SQL, raw events, one pass', format($q$
WITH u AS (
    SELECT account_id, user_id,
           min(day) FILTER (WHERE feature = %1$L) AS entry,
           array_agg(day) FILTER (WHERE feature = %2$L) AS a2,
           array_agg(day) FILTER (WHERE feature = %3$L) AS a3,
           array_agg(day) FILTER (WHERE feature = %4$L) AS a4
    FROM (SELECT account_id, user_id, feature, occurred_at::date AS day FROM events
           WHERE feature IN (%1$L, %2$L, %3$L, %4$L) AND occurred_at::date <= %5$L) e
    GROUP BY 1, 2),
e AS (SELECT * FROM u WHERE entry IS NOT NULL AND entry + 29 <= %5$L),
r AS (
    SELECT e.account_id, e.entry, d2.d AS d2, d3.d AS d3, d4.d AS d4
    FROM e,
         LATERAL (SELECT min(x) AS d FROM unnest(e.a2) x WHERE x >= e.entry AND x <= e.entry + 29) d2,
         LATERAL (SELECT min(x) AS d FROM unnest(e.a3) x WHERE x >= d2.d AND x <= e.entry + 29) d3,
         LATERAL (SELECT min(x) AS d FROM unnest(e.a4) x WHERE x >= d3.d AND x <= e.entry + 29) d4),
reach AS (
    SELECT account_id, s.step, s.feature, s.days
    FROM r, LATERAL (VALUES (1, %1$L, 0), (2, %2$L, r.d2 - r.entry),
                            (3, %3$L, r.d3 - r.entry), (4, %4$L, r.d4 - r.entry)) s(step, feature, days))
SELECT account_id, step, feature, count(*) AS eligible, count(days) AS reached,
       round((count(days)::float8 / count(*))::numeric, 9) AS rate,
       (percentile_disc(0.5) WITHIN GROUP (ORDER BY days))::float8 AS median_days
FROM reach
GROUP BY 1, 2, 3
$q$, :'s1', :'s2', :'s3', :'s4', :'as_of'), 1),
('funnel', 'sql_joins', 'plain SQL, raw events, one join a step', format($q$
WITH d AS MATERIALIZED (
    SELECT DISTINCT account_id, user_id, feature, occurred_at::date AS day
    FROM events
    WHERE feature IN (%1$L, %2$L, %3$L, %4$L) AND occurred_at::date <= %5$L),
e AS (
    SELECT account_id, user_id, min(day) AS entry FROM d WHERE feature = %1$L
    GROUP BY 1, 2 HAVING min(day) + 29 <= %5$L),
r2 AS (
    SELECT e.account_id, e.user_id, e.entry, min(d.day) AS dk FROM e
    JOIN d ON d.account_id = e.account_id AND d.user_id = e.user_id AND d.feature = %2$L
          AND d.day >= e.entry AND d.day <= e.entry + 29
    GROUP BY 1, 2, 3),
r3 AS (
    SELECT r.account_id, r.user_id, r.entry, min(d.day) AS dk FROM r2 r
    JOIN d ON d.account_id = r.account_id AND d.user_id = r.user_id AND d.feature = %3$L
          AND d.day >= r.dk AND d.day <= r.entry + 29
    GROUP BY 1, 2, 3),
r4 AS (
    SELECT r.account_id, r.user_id, r.entry, min(d.day) AS dk FROM r3 r
    JOIN d ON d.account_id = r.account_id AND d.user_id = r.user_id AND d.feature = %4$L
          AND d.day >= r.dk AND d.day <= r.entry + 29
    GROUP BY 1, 2, 3),
reach AS (
    SELECT account_id, 1 AS step, %1$L AS feature, 0 AS days FROM e
    UNION ALL SELECT account_id, 2, %2$L, dk - entry FROM r2
    UNION ALL SELECT account_id, 3, %3$L, dk - entry FROM r3
    UNION ALL SELECT account_id, 4, %4$L, dk - entry FROM r4),
n AS (SELECT account_id, count(*) AS eligible FROM e GROUP BY 1),
steps AS (SELECT * FROM (VALUES (1, %1$L), (2, %2$L), (3, %3$L), (4, %4$L)) s(step, feature))
SELECT n.account_id, s.step, s.feature, n.eligible, count(r.days) AS reached,
       round((count(r.days)::float8 / n.eligible)::numeric, 9) AS rate,
       (percentile_disc(0.5) WITHIN GROUP (ORDER BY r.days))::float8 AS median_days
FROM n CROSS JOIN steps s
LEFT JOIN reach r ON r.account_id = n.account_id AND r.step = s.step
GROUP BY n.account_id, s.step, s.feature, n.eligible
$q$, :'s1', :'s2', :'s3', :'s4', :'as_of'), 2),
('funnel', 'raw', 'extension, raw events, per account', format($q$
SELECT s.account_id, f.step, f.feature, f.eligible_users, f.reached_users,
       round(f.rate::numeric, 9), f.median_days
FROM (SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act
        FROM events GROUP BY account_id) s,
     funnel(s.act, %1$L, 30, %2$L) f
WHERE f.eligible_users > 0
$q$, :'steps', :'as_of'), 3),
('funnel', 'raw_steps', 'extension, raw events of the steps, per account', format($q$
SELECT s.account_id, f.step, f.feature, f.eligible_users, f.reached_users,
       round(f.rate::numeric, 9), f.median_days
FROM (SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act
        FROM events WHERE feature = ANY (%1$L::text[]) GROUP BY account_id) s,
     funnel(s.act, %1$L, 30, %2$L) f
WHERE f.eligible_users > 0
$q$, :'steps', :'as_of'), 4),
('funnel', 'stored', 'extension, stored summaries', format($q$
SELECT s.account_id, f.step, f.feature, f.eligible_users, f.reached_users,
       round(f.rate::numeric, 9), f.median_days
FROM bench_summaries s, funnel(s.act, %1$L, 30, %2$L) f
WHERE f.eligible_users > 0
$q$, :'steps', :'as_of'), 5);

SELECT pg_temp.check_equal('funnel');
SELECT pg_temp.time_queries(ARRAY['funnel'], :reps);
SELECT pg_temp.record('funnel');
\pset footer on
SELECT metric, name, source, round(median::numeric, 4) AS seconds, reps,
       round(speedup::numeric, 1) AS speedup
FROM bm WHERE metric = 'funnel' ORDER BY ord;
