--
-- aggregate: activity_agg, rollup and activity_union; partial (parallel)
-- aggregation; canonical form; NULL handling; text and binary round trips.
--
-- Expects the tables of data/generate.sql (accounts, users, events) in the
-- current database and the extension installed.  Optional psql variable
-- tmpdir: a directory the server may write COPY files to (default /tmp).
-- Raises an exception on any failure.
\ir lib/common.sql
SET TimeZone = 'America/New_York';
\if :{?tmpdir}
\else
\set tmpdir /tmp
\endif

-- ------------------------------------------------------------------
-- Helpers (pg_temp.plan_of, pg_temp.expect, pg_temp.expect_error and
-- pg_temp.same_rows, which compares two tables of (key, val) here, none
-- empty: lib/common.sql)
-- ------------------------------------------------------------------

-- ------------------------------------------------------------------
-- Data: per-day summaries in a regular (parallel-scannable) table
-- ------------------------------------------------------------------
CREATE TABLE daily AS
SELECT account_id, occurred_at::date AS day,
       activity_agg(user_id, occurred_at, feature) AS act,
       activity_agg(user_id::integer, occurred_at, feature) AS act_int,
       activity_agg('u' || user_id, occurred_at, feature) AS act_text,
       activity_agg(md5(user_id::text)::uuid, occurred_at, feature) AS act_uuid
FROM events
WHERE user_id IS NOT NULL AND occurred_at IS NOT NULL
GROUP BY 1, 2;
ANALYZE events;
ANALYZE daily;

-- ==================================================================
-- (a) Partial aggregation: parallel workers forced vs none
-- ==================================================================
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET min_parallel_index_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers = 8;

CREATE TEMP TABLE queries (name text, q text);
INSERT INTO queries VALUES
  ('activity_agg bigint by account',
   $$SELECT account_id AS key, activity_agg(user_id, occurred_at, feature)::text AS val FROM events GROUP BY account_id$$),
  ('activity_agg bigint whole table',
   $$SELECT 0::bigint AS key, activity_agg(user_id, occurred_at, feature)::text AS val FROM events$$),
  ('activity_agg integer by account',
   $$SELECT account_id AS key, activity_agg(user_id::integer, occurred_at::date, feature)::text AS val FROM events GROUP BY account_id$$),
  ('activity_agg text by account',
   $$SELECT account_id AS key, activity_agg('u' || user_id, occurred_at, feature)::text AS val FROM events GROUP BY account_id$$),
  ('activity_agg uuid whole table',
   $$SELECT 0::bigint AS key, activity_agg(md5(user_id::text)::uuid, occurred_at, feature)::text AS val FROM events$$),
  ('activity_agg without feature by account',
   $$SELECT account_id AS key, activity_agg(user_id, occurred_at)::text AS val FROM events GROUP BY account_id$$),
  ('rollup by account',
   $$SELECT account_id AS key, rollup(act)::text AS val FROM daily GROUP BY account_id$$),
  ('rollup whole table',
   $$SELECT 0::bigint AS key, rollup(act)::text AS val FROM daily$$),
  ('rollup text ids by account',
   $$SELECT account_id AS key, rollup(act_text)::text AS val FROM daily GROUP BY account_id$$),
  ('rollup uuid ids whole table',
   $$SELECT 0::bigint AS key, rollup(act_uuid)::text AS val FROM daily$$);

DO $$
DECLARE
    r     record;
    plan  text;
    i     int := 0;
    n     bigint;
BEGIN
    FOR r IN SELECT * FROM queries ORDER BY name LOOP
        i := i + 1;
        -- serial
        SET LOCAL max_parallel_workers_per_gather = 0;
        plan := pg_temp.plan_of(r.q);
        IF plan ~ 'Partial|Gather' THEN
            RAISE EXCEPTION '%: parallel plan with max_parallel_workers_per_gather = 0:%', r.name, E'\n' || plan;
        END IF;
        EXECUTE format('CREATE TEMP TABLE serial_%s AS %s', i, r.q);

        -- parallel: the plan must aggregate partially in the workers and
        -- finalize in the leader; the table is made by the same run
        SET LOCAL max_parallel_workers_per_gather = 2;
        plan := pg_temp.plan_of(r.q);
        IF plan !~ 'Partial (Hash|Group)?Aggregate' OR plan !~ 'Finalize' THEN
            RAISE EXCEPTION '%: no partial aggregation in the plan:%', r.name, E'\n' || plan;
        END IF;
        plan := pg_temp.plan_of(format('CREATE TABLE parallel_%s AS %s', i, r.q), true);
        IF plan !~ 'Partial (Hash|Group)?Aggregate' OR plan !~ 'Workers Launched: [1-9]' THEN
            RAISE EXCEPTION '%: the run did not use parallel workers:%', r.name, E'\n' || plan;
        END IF;
        n := pg_temp.same_rows(r.name || ': parallel vs serial',
                               format('TABLE parallel_%s', i), format('TABLE serial_%s', i), min_rows => 1);
        EXECUTE format('DROP TABLE parallel_%s', i);
    END LOOP;
    IF i < 10 THEN
        RAISE EXCEPTION 'only % parallel queries ran', i;
    END IF;
