-- bench/report_queries.sql: the queries of the per-account report (see
-- bench/report.sql) put into bq (bench/compare.sql): plain SQL two ways,
-- and the extension from raw events (raw), from bench_daily rolled up per
-- account (daily) and from bench_summaries (stored).  Included by
-- bench/report.sql and bench/parallel.sql.
DELETE FROM bq WHERE metric = 'per-account report';
INSERT INTO bq VALUES
('per-account report', 'sql', 'plain SQL', $q$
WITH f AS (   -- per (account, user, feature): bit k of lo set if used on as_of - k (k < 60),
              -- bit k of hi if on as_of - 60 - k (k < 30)
    SELECT account_id, user_id, feature,
           min(occurred_at) AS first_at, max(occurred_at) AS last_at,
           bit_or(1::int8 << (date '2026-06-30' - occurred_at::date))
               FILTER (WHERE occurred_at >= timestamptz '2026-05-02' AND occurred_at < timestamptz '2026-07-01') AS lo,
           bit_or(1::int8 << (date '2026-06-30' - 60 - occurred_at::date))
               FILTER (WHERE occurred_at >= timestamptz '2026-04-02' AND occurred_at < timestamptz '2026-05-02') AS hi
    FROM events
    GROUP BY 1, 2, 3),
u AS (        -- per user: days active as bits; (user, feature) pairs in each window
    SELECT account_id, user_id, min(first_at) AS first_at, max(last_at) AS last_at,
           coalesce(bit_or(lo), 0) AS lo, coalesce(bit_or(hi), 0) AS hi,
           count(*) FILTER (WHERE feature IS NOT NULL AND lo & 127 <> 0) AS p7,
           count(*) FILTER (WHERE feature IS NOT NULL AND lo & 1073741823 <> 0) AS p30,
           count(*) FILTER (WHERE feature IS NOT NULL AND (lo <> 0 OR hi <> 0)) AS p90
    FROM f
    GROUP BY 1, 2),
x AS (        -- active days of each user in the last 7, 30, 90 days and in the 30 before the last 30
    SELECT account_id, first_at, last_at, p7, p30, p90,
           bit_count((lo & 127)::bit(64)) AS x7,
           bit_count((lo & 1073741823)::bit(64)) AS x30,
           bit_count(lo::bit(64)) + bit_count(hi::bit(64)) AS x90,
           bit_count((lo >> 30)::bit(64)) AS b30
    FROM u),
a AS (
    SELECT account_id, count(*) FILTER (WHERE first_at < timestamptz '2026-07-01') AS user_count,
           min(first_at)::date AS first_day, max(last_at)::date AS last_day,
           count(*) FILTER (WHERE x7 > 0) AS n7, sum(x7) AS s7, max(x7) AS m7, sum(x7 * x7) AS q7, sum(p7) AS p7,
           count(*) FILTER (WHERE x30 > 0) AS n30, sum(x30) AS s30, max(x30) AS m30, sum(x30 * x30) AS q30, sum(p30) AS p30,
           count(*) FILTER (WHERE x90 > 0) AS n90, sum(x90) AS s90, max(x90) AS m90, sum(x90 * x90) AS q90, sum(p90) AS p90,
           sum(b30) AS b30
    FROM x
    GROUP BY 1)
SELECT a.account_id, a.user_count, a.first_day, a.last_day,
       a.n7, round((s7::float8 / 7 / nullif(n7, 0))::numeric, 9),
       round((n7::float8 / nullif(c.seats, 0))::numeric, 9),
       round((p7::float8 / nullif(n7, 0))::numeric, 9),
       round((m7::float8 / nullif(s7, 0))::numeric, 9),
       round((s7::float8 * s7::float8 / nullif(q7, 0))::numeric, 9),
       a.n30, round((s30::float8 / 30 / nullif(n30, 0))::numeric, 9),
       round((n30::float8 / nullif(c.seats, 0))::numeric, 9),
       round((p30::float8 / nullif(n30, 0))::numeric, 9),
       round((m30::float8 / nullif(s30, 0))::numeric, 9),
       round((s30::float8 * s30::float8 / nullif(q30, 0))::numeric, 9),
       a.n90, round((s90::float8 / 90 / nullif(n90, 0))::numeric, 9),
       round((n90::float8 / nullif(c.seats, 0))::numeric, 9),
       round((p90::float8 / nullif(n90, 0))::numeric, 9),
       round((m90::float8 / nullif(s90, 0))::numeric, 9),
       round((s90::float8 * s90::float8 / nullif(q90, 0))::numeric, 9),
       round((s30::float8 / nullif(b30, 0) - 1)::numeric, 9)
FROM a JOIN accounts c USING (account_id)$q$, 1),
('per-account report', 'sql_days', 'plain SQL, distinct user-days', $q$
WITH d AS (   -- distinct active days of each user
    SELECT account_id, user_id, occurred_at::date AS day FROM events GROUP BY 1, 2, 3),
x AS (
    SELECT account_id, user_id, min(day) AS first_day, max(day) AS last_day,
           bool_or(day <= date '2026-06-30') AS seen,
           count(*) FILTER (WHERE day > date '2026-06-30' - 7 AND day <= date '2026-06-30') AS x7,
           count(*) FILTER (WHERE day > date '2026-06-30' - 30 AND day <= date '2026-06-30') AS x30,
           count(*) FILTER (WHERE day > date '2026-06-30' - 90 AND day <= date '2026-06-30') AS x90,
           count(*) FILTER (WHERE day > date '2026-06-30' - 60 AND day <= date '2026-06-30' - 30) AS b30
    FROM d GROUP BY 1, 2),
p AS (        -- (user, feature) pairs of each window: the pair's last day in the last 90 days
    SELECT account_id,
           count(*) FILTER (WHERE last > date '2026-06-30' - 7) AS p7,
           count(*) FILTER (WHERE last > date '2026-06-30' - 30) AS p30,
           count(*) AS p90
    FROM (SELECT account_id, user_id, feature, max(occurred_at)::date AS last
            FROM events
           WHERE feature IS NOT NULL
             AND occurred_at >= timestamptz '2026-04-02' AND occurred_at < timestamptz '2026-07-01'
           GROUP BY 1, 2, 3) pf
    GROUP BY 1),
a AS (
    SELECT account_id, count(*) FILTER (WHERE seen) AS user_count,
           min(first_day) AS first_day, max(last_day) AS last_day,
           count(*) FILTER (WHERE x7 > 0) AS n7, sum(x7) AS s7, max(x7) AS m7, sum(x7 * x7) AS q7,
           count(*) FILTER (WHERE x30 > 0) AS n30, sum(x30) AS s30, max(x30) AS m30, sum(x30 * x30) AS q30,
           count(*) FILTER (WHERE x90 > 0) AS n90, sum(x90) AS s90, max(x90) AS m90, sum(x90 * x90) AS q90,
           sum(b30) AS b30
    FROM x GROUP BY 1)
SELECT a.account_id, a.user_count, a.first_day, a.last_day,
       a.n7, round((s7::float8 / 7 / nullif(n7, 0))::numeric, 9),
       round((n7::float8 / nullif(c.seats, 0))::numeric, 9),
       round((coalesce(p.p7, 0)::float8 / nullif(n7, 0))::numeric, 9),
       round((m7::float8 / nullif(s7, 0))::numeric, 9),
       round((s7::float8 * s7::float8 / nullif(q7, 0))::numeric, 9),
       a.n30, round((s30::float8 / 30 / nullif(n30, 0))::numeric, 9),
       round((n30::float8 / nullif(c.seats, 0))::numeric, 9),
       round((coalesce(p.p30, 0)::float8 / nullif(n30, 0))::numeric, 9),
       round((m30::float8 / nullif(s30, 0))::numeric, 9),
       round((s30::float8 * s30::float8 / nullif(q30, 0))::numeric, 9),
       a.n90, round((s90::float8 / 90 / nullif(n90, 0))::numeric, 9),
       round((n90::float8 / nullif(c.seats, 0))::numeric, 9),
       round((coalesce(p.p90, 0)::float8 / nullif(n90, 0))::numeric, 9),
       round((m90::float8 / nullif(s90, 0))::numeric, 9),
       round((s90::float8 * s90::float8 / nullif(q90, 0))::numeric, 9),
       round((s30::float8 / nullif(b30, 0) - 1)::numeric, 9)
FROM a JOIN accounts c USING (account_id) LEFT JOIN p USING (account_id)$q$, 2);

