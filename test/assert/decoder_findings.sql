--
-- decoder_findings: regression cases for what the fuzzer (test/fuzz/run)
-- and the sanitizer build (test/tools/sanitize) found.  Each was harmless in
-- the usual build but undefined behaviour in C; here each must give the
-- right answer (and, under test/tools/sanitize, no sanitizer report).  Raises an
-- exception on any failure.
--
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE FUNCTION pg_temp.expect(what text, got anyelement, want anyelement) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF got IS DISTINCT FROM want THEN
        RAISE EXCEPTION 'decoder_findings: %: got %, want %', what, got, want;
    END IF;
END $$;

-- 1. An empty first key (text user id '' or feature name ''): the
-- dictionary's byte arena was still NULL, and copying the key did
-- arithmetic on a NULL pointer.
CREATE TEMP TABLE empties AS
SELECT 'empty user and feature first' AS name, activity_agg(u, d, f) AS v
FROM (VALUES ('', date '2026-01-01', ''), ('a', '2026-01-02', 'x'), ('', '2026-01-03', 'x')) t(u, d, f)
UNION ALL
SELECT 'only the empty user and feature', activity_agg('', date '2026-01-01', '')
UNION ALL
SELECT 'empty feature, no user ids', activity_agg(1::bigint, date '2026-01-01', '');

SELECT pg_temp.expect('empty keys: users',
    (SELECT array_agg(user_count(v) ORDER BY name) FROM empties), ARRAY[1::bigint, 2, 1]);
SELECT pg_temp.expect('empty keys: users of the empty feature',
    (SELECT array_agg(user_count(v, '') ORDER BY name) FROM empties), ARRAY[1::bigint, 1, 1]);
SELECT pg_temp.expect('empty keys: features',
    (SELECT string_agg(f.feature || '=' || f.users, ',' ORDER BY f.feature)
     FROM empties e, features(e.v, '2026-01-31', 30) f WHERE e.name = 'empty user and feature first'),
    '=1,x=2');
-- text and binary round trips, and a rebuild through rollup
SELECT pg_temp.expect('empty keys: text round trip',
    (SELECT bool_and(v::text::activity::text = v::text) FROM empties), true);
SELECT pg_temp.expect('empty keys: rollup is the value',
    (SELECT bool_and((SELECT rollup(x) FROM (VALUES (v), (v)) t(x))::text = v::text) FROM empties), true);
SELECT pg_temp.expect('empty keys: union with the other values',
    (SELECT user_count(activity_union(a.v, b.v)) FROM empties a, empties b
     WHERE a.name = 'empty user and feature first' AND b.name = 'only the empty user and feature'),
    2::bigint);

-- 2. Signed overflow in validation: a first day near 2^63 plus a day
-- range (now rejected before the addition), and the user id after
-- -2^63 reached by a delta larger than 2^63 (the sum is computed
-- unsigned).  The value with both extreme ids must be accepted.
CREATE TEMP TABLE extreme_ids AS
SELECT activity_agg(u, date '2026-01-01') AS v
FROM (VALUES (-9223372036854775808), (9223372036854775807), (0)) t(u);
SELECT pg_temp.expect('ids -2^63, 0, 2^63 - 1: users',
    (SELECT user_count(v) FROM extreme_ids), 3::bigint);
SELECT pg_temp.expect('ids -2^63, 0, 2^63 - 1: text round trip',
    (SELECT v::text::activity::text = v::text FROM extreme_ids), true);
SELECT pg_temp.expect('ids -2^63, 0, 2^63 - 1: arrival order does not matter',
    (SELECT activity_agg(u, date '2026-01-01')::text
     FROM (VALUES (9223372036854775807::bigint), (0), (-9223372036854775808)) t(u)),
    (SELECT v::text FROM extreme_ids));

CREATE FUNCTION pg_temp.try_text(input text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v   activity;
    st  text;
BEGIN
    v := input::activity;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE;
    RETURN st;
END $$;
-- version 1, bigint, 1 user, 0 features, 1 triple, first day zigzag
-- 2^64 - 32 (about 2^63), day range 205520890, ...
SELECT pg_temp.expect('first day near 2^63 plus a range',
    pg_temp.try_text('1:' || encode('\x01020100 01 e0ffffffffffffffff01 fabffe61 01 00 01 00 00 00'::bytea, 'base64')),
    '22P02');

SELECT 'decoder_findings: all checks passed' AS result;