END $$;

-- Several workers really did combine: with 2 workers over a table of many
-- pages, both get blocks, so the whole-table value is a combination.  The
-- value equals the serial one (checked above); here check that the table
-- is big enough for both workers to get work.
DO $$
BEGIN
    IF pg_relation_size('events') < 16 * current_setting('block_size')::int THEN
        RAISE EXCEPTION 'events is too small (% bytes) for a parallel scan to split', pg_relation_size('events');
    END IF;
END $$;

RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET min_parallel_index_scan_size;
RESET parallel_leader_participation;
RESET max_parallel_workers;
SET max_parallel_workers_per_gather = 0;

-- ==================================================================
-- (b) rollup, activity_union, NULLs, order, skipped rows, errors
-- ==================================================================

-- rollup of the per-day summaries = one summary over all rows, byte for byte
CREATE TEMP TABLE whole AS
SELECT account_id,
       activity_agg(user_id, occurred_at, feature) AS act,
       activity_agg(user_id::integer, occurred_at, feature) AS act_int,
       activity_agg('u' || user_id, occurred_at, feature) AS act_text,
       activity_agg(md5(user_id::text)::uuid, occurred_at, feature) AS act_uuid
FROM events GROUP BY account_id;

DO $$
DECLARE
    n    bigint;
    nbad bigint;
    ex   text;
BEGIN
    SELECT count(*),
           count(*) FILTER (WHERE w.act::text IS DISTINCT FROM d.act::text
                               OR activity_send(w.act) IS DISTINCT FROM activity_send(d.act)
                               OR w.act_int::text IS DISTINCT FROM d.act_int::text
                               OR activity_send(w.act_int) IS DISTINCT FROM activity_send(d.act_int)
                               OR w.act_text::text IS DISTINCT FROM d.act_text::text
                               OR activity_send(w.act_text) IS DISTINCT FROM activity_send(d.act_text)
                               OR w.act_uuid::text IS DISTINCT FROM d.act_uuid::text
                               OR activity_send(w.act_uuid) IS DISTINCT FROM activity_send(d.act_uuid)),
           min(w.account_id) FILTER (WHERE w.act::text IS DISTINCT FROM d.act::text)
      INTO n, nbad, ex
      FROM whole w
      JOIN (SELECT account_id, rollup(act) AS act, rollup(act_int) AS act_int,
                   rollup(act_text) AS act_text, rollup(act_uuid) AS act_uuid
              FROM daily GROUP BY account_id) d USING (account_id)
     WHERE w.act IS NOT NULL;
    IF n < 3 THEN
        RAISE EXCEPTION 'rollup vs activity_agg: only % accounts compared', n;
    END IF;
    IF nbad > 0 THEN
        RAISE EXCEPTION 'rollup of per-day summaries differs from one summary over all rows for % of % accounts (e.g. account %)', nbad, n, ex;
    END IF;
END $$;

-- hash aggregation that spills to disk (tiny work_mem, many groups) and
-- sorted aggregation give the same per-(account, day) summaries
DO $$
DECLARE
    plan text;
    q    text := 'SELECT account_id * 100000 + (occurred_at::date - date ''2000-01-01'') AS key,
                         activity_agg(user_id, occurred_at, feature)::text AS val
                    FROM events GROUP BY account_id, occurred_at::date';
BEGIN
    SET LOCAL work_mem = '64kB';
    SET LOCAL enable_sort = off;
    SET LOCAL enable_hashagg = on;
    plan := pg_temp.plan_of(format('CREATE TEMP TABLE agg_hashed AS %s', q), true);
    IF plan !~ 'HashAggregate' OR plan !~ 'Disk Usage|Batches: [2-9]' THEN
        RAISE EXCEPTION 'hash aggregation did not spill:%', E'\n' || plan;
    END IF;
    SET LOCAL enable_sort = on;
    SET LOCAL enable_hashagg = off;
    EXECUTE format('CREATE TEMP TABLE agg_sorted AS %s', q);
    PERFORM pg_temp.same_rows('spilled hash aggregation vs sorted aggregation',
                              'TABLE agg_hashed', 'TABLE agg_sorted', min_rows => 1);
END $$;

-- rollup of per-week summaries of per-day summaries: still the same
SELECT pg_temp.expect('rollup of weekly rollups = rollup of days',
    (SELECT string_agg(act::text, ',' ORDER BY account_id) FROM
        (SELECT account_id, rollup(act) AS act FROM
            (SELECT account_id, date_trunc('week', day), rollup(act) AS act
               FROM daily GROUP BY 1, 2) w
          GROUP BY 1) x),
    (SELECT string_agg(act::text, ',' ORDER BY account_id) FROM
        (SELECT account_id, rollup(act) AS act FROM daily GROUP BY 1) y));

