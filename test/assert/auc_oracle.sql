--
-- auc_oracle: score_auc against an independent plain-SQL formulation of the
-- ROC AUC (average ranks with ties, Mann-Whitney U / (P x N)) on generated
-- data; ties, all-equal scores, one class, NULLs, -0 and infinities; parallel
-- plans forced and not; the state type's text and binary forms, fuzzed.
--
-- Expects the tables of data/generate.sql and the extension installed.
-- Optional psql variable tmpdir: a directory the server may write COPY
-- files to (default /tmp).  Raises an exception on any failure.
\ir lib/common.sql
\if :{?tmpdir}
\else
\set tmpdir /tmp
\endif

-- (pg_temp.plan_of: lib/common.sql)

-- the oracle: over the rows of relation rel (g, s float8, o boolean), per g,
-- (sum of the positives' average ranks - P (P + 1) / 2) / (P N), in numeric
CREATE FUNCTION pg_temp.oracle(rel text) RETURNS TABLE (g bigint, auc float8)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format($q$
        WITH d AS (SELECT g, s, o FROM %s WHERE s IS NOT NULL AND o IS NOT NULL),
        r AS (SELECT g, o, rank() OVER w AS lo, count(*) OVER (PARTITION BY g, s) AS c
              FROM d WINDOW w AS (PARTITION BY g ORDER BY s)),
        t AS (SELECT g, sum(CASE WHEN o THEN lo + (c - 1) / 2.0 END) AS rsum,
                     count(*) FILTER (WHERE o) AS np, count(*) FILTER (WHERE NOT o) AS nn
              FROM r GROUP BY g)
        SELECT g::bigint, CASE WHEN np > 0 AND nn > 0
                    THEN ((rsum - np * (np + 1) / 2.0) / (np * nn))::float8 END
        FROM t$q$, rel);
END $$;

CREATE FUNCTION pg_temp.check_rel(what text, rel text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    n bigint := 0;
BEGIN
    FOR r IN EXECUTE format($q$
        SELECT coalesce(a.g, b.g) AS g, a.auc AS got, b.auc AS want
        FROM (SELECT g, score_auc(s, o) AS auc FROM %s GROUP BY g) a
        FULL JOIN (SELECT DISTINCT g FROM %s) gs ON gs.g = a.g
        FULL JOIN pg_temp.oracle(%L) b ON b.g = coalesce(a.g, gs.g)$q$, rel, rel, rel)
    LOOP
        n := n + 1;
        IF (r.got IS NULL) <> (r.want IS NULL) OR abs(r.got - r.want) > 1e-12 THEN
            RAISE EXCEPTION '%: group %: score_auc % but the oracle %', what, r.g, r.got, r.want;
        END IF;
    END LOOP;
    IF n = 0 THEN
        RAISE EXCEPTION '%: no group', what;
    END IF;
    RETURN n;
END $$;

-- ------------------------------------------------------------------
-- Hand-checked cases
-- ------------------------------------------------------------------
DO $$
DECLARE
    got float8;
BEGIN
    -- pairs (pos, neg): (1, .5) 1, (1, .2) 1, (.5, .5) 1/2, (.5, .2) 1 -> 3.5 / 4
    SELECT score_auc(s, o) INTO got FROM (VALUES (1.0::float8, true), (0.5, false), (0.5, true), (0.2, false),
                                                 (NULL, true), (0.9, NULL)) v(s, o);
    IF got <> 0.875 THEN RAISE EXCEPTION 'hand case 1: %', got; END IF;
    -- -0 ties 0; infinities are ordinary: (-0, 0) 1/2, (-0, -inf) 1, (inf, 0) 1, (inf, -inf) 1
    SELECT score_auc(s, o) INTO got FROM (VALUES ('-0'::float8, true), (0, false), ('Infinity', true),
                                                 ('-Infinity', false)) v(s, o);
    IF got <> 0.875 THEN RAISE EXCEPTION 'hand case -0 / infinity: %', got; END IF;
    SELECT score_auc(s, o) INTO got FROM (VALUES ('Infinity'::float8, true), ('Infinity', false)) v(s, o);
    IF got <> 0.5 THEN RAISE EXCEPTION 'hand case infinity tie: %', got; END IF;
    -- perfect, inverted, all equal
    SELECT score_auc(g, g > 50) INTO got FROM generate_series(1, 100) g;
    IF got <> 1 THEN RAISE EXCEPTION 'perfect: %', got; END IF;
    SELECT score_auc(-g, g > 50) INTO got FROM generate_series(1, 100) g;
    IF got <> 0 THEN RAISE EXCEPTION 'inverted: %', got; END IF;
    SELECT score_auc(7, g % 3 = 0) INTO got FROM generate_series(1, 100) g;
    IF got <> 0.5 THEN RAISE EXCEPTION 'all equal: %', got; END IF;
    -- one class only, only NULLs, no rows: NULL
    SELECT score_auc(g, true) INTO got FROM generate_series(1, 10) g;
    IF got IS NOT NULL THEN RAISE EXCEPTION 'positives only: %', got; END IF;
    SELECT score_auc(g, false) INTO got FROM generate_series(1, 10) g;
    IF got IS NOT NULL THEN RAISE EXCEPTION 'negatives only: %', got; END IF;
    SELECT score_auc(NULL, g > 5) INTO got FROM generate_series(1, 10) g;
    IF got IS NOT NULL THEN RAISE EXCEPTION 'NULL scores: %', got; END IF;
    SELECT score_auc(g, true) INTO got FROM generate_series(1, 0) g;
    IF got IS NOT NULL THEN RAISE EXCEPTION 'no rows: %', got; END IF;
    -- a NaN score is an error, a NaN with a NULL outcome is skipped first
    BEGIN
        SELECT score_auc(s, o) INTO got FROM (VALUES (1::float8, true), ('NaN', false)) v(s, o);
        RAISE EXCEPTION 'NaN accepted';
    EXCEPTION WHEN invalid_parameter_value THEN
        IF SQLERRM !~ 'NaN' THEN RAISE EXCEPTION 'NaN error: %', SQLERRM; END IF;
    END;
    SELECT score_auc(s, o) INTO got FROM (VALUES (1::float8, true), ('NaN', NULL), (0, false)) v(s, o);
    IF got <> 1 THEN RAISE EXCEPTION 'NaN with NULL outcome: %', got; END IF;
END $$;

-- ------------------------------------------------------------------
-- Generated data: per account and week, the distinct users active in the
-- week (many ties) against "active in the 30 days after"
-- ------------------------------------------------------------------
CREATE TABLE weekly AS
WITH w AS (SELECT d::date AS week_end FROM generate_series(date '2025-02-02', date '2026-05-31', interval '7 days') d),
act AS (SELECT e.account_id, w.week_end,
               count(DISTINCT e.user_id) FILTER (WHERE e.occurred_at::date > w.week_end - 7
                                                 AND e.occurred_at::date <= w.week_end) AS users_7d,
               count(*) FILTER (WHERE e.occurred_at::date > w.week_end
                                AND e.occurred_at::date <= w.week_end + 30) > 0 AS active_after
        FROM events e JOIN w ON e.occurred_at::date <= w.week_end + 30
                             AND e.occurred_at::date > w.week_end - 7
        GROUP BY 1, 2)
SELECT a.account_id, w.week_end, coalesce(act.users_7d, 0) AS users_7d, coalesce(act.active_after, false) AS active_after
FROM accounts a CROSS JOIN w LEFT JOIN act USING (account_id, week_end)
WHERE a.signed_at <= w.week_end;
ANALYZE weekly;

CREATE TABLE cases (g bigint, s float8, o boolean);
-- g 1..: one group per account; 1000: everything; 1001: log-scaled; 1002:
-- with NULLs; 1003: -0 / 0 / infinities mixed in; 1004: all equal
INSERT INTO cases SELECT account_id, users_7d, active_after FROM weekly;
INSERT INTO cases SELECT 1000, users_7d, active_after FROM weekly;
INSERT INTO cases SELECT 1001, ln(1 + users_7d) - (week_end - date '2025-01-01') % 3, active_after FROM weekly;
INSERT INTO cases SELECT 1002, CASE WHEN account_id % 4 = 0 THEN NULL ELSE users_7d END,
                         CASE WHEN (week_end - date '2025-01-01') % 5 = 0 THEN NULL ELSE active_after END FROM weekly;
INSERT INTO cases SELECT 1003, CASE users_7d % 4 WHEN 0 THEN '-0'::float8 WHEN 1 THEN 0 WHEN 2 THEN 'Infinity'
                                                 ELSE CASE WHEN users_7d > 10 THEN '-Infinity'::float8 ELSE users_7d::float8 END END,
                         active_after FROM weekly;
INSERT INTO cases SELECT 1004, 42, active_after FROM weekly;
ANALYZE cases;

DO $$
DECLARE
    n bigint;
BEGIN
    n := pg_temp.check_rel('generated, serial', 'cases');
    IF n < 20 THEN RAISE EXCEPTION 'only % groups', n; END IF;
    IF (SELECT count(*) FROM (SELECT g FROM cases GROUP BY g HAVING score_auc(s, o) IS NULL) x) = 0 THEN
        RAISE EXCEPTION 'no single-class group in the generated data';
    END IF;
    IF (SELECT score_auc(s, o) FROM cases WHERE g = 1004) <> 0.5 THEN
        RAISE EXCEPTION 'all equal scores: not 0.5';
    END IF;
END $$;

-- a larger sample (the doubling buffers grow many times), one group
CREATE TABLE big AS
SELECT 1::bigint AS g, (hashint8(i) % 1000)::float8 / 10 AS s, (hashint8(i + 7) % 1000) < (hashint8(i) % 1000) / 2 + 300 AS o
FROM generate_series(1, 200000) i;
ANALYZE big;
SELECT pg_temp.check_rel('200000 rows', 'big') AS groups \gset

-- ------------------------------------------------------------------
-- Parallel plans forced vs none: the same results
-- ------------------------------------------------------------------
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers = 8;
DO $$
DECLARE
    q text;
    plan text;
    serial float8[];
    par float8[];
BEGIN
    FOREACH q IN ARRAY ARRAY[
        'SELECT array_agg(a ORDER BY g) FROM (SELECT g, score_auc(s, o) AS a FROM cases GROUP BY g) x',
        'SELECT ARRAY[score_auc(s, o)] FROM cases',
        'SELECT ARRAY[score_auc(s, o)] FROM big']
    LOOP
        SET LOCAL max_parallel_workers_per_gather = 0;
        EXECUTE q INTO serial;
        SET LOCAL max_parallel_workers_per_gather = 2;
        plan := pg_temp.plan_of(replace(q, 'SELECT array_agg', 'SELECT array_agg'), true);
        IF plan !~ 'Partial (Hash|Group)?Aggregate' OR plan !~ 'Workers Launched: [1-9]' THEN
            RAISE EXCEPTION 'no parallel partial aggregation for %:%', q, E'\n' || plan;
        END IF;
        EXECUTE q INTO par;
        IF par IS DISTINCT FROM serial THEN
            RAISE EXCEPTION 'parallel % vs serial % for %', par, serial, q;
        END IF;
    END LOOP;
END $$;
RESET max_parallel_workers_per_gather;

-- ------------------------------------------------------------------
-- The state type: text and binary round trips, and malformed input
-- ------------------------------------------------------------------
CREATE AGGREGATE pg_temp.auc_state(float8, boolean) (
    SFUNC = score_auc_trans, STYPE = score_sample, COMBINEFUNC = score_auc_combine);
CREATE TABLE states AS SELECT g, pg_temp.auc_state(s, o) AS st FROM cases GROUP BY g;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM states WHERE st::text::score_sample::text <> st::text) THEN
        RAISE EXCEPTION 'text form does not round-trip';
    END IF;
    IF EXISTS (SELECT 1 FROM states s JOIN (SELECT g, score_auc(s, o) AS a FROM cases GROUP BY g) c USING (g)
               WHERE score_auc_final(s.st::text::score_sample) IS DISTINCT FROM c.a) THEN
        RAISE EXCEPTION 'the final function of a state read from text differs';
    END IF;
END $$;
SELECT pg_backend_pid() AS pid \gset
\set binfile :tmpdir '/adoption_auc_' :pid '.bin'
COPY states TO :'binfile' (FORMAT binary);
CREATE TABLE states2 (LIKE states);
COPY states2 FROM :'binfile' (FORMAT binary);
DO $$
BEGIN
    IF (SELECT count(*) FROM states s JOIN states2 t USING (g) WHERE s.st::text = t.st::text)
       <> (SELECT count(*) FROM states) THEN
        RAISE EXCEPTION 'binary form does not round-trip';
    END IF;
END $$;

-- fuzz: every one-character change, truncation and a few forged headers of
-- valid texts: a clean ERROR or a valid value, never a crash
DO $$
DECLARE
    src text;
    t text;
    i int;
    c text;
    ok int := 0;
    bad int := 0;
    chars text := 'AB/+=0:x9';
BEGIN
    FOR src IN SELECT st::text FROM states ORDER BY g LIMIT 3 LOOP
        FOR i IN 1 .. least(length(src), 80) LOOP
            FOR c IN SELECT substr(chars, j, 1) FROM generate_series(1, length(chars)) j LOOP
                t := overlay(src placing c from i for 1);
                BEGIN
                    PERFORM score_auc_final(t::score_sample);
                    ok := ok + 1;
                EXCEPTION WHEN invalid_text_representation OR data_corrupted OR invalid_parameter_value THEN
                    bad := bad + 1;
                END;
            END LOOP;
            BEGIN
                PERFORM score_auc_final(left(src, i)::score_sample);
                ok := ok + 1;
            EXCEPTION WHEN invalid_text_representation OR data_corrupted THEN
                bad := bad + 1;
            END;
        END LOOP;
    END LOOP;
    FOREACH t IN ARRAY ARRAY['', ':', '1:', '2:AAAA', '1:AAAA', '1: AQEAAAEAAAA=', '1:AQEAAAEAAAABAAAAAAAAAAAAAAA',
                             '1:AQIAAAEAAAAAAAAAAAAAAAAAAAAA', '1:AQEAAAIAAAAAAAAAAAAAAAAAAAAA',
                             '1:AQEAAAEAAAABAAAAAAAAAAAAAAAAAAAAAAD4fwE=',   -- a NaN score
                             '1:AQEAAAEAAAD/////////fwAAAAA=']              -- a huge row count
    LOOP
        BEGIN
            PERFORM t::score_sample;
            RAISE EXCEPTION 'malformed text accepted: %', t;
        EXCEPTION WHEN invalid_text_representation THEN
            bad := bad + 1;
        END;
    END LOOP;
    IF bad < 100 THEN RAISE EXCEPTION 'fuzz: only % rejections (% accepted)', bad, ok; END IF;
END $$;

SELECT 'auc_oracle: ok' AS result;
