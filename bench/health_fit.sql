-- bench/health_fit.sql: evaluating and fitting health models, in one run.
--
--   auc        score_auc over :rows scores (default 1 M) against the best
--              plain-SQL formulations (scores grouped and counted below by
--              a window; average ranks)
--   fit        health_fit over the same rows, 4 components, against
--              health_score over them (the cost of scoring once)
--   floors     what any aggregate over the scores pays before its own work:
--              the scan (count(score)) and one C transition call per row
--              (sum(score)), alternated with the AUCs
--   backtest   the activity signals of a backtest (doc/backtest.sql):
--              adoption_rate, DAU/MAU and usage trend of every account as of
--              each of 52 week ends, from one stored summary per account
--              (usage_report as the recipe reads them, and the three
--              accessors one by one), against the same figures in plain SQL
--              on the raw events
--
-- Needs the events and accounts of data/generate.sql.  Every formulation
-- is checked equal to the reference first, then the queries alternate.
\ir session.sql
\if :{?rows}
\else
\set rows 1000000
\endif
\ir compare.sql

DROP TABLE IF EXISTS bench_fit_rows;
CREATE TABLE bench_fit_rows AS
SELECT i, signals, score,
       -- the good outcome, more likely the higher the adoption and the NPS
       (hashint4(i + 99) & 65535) / 65536.0
           < 1 / (1 + exp(-(-1 + 2.5 * adoption_rate + 0.02 * coalesce(nps, 20) - 0.2 * open_sev1))) AS y
FROM (
    SELECT i, a.*, jsonb_strip_nulls(jsonb_build_object('adoption_rate', a.adoption_rate, 'dau_mau', a.dau_mau,
                                                        'nps', a.nps, 'open_sev1', a.open_sev1)) AS signals,
           NULL::float8 AS score
    FROM generate_series(1, :rows) i,
    LATERAL (SELECT round(((hashint4(i) & 1023) / 1023.0)::numeric, 3)::float8 AS adoption_rate,
                    round(((hashint4(i + 7) & 1023) / 3000.0)::numeric, 3)::float8 AS dau_mau,
                    CASE WHEN hashint4(i + 13) & 7 = 0 THEN NULL
                         ELSE ((hashint4(i + 13) >> 4) & 127) - 27 END::float8 AS nps,
                    ((hashint4(i + 21) >> 8) & 7)::float8 AS open_sev1) a) s;
\set model '{"components": {"adoption_rate": {"weight": 3, "red": 0.2, "green": 0.6}, "dau_mau": {"weight": 2, "red": 0.05, "green": 0.25}, "nps": {"weight": 1, "red": 0, "green": 50}, "open_sev1": {"weight": 2, "red": 3, "green": 0}}, "grades": {"red": 40, "green": 70}}'
-- the scores: the model's health scores (many distinct values)
UPDATE bench_fit_rows SET score = health_score(signals, :'model');
VACUUM ANALYZE bench_fit_rows;
-- the AUC reads a table of just (score, outcome)
DROP TABLE IF EXISTS bench_auc;
CREATE TABLE bench_auc AS SELECT score, y FROM bench_fit_rows;
-- and the same scores made distinct by a small jitter (health scores of
-- unrounded signals are mostly distinct)
DROP TABLE IF EXISTS bench_auc_fine;
CREATE TABLE bench_auc_fine AS SELECT score + (hashint4(i + 5) & 65535) / 1e7 AS score, y FROM bench_fit_rows;
VACUUM ANALYZE bench_auc_fine;
VACUUM ANALYZE bench_auc;
SELECT count(DISTINCT score) AS distinct_scores FROM bench_auc \gset

-- the backtest's weeks and its stored summaries
CREATE TEMP TABLE bench_weeks AS
SELECT (date '2025-04-06' + 7 * i) AS week_end FROM generate_series(0, 51) i;
DROP TABLE IF EXISTS bench_account_summary;
CREATE TABLE bench_account_summary AS
SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act FROM events GROUP BY account_id;
VACUUM ANALYZE bench_account_summary;