-- rollup of k pieces per account, piece j the rollup of the days = j
-- (mod k), sharing users: a few pieces are merged pairwise as sorted runs,
-- more by one radix sort; the same value either way
DO $$
DECLARE
    k    int;
    got  text;
    want text;
BEGIN
    SELECT md5(string_agg(act::text, ',' ORDER BY account_id)) INTO want
      FROM (SELECT account_id, rollup(act) AS act FROM daily GROUP BY 1) y;
    FOR k IN 1 .. 7 LOOP
        SELECT md5(string_agg(act::text, ',' ORDER BY account_id)) INTO got
          FROM (SELECT account_id, rollup(act) AS act
                  FROM (SELECT account_id, rollup(act) AS act FROM daily
                         GROUP BY account_id, (day - date '2000-01-01') % k) p
                 GROUP BY 1) x;
        PERFORM pg_temp.expect(format('rollup of %s pieces per account', k), got, want);
    END LOOP;
END $$;

-- rollup holds the summaries it is given and merges them in bulk, as soon
-- as their copies pass 64 MB: enough copies of every per-day summary to
-- hold 80 MB pass that bound, so the merged state is merged again with
-- the rest (integer and uuid ids)
SELECT (80 * 1024 * 1024 / sum(pg_column_size(act)))::int + 1 AS copies,
       (80 * 1024 * 1024 / sum(pg_column_size(act_uuid)))::int + 1 AS copies_uuid
FROM daily \gset
SELECT pg_temp.expect('rollup past its pending-memory bound',
    (SELECT md5(rollup(d.act)::text) FROM daily d, generate_series(1, :copies) g),
    (SELECT md5(rollup(act)::text) FROM daily));
SELECT pg_temp.expect('rollup past its pending-memory bound, uuid ids',
    (SELECT md5(rollup(d.act_uuid)::text) FROM daily d, generate_series(1, :copies_uuid) g),
    (SELECT md5(rollup(act_uuid)::text) FROM daily));

-- activity_union(a, b) = rollup over {a, b}; commutative; idempotent;
-- across accounts (any two values of the same id type)
DO $$
DECLARE
    n    bigint;
    nbad bigint;
BEGIN
    WITH pairs AS (
        SELECT a.act AS a, b.act AS b
          FROM (SELECT account_id, day, act, row_number() OVER (ORDER BY account_id, day) AS i FROM daily) a
          JOIN (SELECT account_id, day, act, row_number() OVER (ORDER BY account_id, day) AS i FROM daily) b
            ON b.i = a.i + 1 OR b.i = a.i + 37
        UNION ALL
        SELECT w1.act, w2.act
          FROM whole w1 JOIN whole w2 ON w2.account_id > w1.account_id
         WHERE w1.act IS NOT NULL AND w2.act IS NOT NULL AND w1.account_id % 5 = 0
    )
    SELECT count(*),
           count(*) FILTER (WHERE activity_union(a, b)::text IS DISTINCT FROM
                                  (SELECT rollup(x) FROM (VALUES (a), (b)) v(x))::text
                               OR activity_send(activity_union(a, b)) IS DISTINCT FROM
                                  activity_send((SELECT rollup(x) FROM (VALUES (b), (a)) v(x)))
                               OR activity_union(a, b)::text IS DISTINCT FROM activity_union(b, a)::text
                               OR activity_union(a, a)::text IS DISTINCT FROM a::text
                               OR activity_union(activity_union(a, b), b)::text IS DISTINCT FROM activity_union(a, b)::text)
      INTO n, nbad
      FROM pairs;
    IF n < 10 THEN
        RAISE EXCEPTION 'activity_union: only % pairs compared', n;
    END IF;
    IF nbad > 0 THEN
        RAISE EXCEPTION 'activity_union differs from rollup over both values for % of % pairs', nbad, n;
    END IF;
END $$;

-- Merging against an independent reference: many small random sets with
-- few users, features and days (so that their triples collide often);
-- the union of two summaries, and the rollup of several, must equal the
-- summary of the union of their rows.
SELECT setseed(0.5);
CREATE TEMP TABLE small_rows AS
SELECT s AS set_id,
       (1 + floor(random() * 3))::bigint AS u,
       (ARRAY[NULL, 'x', 'y'])[1 + floor(random() * 3)::int] AS f,
       date '2026-01-01' + floor(random() * 4)::int AS d
FROM generate_series(1, 600) s, generate_series(1, 1 + s % 4) k;
CREATE TEMP TABLE small_sets AS
SELECT set_id, activity_agg(u, d, f) AS act, activity_agg('user' || u, d, f) AS act_text
FROM small_rows GROUP BY set_id;

DO $$
DECLARE
    n    bigint;
    nbad bigint;
    ex   text;