-- the extension: the same columns from any table or subquery s(account_id, act)
INSERT INTO bq
SELECT 'per-account report', v.name, v.source, format($q$
SELECT s.account_id, user_count(s.act, as_of => '2026-06-30'), first_day(s.act), last_day(s.act),
       active_users(s.act, '2026-06-30', 7), round(stickiness(s.act, '2026-06-30', 7)::numeric, 9),
       round(adoption_rate(s.act, c.seats, '2026-06-30', 7)::numeric, 9), round(depth(s.act, '2026-06-30', 7)::numeric, 9),
       round(champion_share(s.act, '2026-06-30', 7)::numeric, 9), round(effective_users(s.act, '2026-06-30', 7)::numeric, 9),
       active_users(s.act, '2026-06-30', 30), round(stickiness(s.act, '2026-06-30', 30)::numeric, 9),
       round(adoption_rate(s.act, c.seats, '2026-06-30', 30)::numeric, 9), round(depth(s.act, '2026-06-30', 30)::numeric, 9),
       round(champion_share(s.act, '2026-06-30', 30)::numeric, 9), round(effective_users(s.act, '2026-06-30', 30)::numeric, 9),
       active_users(s.act, '2026-06-30', 90), round(stickiness(s.act, '2026-06-30', 90)::numeric, 9),
       round(adoption_rate(s.act, c.seats, '2026-06-30', 90)::numeric, 9), round(depth(s.act, '2026-06-30', 90)::numeric, 9),
       round(champion_share(s.act, '2026-06-30', 90)::numeric, 9), round(effective_users(s.act, '2026-06-30', 90)::numeric, 9),
       round(usage_trend(s.act, '2026-06-30', 30)::numeric, 9)
FROM %s s JOIN accounts c USING (account_id)$q$, v.src), v.ord
FROM (VALUES
    ('raw', 'extension, raw events',
     '(SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act FROM events GROUP BY 1)', 3),
    ('daily', 'extension, daily rollup',
     '(SELECT account_id, rollup(act) AS act FROM bench_daily GROUP BY 1)', 4),
    ('stored', 'extension, stored summaries', 'bench_summaries', 5)) v(name, source, src, ord);


