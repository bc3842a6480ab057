-- bench/scale.sql: one run of the queries whose time per event bench/run
-- --scale compares across scales, on the events table of this database:
-- the scan, the GROUP BY count floor, the same floor reading the three
-- columns the build reads (user_id, occurred_at, feature: deformed and
-- tested once per row), the build of per-account summaries and per-feature
-- retention from raw events.  Prints one line per query,
-- "events|ord|query|seconds"; bench/scale_report.sql gathers the lines of
-- every scale and repetition.
\ir session.sql
\pset format unaligned
\pset tuples_only on

CREATE TEMP TABLE scale_q (ord int, query text, sql text);
INSERT INTO scale_q VALUES
(1, 'count(*)', $q$SELECT count(*) FROM events$q$),
(2, 'GROUP BY account_id count (floor)', $q$SELECT sum(n) FROM (SELECT account_id, count(*) AS n FROM events GROUP BY 1) s$q$),
(3, 'GROUP BY account_id, the three columns read (floor)', $q$SELECT sum(n) FROM (SELECT account_id, count(*) FILTER (WHERE user_id IS NOT NULL AND occurred_at IS NOT NULL AND feature IS NOT NULL) AS n FROM events GROUP BY 1) s$q$),
(4, 'build per-account summaries', $q$SELECT sum(pg_column_size(act)) FROM (SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act FROM events GROUP BY 1) s$q$),
(5, 'per-feature retention from raw events', $q$SELECT sum(f.retained_users) FROM (SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act FROM events GROUP BY 1) s,
     feature_retention(s.act, as_of => '2026-06-30') f$q$);

SELECT (SELECT count(*) FROM events) || '|' || ord || '|' || query || '|' || pg_temp.secs(sql)
FROM scale_q ORDER BY ord;