BEGIN
    SELECT count(*), count(*) FILTER (WHERE NOT ok), min(set_id) FILTER (WHERE NOT ok)
      INTO n, nbad, ex
      FROM (SELECT a.set_id,
                   activity_union(a.act, b.act)::text IS NOT DISTINCT FROM r.act
                   AND activity_union(a.act_text, b.act_text)::text IS NOT DISTINCT FROM r.act_text AS ok
              FROM small_sets a
              JOIN small_sets b ON b.set_id = a.set_id + 1,
                   LATERAL (SELECT activity_agg(u, d, f)::text AS act,
                                   activity_agg('user' || u, d, f)::text AS act_text
                              FROM small_rows x WHERE x.set_id IN (a.set_id, b.set_id)) r) t;
    IF n < 500 THEN
        RAISE EXCEPTION 'activity_union vs activity_agg: only % pairs', n;
    END IF;
    IF nbad > 0 THEN
        RAISE EXCEPTION 'activity_union(a, b) differs from the summary of the rows of a and b for % of % pairs, e.g. sets % and %: % vs %',
            nbad, n, ex, ex::int + 1,
            (SELECT activity_union(a.act, b.act)::text FROM small_sets a, small_sets b
              WHERE a.set_id = ex::int AND b.set_id = ex::int + 1),
            (SELECT activity_agg(u, d, f)::text FROM small_rows WHERE set_id IN (ex::int, ex::int + 1));
    END IF;

    SELECT count(*), count(*) FILTER (WHERE NOT ok), min(g) FILTER (WHERE NOT ok)
      INTO n, nbad, ex
      FROM (SELECT r.g, r.act IS NOT DISTINCT FROM a.act AND r.act_text IS NOT DISTINCT FROM a.act_text AS ok
              FROM (SELECT set_id / 7 AS g, rollup(act)::text AS act, rollup(act_text)::text AS act_text
                      FROM (SELECT * FROM small_sets ORDER BY md5(set_id::text)) s GROUP BY 1) r
              JOIN (SELECT set_id / 7 AS g, activity_agg(u, d, f)::text AS act,
                           activity_agg('user' || u, d, f)::text AS act_text
                      FROM small_rows GROUP BY 1) a USING (g)) t;
    IF n < 50 THEN
        RAISE EXCEPTION 'rollup vs activity_agg on small sets: only % groups', n;
    END IF;
    IF nbad > 0 THEN
        RAISE EXCEPTION 'rollup of small summaries differs from the summary of their rows for % of % groups (e.g. sets % to %)',
            nbad, n, ex::int * 7, ex::int * 7 + 6;
    END IF;
END $$;

-- A few values (up to 8) are merged by walking them side by side, more by
-- the builder's keys: both must give the summary of the union of the rows,
-- for every id type.  Sets of 2 to 8 values, each value over its own span
-- of days and its own features (some only the absent feature), users with
-- negative ids and text ids that are prefixes of one another; each group
-- rolled up once (walked) and with every value four times (keys).
SELECT setseed(0.25);
CREATE TEMP TABLE few_rows AS
SELECT g, v, (floor(random() * 9) - 4)::bigint AS u,
       (ARRAY[NULL, 'a', 'ab', 'b', 'c'])[1 + floor(random() * (1 + (v % 5)))::int] AS f,
       date '2026-03-01' + (v * 3 + floor(random() * (1 + g % 9)))::int AS d
FROM generate_series(1, 160) g, generate_series(1, 2 + g % 7) v, generate_series(1, 6) k
WHERE k = 1 OR random() < 0.6;
CREATE TEMP TABLE few_values AS
SELECT g, v,
       activity_agg(u, d, f) AS a8,
       activity_agg(u::integer, d, f) AS a4,
       activity_agg(substr('xyzzy', 1, (u + 5)::int), d, f) AS atext,
       activity_agg(md5(u::text)::uuid, d, f) AS au
FROM few_rows GROUP BY g, v;
DO $$
DECLARE
    n    bigint;
    nbad bigint;
    ex   int;
