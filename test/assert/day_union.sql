-- test/assert/day_union.sql: a user's distinct days over several features
-- (cursor_user_days_in in src/activity/reader.c), which the readers of windows
-- (stickiness, champion_share, effective_users, frequency, usage_trend)
-- ask for from the window's start on.  The union is made through a bitmap
-- of days when they are dense, by merging when they are sparse, and in
-- steps when a user has more than 32 features; a window may cut a pair's
-- days anywhere.  Users below are built to take each path: days on both
-- sides of 64-day word boundaries, one day a decade apart, 40 features with
-- overlapping days, and days only before, only after, or across the window.
-- Every figure is checked against plain SQL over the same triples, for
-- several windows.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE TEMP TABLE t (u int, f text, d date);
-- user 1: dense days in 3 features, overlapping, across word boundaries
INSERT INTO t SELECT 1, 'f' || (g % 3), date '2026-01-01' + g FROM generate_series(0, 200) g WHERE g % 5 <> 1;
INSERT INTO t SELECT 1, 'f' || ((g + 1) % 3), date '2026-01-01' + g FROM generate_series(60, 70) g;
-- user 2: sparse days a decade apart in 2 features (merged, not a bitmap)
INSERT INTO t VALUES (2, 'a', '2016-03-01'), (2, 'b', '2026-03-01'), (2, 'a', '2026-03-02'),
                     (2, 'b', '2006-01-01');
-- user 3: 40 features, each on days of its own stride (union in steps)
INSERT INTO t SELECT 3, 'g' || k, date '2025-12-01' + g
FROM generate_series(1, 40) k, generate_series(0, 150) g WHERE g % (k + 1) = 0;
-- user 4: only before the windows; user 5: only on as_of; user 6: no feature
INSERT INTO t VALUES (4, 'f0', '2025-01-01'), (4, 'f1', '2025-01-02'),
                     (5, 'f0', '2026-04-30'), (5, 'f2', '2026-04-30');
INSERT INTO t SELECT 6, NULL, date '2026-03-01' + g FROM generate_series(0, 40, 3) g;
INSERT INTO t SELECT 6, 'f1', date '2026-03-02' + g FROM generate_series(0, 40, 3) g;

CREATE TEMP TABLE s AS SELECT activity_agg(u, d, f) AS act FROM t;

DO $$
DECLARE
    w record;
    r record;
    n int := 0;
BEGIN
    FOR w IN SELECT a.as_of, k.days
             FROM (VALUES (date '2026-04-30'), (date '2026-03-05'), (date '2026-01-31'), (date '2016-03-01')) a(as_of),
                  (VALUES (1), (7), (30), (64), (65), (90)) k(days)
    LOOP
        -- per user: distinct active days in the window and in the one before
        WITH x AS (SELECT u, count(DISTINCT d) FILTER (WHERE d > w.as_of - w.days AND d <= w.as_of) AS now,
                          count(DISTINCT d) FILTER (WHERE d > w.as_of - 2 * w.days AND d <= w.as_of - w.days) AS before
                   FROM t GROUP BY u),
             e AS (SELECT count(*) FILTER (WHERE now > 0) AS active, sum(now) AS total,
                          sum(now * now) AS sq, max(now) AS top, sum(before) AS before_total
                   FROM x)
        SELECT e.*,
               stickiness(s.act, w.as_of, w.days) AS st,
               champion_share(s.act, w.as_of, w.days) AS cs,
               effective_users(s.act, w.as_of, w.days) AS eu,
               usage_trend(s.act, w.as_of, w.days) AS ut
        INTO r FROM e, s;
        IF r.st IS DISTINCT FROM (CASE WHEN r.active > 0 THEN r.total::float8 / w.days / r.active END)
           OR r.cs IS DISTINCT FROM (CASE WHEN r.total > 0 THEN r.top::float8 / r.total END)
           OR r.eu IS DISTINCT FROM (CASE WHEN r.sq > 0 THEN r.total::float8 * r.total / r.sq END)
           OR r.ut IS DISTINCT FROM (CASE WHEN r.before_total > 0 THEN r.total::float8 / r.before_total - 1 END) THEN
            RAISE EXCEPTION 'day union, as_of % days %: %', w.as_of, w.days, r;
        END IF;
        -- the frequency histogram
        CREATE TEMP TABLE got AS SELECT active_days, users FROM s, frequency(s.act, w.as_of, w.days);
        CREATE TEMP TABLE want AS
        SELECT k AS active_days, count(x.u) AS users FROM generate_series(1, w.days) k
        LEFT JOIN (SELECT u, count(DISTINCT d) AS c FROM t
                   WHERE d > w.as_of - w.days AND d <= w.as_of GROUP BY u) x ON x.c = k
        GROUP BY k;
        IF EXISTS ((TABLE got EXCEPT ALL TABLE want) UNION ALL (TABLE want EXCEPT ALL TABLE got))
           OR NOT EXISTS (TABLE got) THEN
            RAISE EXCEPTION 'day union, frequency as_of % days %', w.as_of, w.days;
        END IF;
        DROP TABLE got, want;
        n := n + 1;
    END LOOP;
    IF n <> 24 THEN
        RAISE EXCEPTION 'day union: % windows checked, expected 24', n;
    END IF;
END $$;
