-- test/assert/staged_hash.sql: hash aggregation of activity_agg with integer
-- user ids holds its rows back in a stage and adds them to their groups'
-- builders in batches (src/activity/stage.c).  Every summary it gives must
-- be byte for byte the one sorted aggregation gives (rows added at once):
-- int4 and int8 ids, with and without a feature, dates and timestamps,
-- thousands of groups, a few groups with more rows than the stage holds
-- (flushed many times before the end), hash aggregation
-- spilling to disk, hashed grouping sets, two activity_agg in one query,
-- parallel partial hash aggregation, an accessor reading the state
-- directly, a group's rows flushed with another's pending (LIMIT), and a
-- stage per subquery; and the same for the stored values rollup stages
-- (below).  The plans are checked to be the ones meant.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;

-- the plan of q uses node (e.g. 'HashAggregate'), or an error
CREATE FUNCTION pg_temp.uses(q text, node text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE p text;
BEGIN
    FOR p IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
        IF p LIKE '%' || node || '%' THEN RETURN; END IF;
    END LOOP;
    RAISE EXCEPTION 'the plan of % does not use %', q, node;
END $$;

-- rows in several groupings: per account, per (account, day), per user % 997
-- (a table, not a temporary one, so that parallel plans can scan it)
CREATE TABLE ev AS
SELECT account_id, user_id, user_id::int AS uid4, feature, occurred_at,
       occurred_at::date AS day, user_id % 997 AS g
FROM events;

-- q: a query whose rows are (key text, value text); its rows under sorted
-- and under hash aggregation must agree, and there be some
CREATE FUNCTION pg_temp.same_both_ways(name text, q text, work_mem text DEFAULT '64MB') RETURNS void
LANGUAGE plpgsql AS $$
DECLARE n bigint; d bigint;
BEGIN
    SET LOCAL enable_hashagg = off;
    SET LOCAL enable_sort = on;
    EXECUTE 'CREATE TEMP TABLE want AS ' || q;
    PERFORM pg_temp.uses(q, 'GroupAggregate');
    SET LOCAL enable_hashagg = on;
    SET LOCAL enable_sort = off;
    PERFORM set_config('work_mem', work_mem, true);
    PERFORM pg_temp.uses(q, 'HashAggregate');
    EXECUTE 'CREATE TEMP TABLE got AS ' || q;
    RESET work_mem;
    SELECT count(*) INTO n FROM want;
    SELECT count(*) INTO d FROM ((TABLE want EXCEPT ALL TABLE got) UNION ALL (TABLE got EXCEPT ALL TABLE want)) x;
    IF n = 0 OR d <> 0 THEN
        RAISE EXCEPTION '%: % of % rows differ between hash and sorted aggregation', name, d, n;
    END IF;
    DROP TABLE want;
    DROP TABLE got;
END $$;

-- q: a query whose rows are (key text, value text); its rows under
-- parallel partial hash aggregation and under serial sorted aggregation
-- must agree, and there be some
CREATE FUNCTION pg_temp.same_parallel(name text, q text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE n bigint; d bigint;
BEGIN
    SET LOCAL enable_sort = off;
    SET LOCAL max_parallel_workers_per_gather = 2;
    SET LOCAL parallel_setup_cost = 0;
    SET LOCAL parallel_tuple_cost = 0;
    SET LOCAL min_parallel_table_scan_size = 0;
    PERFORM pg_temp.uses(q, 'Partial HashAggregate');
    EXECUTE 'CREATE TEMP TABLE par AS ' || q;
    SET LOCAL max_parallel_workers_per_gather = 0;
    SET LOCAL enable_sort = on;
    SET LOCAL enable_hashagg = off;
    EXECUTE 'CREATE TEMP TABLE ser AS ' || q;
    SELECT count(*) INTO n FROM ser;
    SELECT count(*) INTO d FROM ((TABLE par EXCEPT ALL TABLE ser) UNION ALL (TABLE ser EXCEPT ALL TABLE par)) x;
    IF n = 0 OR d <> 0 THEN
        RAISE EXCEPTION '%: % of % rows differ between parallel hash and serial sorted aggregation', name, d, n;
    END IF;
    DROP TABLE par;
    DROP TABLE ser;
END $$;

-- more rows than the stage holds for a few groups: it flushes many times
CREATE TABLE big AS
SELECT i % 10 AS k, (i::bigint * 7919) % 5000 AS u, date '2025-01-01' + (i * 31 % 400) AS d,
       'f' || (i % 13) AS f
FROM generate_series(1, 400000) i;
ANALYZE ev;
ANALYZE big;

\o /dev/null
BEGIN;
SELECT pg_temp.same_both_ways('a stage flushed many times', $q$
    SELECT k::text, activity_agg(u, d, f)::text AS v FROM big GROUP BY k$q$);
SELECT pg_temp.same_both_ways('int8, feature, timestamptz, per account', $q$
    SELECT account_id::text AS k, activity_agg(user_id, occurred_at, feature)::text AS v FROM ev GROUP BY account_id$q$);
SELECT pg_temp.same_both_ways('int4, date, no feature, per account', $q$
    SELECT account_id::text AS k, activity_agg(uid4, day)::text AS v FROM ev GROUP BY account_id$q$);
SELECT pg_temp.same_both_ways('int8, per account and day (thousands of groups)', $q$
    SELECT account_id || ' ' || day AS k, activity_agg(user_id, occurred_at, feature)::text AS v FROM ev GROUP BY account_id, day$q$);
SELECT pg_temp.same_both_ways('int4, feature, date, per user % 997', $q$
    SELECT g::text AS k, activity_agg(uid4, day, feature)::text AS v FROM ev GROUP BY g$q$);
SELECT pg_temp.same_both_ways('spilling to disk', $q$
    SELECT account_id || ' ' || day AS k, activity_agg(user_id, occurred_at, feature)::text AS v FROM ev GROUP BY account_id, day$q$,
    '64kB');
SELECT pg_temp.same_both_ways('two aggregates in one query', $q$
    SELECT account_id::text AS k,
           activity_agg(user_id, occurred_at, feature)::text || ' ' || activity_agg(uid4, day)::text AS v
    FROM ev GROUP BY account_id$q$);
SELECT pg_temp.same_both_ways('accessors over the state', $q$
    SELECT account_id::text AS k,
           concat_ws(' ', user_count(activity_agg(user_id, occurred_at, feature)),
                     active_users(activity_agg(user_id, occurred_at, feature), '2026-06-30', 30),
                     first_day(activity_agg(uid4, day))) AS v
    FROM ev GROUP BY account_id$q$);
SELECT pg_temp.same_both_ways('a stage per subquery', $q$
    SELECT a.k, a.v || ' ' || b.v AS v
    FROM (SELECT account_id::text AS k, activity_agg(user_id, occurred_at, feature)::text AS v FROM ev GROUP BY account_id) a
    JOIN (SELECT (account_id % 50)::text AS k, activity_agg(uid4, day, feature)::text AS v FROM ev GROUP BY account_id % 50) b
      USING (k)$q$);
COMMIT;
\o

-- hashed grouping sets against one GROUP BY per set
DO $$
DECLARE d bigint;
BEGIN
    SET LOCAL enable_sort = off;
    PERFORM pg_temp.uses('SELECT account_id, feature, activity_agg(user_id, occurred_at) FROM ev GROUP BY GROUPING SETS ((account_id), (feature))',
                         'HashAggregate');
    SELECT count(*) INTO d FROM (
        (SELECT account_id, feature, activity_agg(user_id, occurred_at)::text AS v
           FROM ev GROUP BY GROUPING SETS ((account_id), (feature))
         EXCEPT ALL
         (SELECT account_id, NULL, activity_agg(user_id, occurred_at)::text FROM ev GROUP BY account_id
          UNION ALL
          SELECT NULL, feature, activity_agg(user_id, occurred_at)::text FROM ev GROUP BY feature))) x;
    IF d <> 0 THEN
        RAISE EXCEPTION 'hashed grouping sets: % rows differ from one GROUP BY per set', d;
    END IF;
END $$;

-- parallel partial hash aggregation against the serial sorted one
SELECT pg_temp.same_parallel('parallel activity_agg', $q$
    SELECT account_id::text AS k, activity_agg(user_id, occurred_at, feature)::text AS v FROM ev GROUP BY account_id$q$);

-- LIMIT: the first groups read flush the stage holding every group's rows
DO $$
DECLARE d bigint;
BEGIN
    SET LOCAL enable_sort = off;
    SELECT count(*) INTO d
    FROM (SELECT account_id, activity_agg(user_id, occurred_at, feature)::text AS v FROM ev GROUP BY account_id LIMIT 5) h
    JOIN (SELECT account_id, activity_agg(user_id, occurred_at, feature)::text AS v
            FROM (SELECT * FROM ev ORDER BY account_id) e GROUP BY account_id) s USING (account_id)
    WHERE h.v IS DISTINCT FROM s.v;
    IF d <> 0 THEN
        RAISE EXCEPTION 'LIMIT over hash aggregation: % groups differ', d;
    END IF;
END $$;

-- rollup over hashed groups stages small stored values too, and hands them
-- to their builders in batches.  The per-day summaries of every id type
-- (text and uuid ids too: stored values are staged whatever their ids),
-- rolled up per account and coarser, hash against sorted aggregation;
-- groups mixing values larger than the stage takes (added at once) with
-- small ones, empty values, values far more than a flush holds, a stage
-- holding rows and values at once, spilling, parallel partial aggregation,
-- LIMIT, and a mismatch of id types.
CREATE TABLE daily AS
SELECT account_id, day, g,
       activity_agg(user_id, occurred_at, feature) AS a8,
       activity_agg(uid4, day) AS a4,
       activity_agg('u' || user_id, day, feature) AS at,
       activity_agg(md5(user_id::text)::uuid, occurred_at, feature) AS au
FROM ev GROUP BY account_id, day, g;
-- a large value per account among its per-day ones (3,000 users of ten
-- days each, whatever the events: above the 8 kB the stage takes), and
-- empty values of each id type
INSERT INTO daily (account_id, day, g, a8, a4, at, au)
SELECT a.account_id, NULL, -1, w.a8, w.a4, w.at, w.au
FROM (SELECT DISTINCT account_id FROM ev) a,
     (SELECT activity_agg(u::bigint, date '2025-01-01' + d, 'f' || u % 5) AS a8,
             activity_agg(u, date '2025-01-01' + d) AS a4,
             activity_agg('u' || u, date '2025-01-01' + d, 'f' || u % 5) AS at,
             activity_agg(md5(u::text)::uuid, date '2025-01-01' + d, 'f' || u % 5) AS au
      FROM generate_series(1, 3000) u, generate_series(0, 9) d) w;
INSERT INTO daily (account_id, day, g, a8, a4, at, au)
SELECT account_id, NULL, -2, '1:AQIAAAAA', '1:AQEAAAAA', '1:AQMAAAAA', '1:AQQAAAAA'
FROM (SELECT DISTINCT account_id FROM ev) x;
ANALYZE daily;
-- the per-(k, day, feature) summaries of big: a few groups, each far more values
-- than a flush of the stage holds
CREATE TABLE big_daily AS SELECT k, d, f, activity_agg(u, d, f) AS a FROM big GROUP BY k, d, f;
ANALYZE big_daily;

DO $$
BEGIN
    IF (SELECT max(octet_length(activity_send(a8))) FROM daily) <= 8192 THEN
        RAISE EXCEPTION 'no stored value above the 8 kB the stage takes';
    END IF;
    IF (SELECT count(*) FROM daily WHERE g >= 0) < 10 * (SELECT count(DISTINCT account_id) FROM ev) THEN
        RAISE EXCEPTION 'too few per-day summaries';
    END IF;
END $$;

\o /dev/null
BEGIN;
SELECT pg_temp.same_both_ways('rollup, every id type, per account', $q$
    SELECT account_id::text AS k,
           concat_ws(' ', rollup(a8), rollup(a4), rollup(at), rollup(au)) AS v
    FROM daily GROUP BY account_id$q$);
SELECT pg_temp.same_both_ways('rollup of the per-day summaries only, per user % 997', $q$
    SELECT g::text AS k, rollup(a8)::text || ' ' || rollup(au)::text AS v FROM daily WHERE g >= 0 GROUP BY g$q$);
SELECT pg_temp.same_both_ways('rollup, a few groups of many values', $q$
    SELECT k::text, rollup(a)::text AS v FROM big_daily GROUP BY k$q$);
SELECT pg_temp.same_both_ways('rollup of empty values only', $q$
    SELECT account_id::text AS k, concat_ws(' ', rollup(a8), rollup(at)) AS v
    FROM daily WHERE g = -2 GROUP BY account_id$q$);
SELECT pg_temp.same_both_ways('rollup, spilling to disk', $q$
    SELECT (account_id * 1000 + g)::text AS k, rollup(a8)::text || ' ' || rollup(at)::text AS v
    FROM daily GROUP BY account_id * 1000 + g$q$, '64kB');
SELECT pg_temp.same_both_ways('rollup and activity_agg sharing a stage', $q$
    SELECT d.account_id::text AS k, d.v || ' ' || e.v AS v
    FROM (SELECT account_id, rollup(a8)::text AS v FROM daily GROUP BY account_id) d
    JOIN (SELECT account_id, activity_agg(user_id, occurred_at, feature)::text AS v FROM ev GROUP BY account_id) e
      USING (account_id)$q$);
SELECT pg_temp.same_both_ways('rollup and activity_agg in one aggregation', $q$
    SELECT k::text, activity_agg(u, t, f)::text || ' ' || rollup(a)::text AS v
    FROM (SELECT account_id AS k, user_id AS u, occurred_at AS t, feature AS f, NULL::activity AS a FROM ev
          UNION ALL
          SELECT account_id, NULL, NULL, NULL, a8 FROM daily WHERE g >= 0) x
    GROUP BY k$q$);
COMMIT;
\o

-- the rollup equals the summary of the rows (not only the sorted rollup)
DO $$
DECLARE d bigint;
BEGIN
    SET LOCAL enable_sort = off;
    SELECT count(*) INTO d
    FROM (SELECT account_id, rollup(a8)::text AS v FROM daily WHERE g >= 0 GROUP BY account_id) r
    FULL JOIN (SELECT account_id, activity_agg(user_id, occurred_at, feature)::text AS v FROM ev GROUP BY account_id) e
      USING (account_id)
    WHERE r.v IS DISTINCT FROM e.v;
    IF d <> 0 THEN
        RAISE EXCEPTION 'hashed rollup: % accounts differ from the summary of their events', d;
    END IF;
END $$;

-- parallel partial hash rollup against the serial sorted one
SELECT pg_temp.same_parallel('parallel rollup', $q$
    SELECT account_id::text AS k, rollup(a8)::text || ' ' || rollup(at)::text AS v FROM daily GROUP BY account_id$q$);

-- LIMIT: the first group read flushes the stage holding every group's values
DO $$
DECLARE d bigint;
BEGIN
    SET LOCAL enable_sort = off;
    SELECT count(*) INTO d
    FROM (SELECT account_id, rollup(a8)::text AS v FROM daily GROUP BY account_id LIMIT 5) h
    JOIN (SELECT account_id, rollup(a8)::text AS v
            FROM (SELECT * FROM daily ORDER BY account_id) x GROUP BY account_id) s USING (account_id)
    WHERE h.v IS DISTINCT FROM s.v;
    IF d <> 0 THEN
        RAISE EXCEPTION 'LIMIT over hashed rollup: % groups differ', d;
    END IF;
END $$;

-- values of different id types in one hashed group: the error of any merge
DO $$
BEGIN
    SET LOCAL enable_sort = off;
    BEGIN
        PERFORM account_id, rollup(x)::text
        FROM (SELECT account_id, a8 AS x FROM daily UNION ALL SELECT account_id, a4 FROM daily WHERE g >= 0) u
        GROUP BY account_id;
        RAISE EXCEPTION 'a hashed rollup merged integer and bigint ids';
    EXCEPTION WHEN datatype_mismatch THEN
        IF SQLERRM NOT LIKE 'cannot merge activity summaries with different user-id types%' THEN
            RAISE;
        END IF;
    END;
END $$;