BEGIN
    SELECT count(*), count(*) FILTER (WHERE NOT ok), min(g) FILTER (WHERE NOT ok)
      INTO n, nbad, ex
      FROM (SELECT w.g,
                   w.a8 = r.a8 AND k.a8 = r.a8 AND w.a4 = r.a4 AND k.a4 = r.a4 AND
                   w.atext = r.atext AND k.atext = r.atext AND w.au = r.au AND k.au = r.au AS ok
              FROM (SELECT g, rollup(a8)::text AS a8, rollup(a4)::text AS a4,
                           rollup(atext)::text AS atext, rollup(au)::text AS au
                      FROM few_values GROUP BY g) w
              JOIN (SELECT g, rollup(a8)::text AS a8, rollup(a4)::text AS a4,
                           rollup(atext)::text AS atext, rollup(au)::text AS au
                      FROM few_values, generate_series(1, 4) GROUP BY g) k USING (g)
              JOIN (SELECT g, activity_agg(u, d, f)::text AS a8,
                           activity_agg(u::integer, d, f)::text AS a4,
                           activity_agg(substr('xyzzy', 1, (u + 5)::int), d, f)::text AS atext,
                           activity_agg(md5(u::text)::uuid, d, f)::text AS au
                      FROM few_rows GROUP BY g) r USING (g)) t;
    IF n < 160 THEN
        RAISE EXCEPTION 'rollup of few values: only % groups compared', n;
    END IF;
    IF nbad > 0 THEN
        RAISE EXCEPTION 'rollup of a few values (walked, or by keys) differs from the summary of their rows for % of % groups, e.g. group %',
            nbad, n, ex;
    END IF;

    -- a running rollup: the state is flattened after every row, then grows
    SELECT count(*), count(*) FILTER (WHERE NOT ok), min(g) FILTER (WHERE NOT ok)
      INTO n, nbad, ex
      FROM (SELECT w.g, w.act::text IS NOT DISTINCT FROM r.act::text
                        AND w.atext::text IS NOT DISTINCT FROM r.atext::text AS ok
              FROM (SELECT g, v, rollup(a8) OVER o AS act, rollup(atext) OVER o AS atext
                      FROM few_values WINDOW o AS (PARTITION BY g ORDER BY v)) w
              JOIN LATERAL (SELECT activity_agg(u, d, f) AS act,
                                   activity_agg(substr('xyzzy', 1, (u + 5)::int), d, f) AS atext
                              FROM few_rows x WHERE x.g = w.g AND x.v <= w.v) r ON true) t;
    IF n < 500 THEN
        RAISE EXCEPTION 'running rollup: only % rows compared', n;
    END IF;
    IF nbad > 0 THEN
        RAISE EXCEPTION 'running rollup differs from the summary of the rows so far for % of % rows, e.g. group %',
            nbad, n, ex;
    END IF;
END $$;

-- More values (9 to 64) are walked side by side when they hold many triples
-- for their users (per-account summaries rolled up by segment, the partial
-- states of many shards), else merged by the builder's keys: groups of 9 to
-- 64 values of two users and many days each take the walk up to about 35
-- values and the keys beyond; nine copies of each value always take the
-- keys.  Both must give the summary of the rows.
SELECT setseed(0.75);
CREATE TEMP TABLE many_rows AS
SELECT g, v, (g % 3 - 1 + floor(random() * 2))::bigint AS u,
       (ARRAY[NULL, 'a', 'b'])[1 + floor(random() * 3)::int] AS f,
       date '2026-01-01' + floor(random() * 120)::int AS d
FROM generate_series(1, 60) g, generate_series(1, 9 + g % 56) v, generate_series(1, 40) k;
CREATE TEMP TABLE many_values AS
SELECT g, v, activity_agg(u, d, f) AS a8, activity_agg('u' || u, d, f) AS atext
FROM many_rows GROUP BY g, v;
DO $$
DECLARE
    n    bigint;
    nbad bigint;
    ex   int;
BEGIN
    SELECT count(*), count(*) FILTER (WHERE NOT ok), min(g) FILTER (WHERE NOT ok)
      INTO n, nbad, ex
      FROM (SELECT w.g, w.a8 = r.a8 AND k.a8 = r.a8 AND w.atext = r.atext AND k.atext = r.atext AS ok
              FROM (SELECT g, rollup(a8)::text AS a8, rollup(atext)::text AS atext
                      FROM many_values GROUP BY g) w
              JOIN (SELECT g, rollup(a8)::text AS a8, rollup(atext)::text AS atext
                      FROM many_values, generate_series(1, 9) GROUP BY g) k USING (g)
              JOIN (SELECT g, activity_agg(u, d, f)::text AS a8,
                           activity_agg('u' || u, d, f)::text AS atext
                      FROM many_rows GROUP BY g) r USING (g)) t;
    IF n < 60 THEN
        RAISE EXCEPTION 'rollup of 9 to 64 values: only % groups compared', n;
    END IF;
    IF nbad > 0 THEN
        RAISE EXCEPTION 'rollup of 9 to 64 values differs from the summary of their rows for % of % groups, e.g. group %',
            nbad, n, ex;
    END IF;
END $$;

-- the case above, by hand: {(1, no feature, d)} and {(1, 'x', d)} have two triples
SELECT pg_temp.expect('activity_union of (1, -, d) and (1, x, d)',
    activity_union(activity_agg(1::bigint, date '2026-01-05'),
                   activity_agg(1::bigint, date '2026-01-05', 'x'))::text,
    (SELECT activity_agg(u, d, f)::text
       FROM (VALUES (1::bigint, date '2026-01-05', NULL), (1, '2026-01-05', 'x')) v(u, d, f)));

-- NULL handling
SELECT pg_temp.expect('rollup over only NULLs is NULL',
    (SELECT rollup(x)::text FROM (VALUES (NULL::activity), (NULL::activity)) v(x)), NULL);
SELECT pg_temp.expect('rollup over zero rows is NULL',
    (SELECT rollup(act)::text FROM daily WHERE false), NULL);