INSERT INTO bq VALUES
-- AUC: the scores counted per distinct value, each positive beating the
-- negatives of the lower values and tying those of its own
('score_auc', 'sql_window', 'plain SQL', $q$
WITH c AS (SELECT score, count(*) FILTER (WHERE y) AS p, count(*) FILTER (WHERE NOT y) AS n
           FROM bench_auc GROUP BY score),
r AS (SELECT p, n, coalesce(sum(n) OVER (ORDER BY score ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS below
      FROM c)
SELECT round(((sum(p * below) + sum(p * n) / 2.0) / (sum(p) * sum(n)))::numeric, 12) AS auc FROM r$q$, 1),
('score_auc', 'sql_ranks', 'plain SQL (ranks)', $q$
WITH r AS (SELECT y, rank() OVER (ORDER BY score) AS lo, count(*) OVER (PARTITION BY score) AS c FROM bench_auc)
SELECT round(((sum(CASE WHEN y THEN lo + (c - 1) / 2.0 END) - count(*) FILTER (WHERE y) * (count(*) FILTER (WHERE y) + 1) / 2.0)
              / (count(*) FILTER (WHERE y) * count(*) FILTER (WHERE NOT y)))::numeric, 12) AS auc FROM r$q$, 2),
('score_auc', 'extension', 'extension', $q$
SELECT round(score_auc(score, y)::numeric, 12) AS auc FROM bench_auc$q$, 3),
('score_auc, distinct scores', 'sql_window', 'plain SQL', $q$
WITH c AS (SELECT score, count(*) FILTER (WHERE y) AS p, count(*) FILTER (WHERE NOT y) AS n
           FROM bench_auc_fine GROUP BY score),
r AS (SELECT p, n, coalesce(sum(n) OVER (ORDER BY score ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS below
      FROM c)
SELECT round(((sum(p * below) + sum(p * n) / 2.0) / (sum(p) * sum(n)))::numeric, 12) AS auc FROM r$q$, 1),
('score_auc, distinct scores', 'sql_ranks', 'plain SQL (ranks)', $q$
WITH r AS (SELECT y, rank() OVER (ORDER BY score) AS lo, count(*) OVER (PARTITION BY score) AS c FROM bench_auc_fine)
SELECT round(((sum(CASE WHEN y THEN lo + (c - 1) / 2.0 END) - count(*) FILTER (WHERE y) * (count(*) FILTER (WHERE y) + 1) / 2.0)
              / (count(*) FILTER (WHERE y) * count(*) FILTER (WHERE NOT y)))::numeric, 12) AS auc FROM r$q$, 2),
('score_auc, distinct scores', 'extension', 'extension', $q$
SELECT round(score_auc(score, y)::numeric, 12) AS auc FROM bench_auc_fine$q$, 3),
-- fitting against scoring
('health_fit vs health_score', 'score', 'health_score', format($q$
SELECT round(sum(health_score(signals, %L))::numeric, 0) AS x FROM bench_fit_rows$q$, :'model'), 1),
('health_fit vs health_score', 'fit', 'health_fit', format($q$
SELECT health_fit(signals, y, %L) AS x FROM bench_fit_rows$q$, :'model'), 2),
-- backtest signals
('backtest signals, 52 weeks', 'sql', 'plain SQL on raw events', $q$
WITH ud AS (SELECT DISTINCT account_id, user_id, occurred_at::date AS d FROM events),
x AS (SELECT ud.account_id, w.week_end,
             count(DISTINCT ud.user_id) FILTER (WHERE ud.d > w.week_end - 30) AS mau,
             count(*) FILTER (WHERE ud.d > w.week_end - 30) AS ud30,
             count(*) FILTER (WHERE ud.d <= w.week_end - 30) AS ud_prev
      FROM ud JOIN bench_weeks w ON ud.d > w.week_end - 60 AND ud.d <= w.week_end
      GROUP BY 1, 2)
SELECT a.account_id, w.week_end,
       round((coalesce(x.mau, 0)::float8 / nullif(a.seats, 0))::numeric, 9) AS adoption_rate,
       round((x.ud30::float8 / 30 / nullif(x.mau, 0))::numeric, 9) AS dau_mau,
       round((coalesce(x.ud30, 0)::float8 / nullif(x.ud_prev, 0) - 1)::numeric, 9) AS trend
FROM accounts a JOIN (SELECT DISTINCT account_id FROM events) e USING (account_id)
CROSS JOIN bench_weeks w
LEFT JOIN x ON x.account_id = a.account_id AND x.week_end = w.week_end$q$, 1),
('backtest signals, 52 weeks', 'report', 'stored summaries, usage_report', $q$
SELECT a.account_id, w.week_end,
       round(r.adoption_rate::numeric, 9) AS adoption_rate,
       round(r.stickiness::numeric, 9) AS dau_mau,
       round(r.usage_trend::numeric, 9) AS trend
FROM accounts a JOIN bench_account_summary s USING (account_id) CROSS JOIN bench_weeks w,
     usage_report(s.act, w.week_end, '{30}', a.seats) r$q$, 2),
('backtest signals, 52 weeks', 'extension', 'stored summaries, three accessors', $q$
SELECT a.account_id, w.week_end,
       round(adoption_rate(s.act, a.seats, as_of => w.week_end)::numeric, 9) AS adoption_rate,
       round(stickiness(s.act, as_of => w.week_end)::numeric, 9) AS dau_mau,
       round(usage_trend(s.act, as_of => w.week_end)::numeric, 9) AS trend
FROM accounts a JOIN bench_account_summary s USING (account_id) CROSS JOIN bench_weeks w$q$, 3),
-- the floors under any aggregate of the scores (not compared: other rows)
('score_auc floors', 'scan', 'floor: count(score), the scan', $q$
SELECT count(score) FROM bench_auc$q$, 1),
('score_auc floors', 'call', 'floor: sum(score), a C transition call per row', $q$
SELECT sum(score) FROM bench_auc$q$, 2);

SELECT pg_temp.check_equal('score_auc');
SELECT pg_temp.check_equal('score_auc, distinct scores');
SELECT pg_temp.check_equal('backtest signals, 52 weeks');
-- the fit is checked by test/assert/health_fit_oracle.sql; here it must run
SELECT (SELECT health_fit(signals, y, :'model') FROM bench_fit_rows) -> 'fit' AS fit \gset
\echo 'fit of' :rows 'rows:' :fit

\o /dev/null
SELECT pg_temp.time_queries(ARRAY['score_auc', 'score_auc floors', 'score_auc, distinct scores', 'health_fit vs health_score', 'backtest signals, 52 weeks'], :reps);
\o

\echo
\echo 'score_auc over' :rows 'scores (auc:' :distinct_scores 'distinct values; auc_fine: nearly all distinct), health_fit over' :rows 'rows; backtest signals of every account at 52 week ends (serial, median of' :reps 'runs)'
SELECT metric, source, round(median::numeric, 3) AS seconds, round((1 / speedup)::numeric, 3) AS vs_reference,
       round(speedup::numeric, 2) AS speedup
FROM bm WHERE metric IN ('score_auc', 'score_auc, distinct scores', 'health_fit vs health_score', 'backtest signals, 52 weeks') ORDER BY metric, ord;
-- the floors, and the best plain SQL of the few-valued scores over each
SELECT f.source AS floor, round(f.median::numeric, 3) AS seconds,
       round((p.median / f.median)::numeric, 2) AS best_plain_sql_over_floor,
       round((e.median / f.median)::numeric, 2) AS score_auc_over_floor
FROM bm f,
     (SELECT min(median) AS median FROM bm WHERE metric = 'score_auc' AND name LIKE 'sql%') p,
     (SELECT median FROM bm WHERE metric = 'score_auc' AND name = 'extension') e
WHERE f.metric = 'score_auc floors' ORDER BY f.ord;
\o /dev/null
SELECT pg_temp.record('score_auc'), pg_temp.record('score_auc, distinct scores'), pg_temp.record('backtest signals, 52 weeks'),
       pg_temp.figure('score_auc floor: the scan of the scores, s',
                      (SELECT round(median::numeric, 3)::text FROM bm WHERE metric = 'score_auc floors' AND name = 'scan')),
       pg_temp.figure('score_auc floor: a C transition call per score, s',
                      (SELECT round(median::numeric, 3)::text FROM bm WHERE metric = 'score_auc floors' AND name = 'call')),
       pg_temp.figure(format('health_fit / health_score time, %s rows of 4 components', :rows),
                      (SELECT round((1 / speedup)::numeric, 2)::text FROM bm
                        WHERE metric = 'health_fit vs health_score' AND name = 'fit'));
\o
DROP TABLE bench_fit_rows;
DROP TABLE bench_auc;
DROP TABLE bench_auc_fine;
DROP TABLE bench_account_summary;