-- floors of the stored report: one reading of every stored summary (one
-- accessor that detoasts it and decodes every pair once); the report as
-- doc/dashboards.sql's account_report gives it (usage_report's rows, one
-- per account and window, with the account's segment and seats, ordered),
-- and PostgreSQL's share of the stored_usage_report
-- query (below): the same SQL (the join, one row of usage_report's three
-- made per account by the FILTER aggregates, the rounding) over every
-- result of the extension computed before, bench_report_parts (made in
-- report.sql), each account's usage_report rows an array unnested where the
-- call was
DELETE FROM bq WHERE metric LIKE 'report floor:%' OR metric = 'stored usage_report';
INSERT INTO bq VALUES
('report floor: one reading of each stored summary', 'read_once', 'floor', $q$
SELECT account_id, depth(act, '2026-06-30', 90) FROM bench_summaries$q$, 1),
('stored usage_report', 'account_report', 'doc/dashboards.sql''s account_report', $q$
SELECT h.account_id::bigint AS account_id, a.segment::text AS segment, a.seats::bigint AS seats,
       r.days, r.active_users, r.stickiness AS dau_mau, r.adoption_rate, r.depth, r.champion_share,
       r.effective_users, r.usage_trend
FROM bench_summaries h JOIN accounts a USING (account_id)
CROSS JOIN LATERAL usage_report(h.act, '2026-06-30', '{7,30,90}', a.seats) r
ORDER BY h.account_id, r.days$q$, 1);

-- the same report from the stored per-account (all-history) summaries
-- through usage_report: one call per account for the three windows; and
-- the floor of its SQL, the same query over the results computed before
INSERT INTO bq
SELECT q.metric, q.name, q.source, format(t.sql, q.cols, q.tab, q.reports), q.ord
FROM (VALUES ($q$
SELECT s.account_id, %1$s,
       r.a7, round(r.st7::numeric, 9), round(r.ad7::numeric, 9), round(r.de7::numeric, 9),
       round(r.ch7::numeric, 9), round(r.ef7::numeric, 9), r.a30, round(r.st30::numeric, 9),
       round(r.ad30::numeric, 9), round(r.de30::numeric, 9), round(r.ch30::numeric, 9),
       round(r.ef30::numeric, 9), r.a90, round(r.st90::numeric, 9), round(r.ad90::numeric, 9),
       round(r.de90::numeric, 9), round(r.ch90::numeric, 9), round(r.ef90::numeric, 9),
       round(r.t30::numeric, 9)
FROM %2$s s JOIN accounts c USING (account_id)
CROSS JOIN LATERAL (
    SELECT max(active_users) FILTER (WHERE days = 7) AS a7, max(stickiness) FILTER (WHERE days = 7) AS st7,
           max(adoption_rate) FILTER (WHERE days = 7) AS ad7, max(depth) FILTER (WHERE days = 7) AS de7,
           max(champion_share) FILTER (WHERE days = 7) AS ch7,
           max(effective_users) FILTER (WHERE days = 7) AS ef7,
           max(active_users) FILTER (WHERE days = 30) AS a30,
           max(stickiness) FILTER (WHERE days = 30) AS st30,
           max(adoption_rate) FILTER (WHERE days = 30) AS ad30, max(depth) FILTER (WHERE days = 30) AS de30,
           max(champion_share) FILTER (WHERE days = 30) AS ch30,
           max(effective_users) FILTER (WHERE days = 30) AS ef30,
           max(active_users) FILTER (WHERE days = 90) AS a90,
           max(stickiness) FILTER (WHERE days = 90) AS st90,
           max(adoption_rate) FILTER (WHERE days = 90) AS ad90, max(depth) FILTER (WHERE days = 90) AS de90,
           max(champion_share) FILTER (WHERE days = 90) AS ch90,
           max(effective_users) FILTER (WHERE days = 90) AS ef90,
           max(usage_trend) FILTER (WHERE days = 30) AS t30
    FROM %3$s) r$q$)) t(sql),
     (VALUES ('per-account report', 'stored_usage_report', 'extension, stored summaries, usage_report',
              $c$user_count(s.act, as_of => '2026-06-30'), first_day(s.act), last_day(s.act)$c$,
              'bench_summaries', $c$usage_report(s.act, '2026-06-30', '{7,30,90}', c.seats)$c$, 6),
             ('report floor: its SQL over the extension''s results computed before', 'shape', 'floor',
              's.user_count, s.first_day, s.last_day', 'bench_report_parts', 'unnest(s.rows)', 1))
     q(metric, name, source, cols, tab, reports, ord);