SELECT pg_temp.expect('rollup skips NULLs',
    (SELECT rollup(x)::text FROM (SELECT act FROM whole UNION ALL SELECT NULL) v(x)
      WHERE true),
    (SELECT rollup(act)::text FROM whole));
SELECT pg_temp.expect('activity_agg over zero rows is NULL',
    (SELECT activity_agg(user_id, occurred_at, feature)::text FROM events WHERE false), NULL);
SELECT pg_temp.expect('activity_agg(date) over zero rows is NULL',
    (SELECT activity_agg(user_id, occurred_at::date)::text FROM events WHERE false), NULL);
SELECT pg_temp.expect('activity_agg over only NULL users is NULL',
    (SELECT activity_agg(NULL::bigint, occurred_at, feature)::text FROM events), NULL);
SELECT pg_temp.expect('activity_agg over only NULL days is NULL',
    (SELECT activity_agg(user_id, NULL::timestamptz, feature)::text FROM events), NULL);
SELECT pg_temp.expect('activity_agg(text) over only NULL users is NULL',
    (SELECT activity_agg(NULL::text, occurred_at::date, feature)::text FROM events), NULL);
SELECT pg_temp.expect('activity_union(NULL, x) = x',
    (SELECT activity_union(NULL, act)::text FROM whole WHERE act IS NOT NULL ORDER BY account_id LIMIT 1),
    (SELECT act::text FROM whole WHERE act IS NOT NULL ORDER BY account_id LIMIT 1));
SELECT pg_temp.expect('activity_union(x, NULL) = x',
    (SELECT activity_union(act_uuid, NULL)::text FROM whole WHERE act IS NOT NULL ORDER BY account_id LIMIT 1),
    (SELECT act_uuid::text FROM whole WHERE act IS NOT NULL ORDER BY account_id LIMIT 1));
SELECT pg_temp.expect('activity_union(NULL, NULL) is NULL',
    activity_union(NULL, NULL)::text, NULL);

-- the order of the input rows does not matter
CREATE TEMP TABLE ordered AS
SELECT account_id, activity_agg(user_id, occurred_at, feature)::text AS val
FROM (SELECT * FROM events ORDER BY occurred_at, user_id, feature) e GROUP BY account_id;
SELECT setseed(0.25);
SELECT pg_temp.expect('activity_agg: input order ' || o.name,
    (SELECT string_agg(val, ',' ORDER BY account_id) FROM ordered),
    o.val)
FROM (SELECT 'descending' AS name,
             (SELECT string_agg(val, ',' ORDER BY account_id) FROM
                (SELECT account_id, activity_agg(user_id, occurred_at, feature)::text AS val
                   FROM (SELECT * FROM events ORDER BY occurred_at DESC, user_id DESC, feature DESC) e
                  GROUP BY account_id) x) AS val
      UNION ALL
      SELECT 'md5',
             (SELECT string_agg(val, ',' ORDER BY account_id) FROM
                (SELECT account_id, activity_agg(user_id, occurred_at, feature)::text AS val
                   FROM (SELECT * FROM events ORDER BY md5(concat(user_id, feature, occurred_at))) e
                  GROUP BY account_id) x)
      UNION ALL
      SELECT 'random',
             (SELECT string_agg(val, ',' ORDER BY account_id) FROM
                (SELECT account_id, activity_agg(user_id, occurred_at, feature)::text AS val
                   FROM (SELECT * FROM events ORDER BY random()) e
                  GROUP BY account_id) x)
      UNION ALL
      SELECT 'duplicated rows',
             (SELECT string_agg(val, ',' ORDER BY account_id) FROM
                (SELECT account_id, activity_agg(user_id, occurred_at, feature)::text AS val
                   FROM (SELECT * FROM (SELECT * FROM events UNION ALL SELECT * FROM events) u ORDER BY random()) e
                  GROUP BY account_id) x)
      UNION ALL
      SELECT 'rollup of shuffled days',
             (SELECT string_agg(val, ',' ORDER BY account_id) FROM
                (SELECT account_id, rollup(act)::text AS val
                   FROM (SELECT * FROM daily ORDER BY random()) d
                  GROUP BY account_id) x)) o;

-- the same for text ids (their order in the value is byte order, not arrival order)
SELECT pg_temp.expect('activity_agg(text): input order',
    (SELECT activity_agg('u' || user_id, occurred_at, feature)::text
       FROM (SELECT * FROM events ORDER BY md5(concat(user_id, occurred_at))) e),
    (SELECT activity_agg('u' || user_id, occurred_at, feature)::text
       FROM (SELECT * FROM events ORDER BY user_id DESC, occurred_at DESC) e));

-- a timestamptz becomes the day that ::date gives in the session TimeZone:
-- zones with half- and quarter-hour offsets, a half-hour DST shift, far
-- east and west, around their DST changes, switching back and forth in one
-- session (a cached conversion must follow TimeZone)
CREATE TEMP TABLE instants AS
SELECT g AS ts, (extract(epoch FROM g)::bigint / 780) % 37 AS u,
       (ARRAY['a', 'b', NULL])[1 + (extract(epoch FROM g)::bigint / 780) % 3] AS f
FROM generate_series(timestamptz '2025-09-20 00:00+00', timestamptz '2026-04-12 00:00+00',
                     interval '13 minutes') g
UNION ALL
SELECT occurred_at, user_id, feature FROM events WHERE occurred_at IS NOT NULL AND user_id IS NOT NULL;
DO $$
DECLARE
    z    text;
    a    text;
    b    text;
    seen text[] := '{}';
BEGIN
    FOREACH z IN ARRAY ARRAY['America/New_York', 'Asia/Kolkata', 'UTC', 'Asia/Kathmandu',
                             'America/St_Johns', 'Australia/Lord_Howe', 'Pacific/Chatham',
                             'Pacific/Kiritimati', 'Pacific/Pago_Pago', '<+0530>-05:30',
                             'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'UTC']
    LOOP
        PERFORM set_config('TimeZone', z, true);
        SELECT activity_agg(u, ts, f)::text, activity_agg(u, ts::date, f)::text INTO a, b FROM instants;
        IF a IS DISTINCT FROM b THEN
            RAISE EXCEPTION 'TimeZone %: activity_agg(timestamptz) differs from activity_agg(timestamptz::date)', z;
        END IF;
        IF NOT a = ANY (seen) THEN
            seen := seen || a;
        END IF;
    END LOOP;
    -- the zones do give different days (Asia/Kolkata and <+0530>-05:30 agree)
    IF cardinality(seen) < 9 THEN
        RAISE EXCEPTION 'only % different summaries over the time zones', cardinality(seen);
    END IF;
END $$;
SET TimeZone = 'America/New_York';

-- rows with a NULL user or day are skipped
SELECT pg_temp.expect('rows with a NULL user or day are skipped',
    (SELECT activity_agg(user_id, occurred_at, feature)::text FROM
        (SELECT user_id, occurred_at, feature FROM events
         UNION ALL SELECT NULL, now(), 'core'
         UNION ALL SELECT NULL, NULL, NULL
         UNION ALL SELECT 1, NULL, 'core'
         UNION ALL SELECT 2, NULL, NULL
         ORDER BY 1 NULLS FIRST) e),
    (SELECT activity_agg(user_id, occurred_at, feature)::text FROM events
      WHERE user_id IS NOT NULL AND occurred_at IS NOT NULL));

-- an infinite day is an error (not an internal one)
SELECT pg_temp.expect_error('infinite date', $$SELECT activity_agg(1::bigint, 'infinity'::date)$$);
SELECT pg_temp.expect_error('-infinite date', $$SELECT activity_agg(1, '-infinity'::date, 'core')$$);
SELECT pg_temp.expect_error('infinite timestamptz', $$SELECT activity_agg('a'::text, 'infinity'::timestamptz)$$);
SELECT pg_temp.expect_error('-infinite timestamptz',
    $$SELECT activity_agg(x, d) FROM (VALUES (1::bigint, now()), (2, '-infinity'::timestamptz)) v(x, d)$$);

-- summaries of different user-id types cannot be merged: an error naming the types
DO $$
DECLARE
    e text;
    c record;
BEGIN
    FOR c IN
        SELECT * FROM (VALUES
            ('bigint', 'act', 'integer', 'act_int', 'bigint|int8', 'integer|int4'),
            ('bigint', 'act', 'text', 'act_text', 'bigint|int8', 'text'),
            ('integer', 'act_int', 'uuid', 'act_uuid', 'integer|int4', 'uuid'),
            ('text', 'act_text', 'uuid', 'act_uuid', 'text', 'uuid')) v(t1, c1, t2, c2, re1, re2)
    LOOP
        e := pg_temp.expect_error(format('rollup of %s and %s ids', c.t1, c.t2),
                 format('SELECT rollup(x) FROM (SELECT %I FROM whole UNION ALL SELECT %I FROM whole) v(x)', c.c1, c.c2));
        IF e !~* c.re1 OR e !~* c.re2 THEN
            RAISE EXCEPTION 'rollup of % and % ids: the error does not name both types: %', c.t1, c.t2, e;
        END IF;
        e := pg_temp.expect_error(format('activity_union of %s and %s ids', c.t1, c.t2),
                 format('SELECT activity_union(a.%I, b.%I) FROM whole a, whole b WHERE a.%I IS NOT NULL AND b.%I IS NOT NULL', c.c1, c.c2, c.c1, c.c2));
        IF e !~* c.re1 OR e !~* c.re2 THEN
            RAISE EXCEPTION 'activity_union of % and % ids: the error does not name both types: %', c.t1, c.t2, e;
        END IF;
    END LOOP;
END $$;

-- ==================================================================
-- (c) Round trips: text, and binary through COPY (FORMAT binary)
-- ==================================================================
CREATE TABLE keep (key bigint, id_type text, act activity);
INSERT INTO keep
SELECT row_number() OVER (), t, a FROM (
    SELECT 'bigint' AS t, act AS a FROM whole
    UNION ALL SELECT 'integer', act_int FROM whole
    UNION ALL SELECT 'text', act_text FROM whole
    UNION ALL SELECT 'uuid', act_uuid FROM whole
    UNION ALL SELECT 'bigint, whole table', rollup(act) FROM daily
    UNION ALL SELECT 'text, whole table', rollup(act_text) FROM daily
    UNION ALL SELECT 'one day', act FROM daily WHERE day = (SELECT min(day) FROM daily)
    UNION ALL SELECT 'NULL', NULL) v;

DO $$
DECLARE
    n    bigint;
    nbad bigint;
BEGIN
    SELECT count(*),
           count(*) FILTER (WHERE act::text::activity::text IS DISTINCT FROM act::text
                               OR activity_send(act::text::activity) IS DISTINCT FROM activity_send(act)
                               OR act::text !~ '^[0-9]+:[A-Za-z0-9+/]+=*$')
      INTO n, nbad
      FROM keep WHERE act IS NOT NULL;
    IF n < 10 THEN
        RAISE EXCEPTION 'text round trip: only % values', n;
    END IF;
    IF nbad > 0 THEN
        RAISE EXCEPTION 'text round trip: % of % values differ (or are not "<version>:<base64>")', nbad, n;
    END IF;
END $$;

-- text form: compact (little more than the stored form)
DO $$
DECLARE
    r record;
BEGIN
    SELECT max(length(act::text)::float8 / (length(activity_send(act)) + 4)) AS ratio INTO r
      FROM keep WHERE act IS NOT NULL;
    IF r.ratio > 1.5 THEN
        RAISE EXCEPTION 'text form is % times the binary form', r.ratio;
    END IF;
END $$;

-- binary: COPY out and in again
SELECT pg_backend_pid() AS pid \gset
\set binfile :tmpdir '/adoption_aggregate_' :pid '.bin'
\set textfile :tmpdir '/adoption_aggregate_' :pid '.txt'
COPY keep TO :'binfile' WITH (FORMAT binary);
CREATE TABLE keep_bin (LIKE keep);
COPY keep_bin FROM :'binfile' WITH (FORMAT binary);
COPY keep TO :'textfile';
CREATE TABLE keep_txt (LIKE keep);
COPY keep_txt FROM :'textfile';
-- and from the client side (\copy does not expand variables: change directory)
\cd :tmpdir
\copy keep TO 'adoption_aggregate_client.bin' WITH (FORMAT binary)
CREATE TABLE keep_bin2 (LIKE keep);
\copy keep_bin2 FROM 'adoption_aggregate_client.bin' WITH (FORMAT binary)

CREATE TEMP VIEW keep_t AS SELECT key, act::text || '|' || encode(activity_send(act), 'base64') AS val FROM keep;
CREATE TEMP VIEW keep_bin_t AS SELECT key, act::text || '|' || encode(activity_send(act), 'base64') AS val FROM keep_bin;
CREATE TEMP VIEW keep_bin2_t AS SELECT key, act::text || '|' || encode(activity_send(act), 'base64') AS val FROM keep_bin2;
CREATE TEMP VIEW keep_txt_t AS SELECT key, act::text || '|' || encode(activity_send(act), 'base64') AS val FROM keep_txt;
SELECT pg_temp.same_rows('COPY binary round trip', 'TABLE keep_bin_t', 'TABLE keep_t', min_rows => 1) > 0 AS ok;
SELECT pg_temp.same_rows('\copy binary round trip', 'TABLE keep_bin2_t', 'TABLE keep_t', min_rows => 1) > 0 AS ok;
SELECT pg_temp.same_rows('COPY text round trip', 'TABLE keep_txt_t', 'TABLE keep_t', min_rows => 1) > 0 AS ok;
SELECT pg_temp.expect('NULL survives COPY binary',
    (SELECT count(*)::text FROM keep_bin WHERE act IS NULL), '1');

-- the accessors read the copied values like the originals
SELECT pg_temp.expect('accessors on copied values',
    (SELECT string_agg(concat_ws(' ', user_count(act), active_users(act, '2026-06-30', 90),
                                 stickiness(act, '2026-06-30', 30), first_day(act), last_day(act)),
                       ',' ORDER BY key) FROM keep_bin),
    (SELECT string_agg(concat_ws(' ', user_count(act), active_users(act, '2026-06-30', 90),
                                 stickiness(act, '2026-06-30', 30), first_day(act), last_day(act)),
                       ',' ORDER BY key) FROM keep));

-- stored in a table, toasted and compressed, read back: the same
CREATE TABLE big (act activity);
INSERT INTO big SELECT rollup(act) FROM daily;
SELECT pg_temp.expect('stored value = computed value',
    (SELECT act::text FROM big), (SELECT rollup(act)::text FROM daily));

DROP TABLE keep, keep_bin, keep_bin2, keep_txt, big, daily CASCADE;
SELECT 'aggregate: all checks passed' AS result;
