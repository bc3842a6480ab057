--
-- malformed: bad activity input (text and binary) and invalid accessor
-- arguments give clean errors, never a crash or a silently accepted value.
--
-- The text form of an activity value is "<version>:<base64 of the stored
-- bytes>"; its binary form (send/receive) is the stored bytes.
--
-- Expects the extension installed (and, for one larger value, the events
-- table of data/generate.sql).  Optional psql variable tmpdir: a directory
-- the server may write COPY files to (default /tmp).  Raises an exception
-- on any failure.
\set ON_ERROR_STOP 1
\pset pager off
SET client_min_messages = warning;
\if :{?tmpdir}
\else
\set tmpdir /tmp
\endif
SELECT pg_backend_pid() AS pid \gset
\set fuzzfile :tmpdir '/adoption_malformed_' :pid '.bin'
SET adoption_test.fuzzfile = :'fuzzfile';

-- ------------------------------------------------------------------
-- Helpers
-- ------------------------------------------------------------------
-- 'ok' if the text is accepted, else '<SQLSTATE> <message>'
CREATE FUNCTION pg_temp.try_text(input text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v   activity;
    st  text;
    msg text;
BEGIN
    v := input::activity;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RETURN st || ' ' || msg;
END $$;

-- NULL when an accepted value behaves: its text output is its input (the
-- text form is canonical), it survives a text and a binary round trip, and
-- every accessor, activity_union and rollup run on it.  Else what failed.
CREATE FUNCTION pg_temp.check_value(input text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v   activity := input::activity;
    st  text;
    msg text;
    res text;
BEGIN
    IF v::text IS DISTINCT FROM input THEN
        RETURN format('accepted, but its output %s differs from the input', left(v::text, 200));
    END IF;
    IF v::text::activity::text IS DISTINCT FROM input THEN
        RETURN 'accepted, but the text round trip changes it';
    END IF;
    BEGIN
        SELECT concat_ws(' ', user_count(v), user_count(v, 'a', '2026-01-01'),
                         active_users(v, '2026-01-01', 3650), active_users(v, '2026-01-01', 7, 'a'),
                         stickiness(v, '2026-01-01', 365), adoption_rate(v, 3, '2026-01-01', 90),
                         feature_adoption_rate(v, 'a', '2026-01-01', 365), depth(v, '2026-01-01', 365),
                         first_day(v), last_day(v), first_day(v, 'b'), last_day(v, 'b'),
                         (SELECT string_agg(f::text, ',') FROM features(v, '2026-01-01', 365, 5) f),
                         activity_union(v, v)::text = input,
                         (SELECT rollup(t.a) FROM (VALUES (v), (v), (NULL)) t(a))::text = input)
          INTO res;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
        RETURN format('accepted, but an accessor fails: %s %s', st, msg);
    END;
    RETURN NULL;
END $$;

-- the text form of raw stored bytes, with the given version tag
CREATE FUNCTION pg_temp.as_text(tag text, bytes bytea) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT tag || ':' || translate(encode(bytes, 'base64'), E'\n', '')
$$;

-- every failure found is recorded here; the verdict is at the end
CREATE TEMP TABLE failures (what text, input text, outcome text);
CREATE TEMP TABLE counts (what text, n bigint);

-- ------------------------------------------------------------------
-- Valid values to start from: each user-id type, with and without
-- features, negative and large ids, far-apart days
-- ------------------------------------------------------------------
CREATE TEMP TABLE base (name text, v activity);
INSERT INTO base
SELECT 'bigint', activity_agg(u, d, f) FROM (VALUES
    (1::bigint, date '2026-01-01', 'a'), (1, '2026-01-03', 'b'), (300, '2026-01-03', NULL),
    (-5, '2025-12-31', 'a'), (70000, '2026-02-01', 'c'), (9007199254740993, '1999-01-01', 'a'),
    (-9223372036854775808, '2026-01-02', NULL)) t(u, d, f);
INSERT INTO base
SELECT 'integer, no feature', activity_agg(u, d) FROM (VALUES
    (7, date '2026-01-01'), (7, '2026-01-02'), (7, '2026-01-04'), (2147483647, '2024-02-29'),
    (-2147483648, '2026-01-01')) t(u, d);
INSERT INTO base
SELECT 'text', activity_agg(u, d, f) FROM (VALUES
    ('alice', date '2026-01-01', 'a'), ('bob', '2025-06-01', NULL), ('', '2026-01-01', 'b'),
    ('é€', '2026-01-01', 'été'), ('alice', '2026-01-01', 'b')) t(u, d, f);
INSERT INTO base
SELECT 'uuid', activity_agg(u, d, f) FROM (VALUES
    ('00000000-0000-0000-0000-000000000000'::uuid, date '2026-01-01', 'a'),
    ('ffffffff-ffff-ffff-ffff-ffffffffffff', '2026-01-05', 'a'),
    ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2026-01-05', NULL)) t(u, d, f);
INSERT INTO base
SELECT 'one triple', activity_agg(1::bigint, date '2026-01-01');

CREATE TEMP TABLE parts AS
SELECT name, v::text AS txt, split_part(v::text, ':', 1) AS tag,
       decode(split_part(v::text, ':', 2), 'base64') AS bytes, activity_send(v) AS sent
FROM base;

DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM parts LOOP
        IF r.txt !~ '^[0-9]+:[A-Za-z0-9+/]+={0,2}$' THEN
            RAISE EXCEPTION 'value % has no "<version>:<base64>" text form: %', r.name, r.txt;
        END IF;
        IF pg_temp.as_text(r.tag, r.bytes) <> r.txt THEN
            RAISE EXCEPTION 'value %: its base64 is not canonical: %', r.name, r.txt;
        END IF;
        IF pg_temp.check_value(r.txt) IS NOT NULL THEN
            RAISE EXCEPTION 'valid value % fails: %', r.name, pg_temp.check_value(r.txt);
        END IF;
    END LOOP;
END $$;

-- ------------------------------------------------------------------
-- 1. Inputs that must be rejected with 22P02 (invalid_text_representation)
-- ------------------------------------------------------------------
CREATE TEMP TABLE must_fail (what text, input text);
INSERT INTO must_fail VALUES
    ('empty', ''),
    ('blank', ' '),
    ('garbage', 'garbage'),
    ('only a colon', ':'),
    ('no payload', (SELECT tag FROM parts WHERE name = 'bigint')),
    ('empty payload', (SELECT tag || ':' FROM parts WHERE name = 'bigint')),
    ('no version', (SELECT ':' || split_part(txt, ':', 2) FROM parts WHERE name = 'bigint')),
    ('no colon', (SELECT tag || split_part(txt, ':', 2) FROM parts WHERE name = 'bigint')),
    ('letters as version', (SELECT 'v' || txt FROM parts WHERE name = 'bigint')),
    ('negative version', (SELECT '-' || txt FROM parts WHERE name = 'bigint')),
    ('version 0', (SELECT '0:' || split_part(txt, ':', 2) FROM parts WHERE name = 'bigint')),
    ('version 2', (SELECT '2:' || split_part(txt, ':', 2) FROM parts WHERE name = 'bigint')),
    ('version 99', (SELECT '99:' || split_part(txt, ':', 2) FROM parts WHERE name = 'bigint')),
    ('huge version', (SELECT '99999999999999999999999:' || split_part(txt, ':', 2) FROM parts WHERE name = 'bigint')),
    ('two colons', (SELECT txt || ':' || split_part(txt, ':', 2) FROM parts WHERE name = 'bigint')),
    ('not base64', (SELECT tag || ':!!!!' FROM parts WHERE name = 'bigint')),
    ('url-safe base64 alphabet', (SELECT tag || ':' || translate(split_part(txt, ':', 2), '+/', '-_') || '-_' FROM parts WHERE name = 'bigint')),
    ('base64 of 3 zero bytes', (SELECT tag || ':AAAA' FROM parts WHERE name = 'bigint')),
    ('base64 of one byte', (SELECT tag || ':AQ==' FROM parts WHERE name = 'bigint')),
    ('stored version byte 2', (SELECT pg_temp.as_text(tag, set_byte(bytes, 0, 2)) FROM parts WHERE name = 'bigint')),
    ('stored version byte 0', (SELECT pg_temp.as_text(tag, set_byte(bytes, 0, 0)) FROM parts WHERE name = 'bigint')),
    ('stored version byte 255', (SELECT pg_temp.as_text(tag, set_byte(bytes, 0, 255)) FROM parts WHERE name = 'bigint')),
    ('user-id type 0', (SELECT pg_temp.as_text(tag, set_byte(bytes, 1, 0)) FROM parts WHERE name = 'bigint')),
    ('user-id type 5', (SELECT pg_temp.as_text(tag, set_byte(bytes, 1, 5)) FROM parts WHERE name = 'bigint')),
    ('user-id type 255', (SELECT pg_temp.as_text(tag, set_byte(bytes, 1, 255)) FROM parts WHERE name = 'bigint')),
    ('huge user count', (SELECT pg_temp.as_text(tag, substr(bytes, 1, 2) || '\xffffffffffffffff7f'::bytea || substr(bytes, 4)) FROM parts WHERE name = 'bigint')),
    ('huge triple count', (SELECT pg_temp.as_text(tag, substr(bytes, 1, 4) || '\xffffffffffffffffff01'::bytea || substr(bytes, 6)) FROM parts WHERE name = 'integer, no feature')),
    ('overlong varint', (SELECT pg_temp.as_text(tag, substr(bytes, 1, 2) || set_byte(substr(bytes, 3, 1), 0, get_byte(bytes, 2) | 128) || '\x00'::bytea || substr(bytes, 4)) FROM parts WHERE name = 'bigint')),
    ('trailing byte', (SELECT pg_temp.as_text(tag, bytes || '\x00'::bytea) FROM parts WHERE name = 'bigint')),
    ('trailing bytes', (SELECT pg_temp.as_text(tag, bytes || bytes) FROM parts WHERE name = 'uuid')),
    ('truncated by one byte', (SELECT pg_temp.as_text(tag, substr(bytes, 1, length(bytes) - 1)) FROM parts WHERE name = 'bigint')),
    ('truncated by 3 bytes (whole base64 quantum)', (SELECT left(txt, -4) FROM parts WHERE name = 'text')),
    ('truncated to half', (SELECT pg_temp.as_text(tag, substr(bytes, 1, length(bytes) / 2)) FROM parts WHERE name = 'uuid')),
    ('truncated base64, one character', (SELECT left(txt, -1) FROM parts WHERE name = 'bigint')),
    ('truncated base64, two characters', (SELECT left(txt, -2) FROM parts WHERE name = 'text')),
    ('truncated base64, three characters', (SELECT left(txt, -3) FROM parts WHERE name = 'uuid')),
    ('first base64 character changed (version byte)',
        (SELECT tag || ':' || CASE WHEN substr(txt, length(tag) + 2, 1) = 'B' THEN 'C' ELSE 'B' END
                || substr(txt, length(tag) + 3) FROM parts WHERE name = 'bigint')),
    ('bit flip of the version tag', (SELECT chr(ascii(left(txt, 1)) # 2) || substr(txt, 2) FROM parts WHERE name = 'bigint')),
    ('bit flip to a non-base64 character', (SELECT left(txt, length(tag) + 4) || '*' || substr(txt, length(tag) + 6) FROM parts WHERE name = 'bigint')),
    ('newline inside the base64', (SELECT left(txt, length(tag) + 5) || E'\n' || substr(txt, length(tag) + 6) FROM parts WHERE name = 'bigint')),
    ('space inside the base64', (SELECT left(txt, length(tag) + 5) || ' ' || substr(txt, length(tag) + 6) FROM parts WHERE name = 'text')),
    ('NUL-free control character', (SELECT left(txt, length(tag) + 5) || E'\t' || substr(txt, length(tag) + 6) FROM parts WHERE name = 'uuid'));

-- padding: for every value, missing, extra and non-canonical padding
INSERT INTO must_fail
SELECT 'padding removed (' || name || ')', rtrim(txt, '=') FROM parts WHERE txt LIKE '%=';
INSERT INTO must_fail
SELECT 'one "=" too many (' || name || ')', txt || '=' FROM parts;
INSERT INTO must_fail
SELECT 'a whole "====" quantum added (' || name || ')', txt || '====' FROM parts;
INSERT INTO must_fail
SELECT 'padding in the middle (' || name || ')', left(txt, length(tag) + 3) || '=' || substr(txt, length(tag) + 5)
FROM parts;
-- unused bits of the last base64 character set: decodes to the same bytes
-- in lenient decoders, but is not the canonical text
INSERT INTO must_fail
SELECT 'non-zero padding bits (' || name || ')',
       left(txt, length(txt) - npad - 1)
       || substr('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
                 (strpos('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
                         substr(txt, length(txt) - npad, 1)) - 1
                  | CASE npad WHEN 1 THEN 1 ELSE 15 END) + 1, 1)
       || repeat('=', npad)
FROM (SELECT *, length(txt) - length(rtrim(txt, '=')) AS npad FROM parts) p
WHERE npad > 0;

DO $$
BEGIN
    IF (SELECT count(*) FROM must_fail WHERE what LIKE 'non-zero padding bits%') = 0
       OR (SELECT count(*) FROM must_fail WHERE what LIKE 'padding removed%') = 0 THEN
        RAISE EXCEPTION 'no base value has base64 padding: the padding cases test nothing';
    END IF;
    IF EXISTS (SELECT FROM must_fail WHERE input IS NULL) THEN
        RAISE EXCEPTION 'a must-fail case could not be built: %',
            (SELECT string_agg(what, ', ') FROM must_fail WHERE input IS NULL);
    END IF;
END $$;

INSERT INTO failures
SELECT 'must be rejected with 22P02: ' || what, input, outcome
FROM (SELECT what, input, pg_temp.try_text(input) AS outcome FROM must_fail) t
WHERE outcome NOT LIKE '22P02 %';
INSERT INTO counts SELECT 'must-fail text inputs', count(*) FROM must_fail;

-- Either rejected with 22P02 or accepted as exactly the same value.
CREATE TEMP TABLE may_pass (what text, input text, same_as text);
INSERT INTO may_pass
SELECT 'leading space (' || name || ')', ' ' || txt, txt FROM parts
UNION ALL SELECT 'trailing space (' || name || ')', txt || ' ', txt FROM parts
UNION ALL SELECT 'trailing newline (' || name || ')', txt || E'\n', txt FROM parts
UNION ALL SELECT 'leading zero in the version (' || name || ')', '0' || txt, txt FROM parts
UNION ALL SELECT 'empty set', (SELECT pg_temp.as_text(tag, substr(bytes, 1, 2) || '\x000000'::bytea) FROM parts WHERE name = 'bigint'), NULL;

INSERT INTO failures
SELECT 'rejected with 22P02 or accepted unchanged: ' || what, input, outcome
FROM (SELECT what, input,
             CASE WHEN r = 'ok' THEN
                  CASE WHEN same_as IS NULL THEN pg_temp.check_value(input::activity::text)
                       WHEN input::activity::text <> same_as THEN 'accepted as a different value: ' || input::activity::text
                  END
                  WHEN r NOT LIKE '22P02 %' THEN r END AS outcome
        FROM (SELECT *, pg_temp.try_text(input) AS r FROM may_pass) m) t
WHERE outcome IS NOT NULL;

-- ------------------------------------------------------------------
-- 2. Fuzzing the stored bytes through the text form: every bit of every
-- byte flipped, every byte set to 0x00 / 0x7f / 0x80 / 0xff, every
-- truncation, and a byte inserted at every position.  Each mutant is
-- either rejected with 22P02 or a valid value that round-trips and that
-- every accessor can read.
-- ------------------------------------------------------------------
-- a larger value from the generated data, if there is any
INSERT INTO base
SELECT 'generated account', act FROM (
    SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act
    FROM events GROUP BY account_id ORDER BY count(*) LIMIT 1) g
WHERE to_regclass('events') IS NOT NULL;
TRUNCATE parts;
INSERT INTO parts
SELECT name, v::text, split_part(v::text, ':', 1), decode(split_part(v::text, ':', 2), 'base64'), activity_send(v)
FROM base;

CREATE TEMP TABLE mutants (base text, what text, bytes bytea);
-- bit flips and byte values, on the small values
INSERT INTO mutants
SELECT p.name, format('byte %s xor %s', i, m), set_byte(p.bytes, i, get_byte(p.bytes, i) # m)
FROM parts p, generate_series(0, length(p.bytes) - 1) i,
     unnest(ARRAY[1, 2, 4, 8, 16, 32, 64, 128]) m
WHERE p.name <> 'generated account';
INSERT INTO mutants
SELECT p.name, format('byte %s := %s', i, b), set_byte(p.bytes, i, b)
FROM parts p, generate_series(0, length(p.bytes) - 1) i, unnest(ARRAY[0, 127, 128, 255]) b
WHERE get_byte(p.bytes, i) <> b AND p.name <> 'generated account';
INSERT INTO mutants
SELECT p.name, format('truncated to %s bytes', n), substr(p.bytes, 1, n)
FROM parts p, generate_series(0, length(p.bytes) - 1) n;
INSERT INTO mutants
SELECT p.name, format('0x%s inserted at %s', b, i), substr(p.bytes, 1, i) || decode(b, 'hex') || substr(p.bytes, i + 1)
FROM parts p, generate_series(0, length(p.bytes)) i, unnest(ARRAY['00', '01', '80']) b
WHERE p.name <> 'generated account';
-- the generated value: single-bit flips only
INSERT INTO mutants
SELECT p.name, format('byte %s xor %s', i, m), set_byte(p.bytes, i, get_byte(p.bytes, i) # m)
FROM parts p, generate_series(0, length(p.bytes) - 1) i, unnest(ARRAY[1, 64]) m
WHERE p.name = 'generated account';

CREATE TEMP TABLE fuzz_text AS
SELECT m.base, m.what, t.input, pg_temp.try_text(t.input) AS r
FROM mutants m JOIN parts p ON p.name = m.base,
     LATERAL (SELECT pg_temp.as_text(p.tag, m.bytes) AS input) t;

INSERT INTO failures
SELECT format('text fuzz of %s, %s', base, what), input, outcome
FROM (SELECT *, CASE WHEN r = 'ok' THEN pg_temp.check_value(input)
                     WHEN r NOT LIKE '22P02 %' THEN r END AS outcome
        FROM fuzz_text) f
WHERE outcome IS NOT NULL;
INSERT INTO counts
SELECT 'text fuzz: ' || CASE WHEN r = 'ok' THEN 'accepted' ELSE 'rejected' END, count(*)
FROM fuzz_text GROUP BY 1;

-- the server is still there
SELECT 1 AS still_alive;

-- ------------------------------------------------------------------
-- 3. Fuzzing the binary input (activity_recv) through COPY (FORMAT
-- binary): a bytea written with COPY is read back as an activity, so
-- the receive function gets exactly the mutated bytes.  Rejected with
-- 22P03 (invalid_binary_representation) or accepted as a valid value
-- whose send output is the input.
-- ------------------------------------------------------------------
CREATE TEMP TABLE recv_one (v activity);

-- the bytes written with COPY and read back into recv_one (its only row):
-- 'ok', or '<SQLSTATE> <message>' when activity_recv rejects them
CREATE FUNCTION pg_temp.try_recv(bytes bytea) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    f   text := current_setting('adoption_test.fuzzfile');
    st  text;
    msg text;
BEGIN
    EXECUTE format('COPY (SELECT %L::bytea) TO %L WITH (FORMAT binary)', bytes, f);
    TRUNCATE recv_one;
    EXECUTE format('COPY recv_one FROM %L WITH (FORMAT binary)', f);
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RETURN st || ' ' || msg;
END $$;

DO $$
DECLARE
    r   record;
    res text;
BEGIN
    IF (SELECT count(*) FROM parts WHERE sent IS DISTINCT FROM bytes) > 0 THEN
        RAISE NOTICE 'activity_send is not the stored bytes; the binary fuzz mutates the send output';
    END IF;
    -- sanity: the unmutated send output is read back unchanged
    FOR r IN SELECT * FROM parts LOOP
        res := pg_temp.try_recv(r.sent);
        IF res <> 'ok' THEN
            RAISE EXCEPTION 'binary input of the send output of %: %', r.name, res;
        END IF;
        IF (SELECT v::text FROM recv_one) IS DISTINCT FROM r.txt THEN
            RAISE EXCEPTION 'binary input of the send output of % gives %', r.name, (SELECT v::text FROM recv_one);
        END IF;
    END LOOP;
END $$ ;

CREATE TEMP TABLE bin_mutants AS
SELECT p.name AS base, format('byte %s xor %s', i, m) AS what,
       set_byte(p.sent, i, get_byte(p.sent, i) # m) AS bytes
FROM parts p, generate_series(0, length(p.sent) - 1) i, unnest(ARRAY[1, 8, 128]) m
WHERE p.name IN ('bigint', 'text', 'uuid')
UNION ALL
SELECT p.name, format('truncated to %s bytes', n), substr(p.sent, 1, n)
FROM parts p, generate_series(0, length(p.sent) - 1) n
WHERE p.name IN ('bigint', 'integer, no feature')
UNION ALL
SELECT p.name, 'trailing byte', p.sent || '\x00'::bytea FROM parts p;

CREATE TEMP TABLE fuzz_bin (base text, what text, bytes bytea, r text);
DO $$
DECLARE
    m   record;
    st  text;
    msg text;
    res text;
BEGIN
    FOR m IN SELECT * FROM bin_mutants LOOP
        res := pg_temp.try_recv(m.bytes);
        IF res = 'ok' THEN
            BEGIN
                IF (SELECT activity_send(v) FROM recv_one) IS DISTINCT FROM m.bytes THEN
                    res := 'accepted, but its send output differs from the input';
                ELSE
                    res := coalesce(pg_temp.check_value((SELECT v::text FROM recv_one)), 'ok');
                END IF;
            EXCEPTION WHEN OTHERS THEN
                GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
                res := st || ' ' || msg;
            END;
        END IF;
        INSERT INTO fuzz_bin VALUES (m.base, m.what, m.bytes, res);
    END LOOP;
END $$;

INSERT INTO failures
SELECT format('binary fuzz of %s, %s', base, what), encode(bytes, 'hex'), r
FROM fuzz_bin
WHERE r <> 'ok' AND r NOT LIKE '22P03 %';
INSERT INTO counts
SELECT 'binary fuzz: ' || CASE WHEN r = 'ok' THEN 'accepted' ELSE 'rejected' END, count(*)
FROM fuzz_bin GROUP BY 1;

SELECT 1 AS still_alive;

-- ------------------------------------------------------------------
-- 3b. Oversized values, each through activity_in (22P02) and through
-- COPY (FORMAT binary) into activity_recv (22P03): counts that claim far
-- more users, features, triples, days or bytes than the value holds,
-- numbers past 64 bits, and multi-megabyte garbage.
-- ------------------------------------------------------------------
-- LEB128 varint of a non-negative number (numeric: up to 2^64 and past)
CREATE FUNCTION pg_temp.varint(n numeric) RETURNS bytea
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    r bytea := '\x';
    b int;
BEGIN
    LOOP
        b := (n % 128)::int;
        n := trunc(n / 128);
        IF n = 0 THEN
            RETURN r || set_byte('\x00'::bytea, 0, b);
        END IF;
        r := r || set_byte('\x00'::bytea, 0, b | 128);
    END LOOP;
END $$;
CREATE FUNCTION pg_temp.v(VARIADIC n numeric[]) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT string_agg(pg_temp.varint(x), '\x'::bytea ORDER BY i) FROM unnest(n) WITH ORDINALITY u(x, i)
$$;
-- n bytes of garbage (deterministic)
CREATE FUNCTION pg_temp.garbage(n int) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT substr(decode(string_agg(md5(i::text), '' ORDER BY i), 'hex'), 1, n)
    FROM generate_series(0, n / 16) i
$$;

DO $$
BEGIN
    IF pg_temp.v(0, 1, 127, 128, 300) <> '\x00017f8001ac02'::bytea
       OR pg_temp.varint(2::numeric ^ 64 - 1) <> '\xffffffffffffffffff01'::bytea THEN
        RAISE EXCEPTION 'pg_temp.varint is wrong';
    END IF;
END $$;

-- header of a bigint value: version 1, user-id type 2 (bigint)
CREATE TEMP TABLE oversized (what text, bytes bytea);
INSERT INTO oversized VALUES
    -- counts far beyond the value's bytes
    ('a million users and triples in 20 bytes',
     '\x0102'::bytea || pg_temp.v(1000000, 0, 1000000, 0, 0, 0) || '\x0000000000000000000000'::bytea),
    ('2^32 features', '\x0102'::bytea || pg_temp.v(1, 4294967296, 4294967296, 0, 0, 1, 0) || '\x0000'::bytea),
    ('2^63 triples', '\x0102'::bytea || pg_temp.v(1, 0, 2::numeric ^ 63, 0, 0, 1, 0, 1, 0, 0, 0)),
    ('2^64 - 1 users', '\x0102'::bytea || pg_temp.v(2::numeric ^ 64 - 1, 0, 2::numeric ^ 64 - 1) || '\x000000'::bytea),
    -- counts within the byte length, bytes missing behind them
    ('4000 users and triples claimed, zeros behind',
     '\x0102'::bytea || pg_temp.v(4000, 0, 4000, 0, 0, 0) || decode(repeat('00', 4090), 'hex')),
    ('4000 users and triples claimed, ids but no pairs',
     '\x0102'::bytea || pg_temp.v(4000, 0, 4000, 0, 0, 4000) || decode(repeat('00', 4000), 'hex')),
    ('user-id section of 2^62 bytes', '\x0102'::bytea || pg_temp.v(1, 0, 1, 0, 0, 2::numeric ^ 62, 2, 1, 0, 0, 0)),
    ('text user id of 2^40 bytes', '\x0103'::bytea || pg_temp.v(1, 0, 1, 0, 0, 6, 2::numeric ^ 40) || '\x616263'::bytea),
    ('feature name of 2^40 bytes', '\x0102'::bytea || pg_temp.v(1, 1, 1, 0, 0, 1, 0, 2::numeric ^ 40) || '\x616263'::bytea),
    ('2^32 pairs for a user', '\x0102'::bytea || pg_temp.v(1, 0, 1, 0, 0, 1, 0, 4294967296, 0, 0, 0)),
    ('2^32 days in a pair', '\x0102'::bytea || pg_temp.v(1, 0, 1, 0, 0, 1, 0, 1, 0, 4294967295, 0)),
    ('day range of 2^31 days', '\x0102'::bytea || pg_temp.v(1, 0, 1, 0, 2147483648, 1, 0, 1, 0, 0, 0)),
    ('first day 2^62', '\x0102'::bytea || pg_temp.v(1, 0, 1, 2::numeric ^ 62, 0, 1, 0, 1, 0, 0, 0)),
    ('first day 2^64 - 1 (zigzag: -2^63)', '\x0102'::bytea || pg_temp.v(1, 0, 1, 2::numeric ^ 64 - 1, 0, 1, 0, 1, 0, 0, 0)),
    ('first day just past the last date (5874898-01-01)', '\x0102'::bytea || pg_temp.v(1, 0, 1, 2 * 2145031949::numeric, 0, 1, 0, 1, 0, 0, 0)),
    ('last day just past the last date', '\x0102'::bytea || pg_temp.v(1, 0, 1, 0, 2145031949, 1, 0, 1, 0, 0, 0)),
    ('user id delta 2^64 - 1 after -1', '\x0102'::bytea || pg_temp.v(2, 0, 2, 0, 0, 11, 1, 2::numeric ^ 64 - 1, 1, 0, 0, 0, 1, 0, 0, 0)),
    -- numbers past 64 bits
    ('varint of 65 bits', '\x0102'::bytea || '\xffffffffffffffffff02'::bytea || pg_temp.v(0, 1, 0, 0, 0)),
    ('varint of 20 bytes', '\x0102'::bytea || decode(repeat('80', 19) || '00', 'hex') || pg_temp.v(0, 0, 0)),
    ('varint running to the end, 64 kB', '\x0102'::bytea || decode(repeat('ff', 65536), 'hex')),
    -- multi-megabyte values
    ('4 MB of garbage', '\x0102'::bytea || pg_temp.garbage(4 * 1024 * 1024)),
    ('4 MB of garbage behind plausible counts',
     '\x0102'::bytea || pg_temp.v(100000, 10, 1000000, 0, 3650, 200000) || pg_temp.garbage(4 * 1024 * 1024)),
    ('4 MB of zeros', '\x0102'::bytea || decode(repeat('00', 4 * 1024 * 1024), 'hex')),
    ('a valid value followed by 4 MB', (SELECT bytes FROM parts WHERE name = 'bigint') || pg_temp.garbage(4 * 1024 * 1024));

DO $$
DECLARE
    m     record;
    res   text;
    ntext int := 0;
    nbin  int := 0;
BEGIN
    FOR m IN SELECT * FROM oversized LOOP
        IF m.bytes IS NULL THEN
            RAISE EXCEPTION 'oversized case % could not be built', m.what;
        END IF;
        res := pg_temp.try_text(pg_temp.as_text('1', m.bytes));
        ntext := ntext + 1;
        IF res NOT LIKE '22P02 %' THEN
            INSERT INTO failures VALUES ('oversized, as text, must give 22P02: ' || m.what, left(encode(m.bytes, 'hex'), 200), res);
        END IF;
        res := pg_temp.try_recv(m.bytes);
        nbin := nbin + 1;
        IF res NOT LIKE '22P03 %' THEN
            INSERT INTO failures VALUES ('oversized, through COPY binary, must give 22P03: ' || m.what, left(encode(m.bytes, 'hex'), 200), res);
        END IF;
    END LOOP;
    INSERT INTO counts VALUES ('oversized: text', ntext), ('oversized: binary', nbin);
END $$;

-- multi-megabyte text that is not even base64
INSERT INTO failures
SELECT 'oversized text must give 22P02: ' || what, left(input, 100), outcome
FROM (SELECT what, input, pg_temp.try_text(input) AS outcome FROM (VALUES
        ('4 MB not a multiple of 4', '1:' || repeat('A', 4 * 1024 * 1024 + 1)),
        ('4 MB of "A" (zero bytes)', '1:' || repeat('A', 4 * 1024 * 1024)),
        ('4 MB with a bad character at the end', '1:AQID' || repeat('A', 4 * 1024 * 1024) || '!!!!'),
        ('4 MB version number', repeat('9', 4 * 1024 * 1024) || ':AQIAAAA=')) t(what, input)) o
WHERE outcome NOT LIKE '22P02 %';

SELECT 1 AS still_alive;

-- ------------------------------------------------------------------
-- 4. Invalid accessor arguments: SQLSTATE 22023, a message naming the
-- argument
-- ------------------------------------------------------------------
CREATE FUNCTION pg_temp.try_sql(stmt text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    st  text;
    msg text;
BEGIN
    EXECUTE stmt;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RETURN st || ' ' || msg;
END $$;

CREATE TABLE one AS SELECT v FROM base WHERE name = 'bigint';
CREATE TEMP TABLE bad_args (stmt text, arg text);
INSERT INTO bad_args
SELECT format(q, d), 'days'
FROM unnest(ARRAY[
        'SELECT active_users(v, ''2026-01-01'', %s) FROM one',
        'SELECT active_users(v, days => %s, as_of => ''2026-01-01'', feature => ''a'') FROM one',
        'SELECT stickiness(v, ''2026-01-01'', %s) FROM one',
        'SELECT adoption_rate(v, 10, ''2026-01-01'', %s) FROM one',
        'SELECT feature_adoption_rate(v, ''a'', ''2026-01-01'', %s) FROM one',
        'SELECT * FROM one, features(v, ''2026-01-01'', %s)',
        'SELECT depth(v, ''2026-01-01'', %s) FROM one']) q,
     unnest(ARRAY[0, -1, -2147483648]) d
UNION ALL
SELECT format(q, s), 'seats'
FROM unnest(ARRAY[
        'SELECT adoption_rate(v, %s, ''2026-01-01'', 30) FROM one',
        'SELECT * FROM one, features(v, ''2026-01-01'', 30, %s)']) q,
     unnest(ARRAY['-1', '-9223372036854775808']) s;

INSERT INTO failures
SELECT 'invalid argument ' || arg || ' must give 22023 naming it', stmt, r
FROM (SELECT *, pg_temp.try_sql(stmt) AS r FROM bad_args) b
WHERE r NOT LIKE '22023 %' OR r !~* arg;
INSERT INTO counts SELECT 'invalid arguments', count(*) FROM bad_args;

-- Extreme but valid arguments: a result or a clean error (never an
-- internal one, never a crash); and where there is a result, it is right.
CREATE TEMP TABLE extreme (stmt text, want text);
INSERT INTO extreme VALUES
    -- every day up to as_of: the users up to as_of
    ('SELECT active_users(v, ''2026-01-01'', 2147483647) FROM one',
     (SELECT user_count(v, as_of => '2026-01-01')::text FROM one)),
    ('SELECT active_users(v, ''2026-01-01'', 1000000) FROM one',
     (SELECT user_count(v, as_of => '2026-01-01')::text FROM one)),
    ('SELECT active_users(v, ''4713-01-01 BC'', 2147483647) FROM one', '0'),
    ('SELECT active_users(v, ''5874897-12-31'', 2147483647) FROM one',
     (SELECT user_count(v)::text FROM one)),
    ('SELECT active_users(v, ''5874897-12-31'', 30) FROM one', '0'),
    ('SELECT stickiness(v, ''2026-01-01'', 2147483647) > 0 FROM one', 'true'),
    ('SELECT active_users(v, ''infinity'', 30) FROM one', NULL),
    ('SELECT active_users(v, ''-infinity'', 30) FROM one', NULL),
    ('SELECT user_count(v, as_of => ''infinity'') FROM one', NULL),
    ('SELECT user_count(v, as_of => ''-infinity'') FROM one', NULL),
    ('SELECT count(*) FROM one, features(v, ''infinity'', 30)', NULL),
    ('SELECT adoption_rate(v, 9223372036854775807, ''2026-01-01'', 30) FROM one', NULL),
    ('SELECT active_users(v, ''2026-01-01'', 30, '''') FROM one', '0'),
    ('SELECT active_users(v, ''2026-01-01'', 30, repeat(''x'', 100000)) FROM one', '0');

CREATE FUNCTION pg_temp.try_value(stmt text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    st  text;
    msg text;
    res text;
BEGIN
    EXECUTE stmt INTO res;
    RETURN 'ok ' || coalesce(res, 'NULL');
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RETURN st || ' ' || msg;
END $$;

INSERT INTO failures
SELECT 'extreme argument', stmt, r
FROM (SELECT *, pg_temp.try_value(stmt) AS r FROM extreme) e
WHERE r ~ '^(XX|58)'                                      -- internal error
   OR (r LIKE 'ok %' AND want IS NOT NULL AND r <> 'ok ' || want);

SELECT 1 AS still_alive;

-- ------------------------------------------------------------------
-- Verdict
-- ------------------------------------------------------------------
SELECT what, n FROM counts ORDER BY what;

DO $$
DECLARE
    nbad   bigint;
    detail text;
BEGIN
    SELECT count(*) INTO nbad FROM failures;
    IF nbad > 0 THEN
        SELECT string_agg(format('  %s: input %s -> %s', what, left(quote_literal(input), 120),
                                 coalesce(outcome, 'accepted')), E'\n')
          INTO detail FROM (SELECT * FROM failures ORDER BY what LIMIT 50) f;
        RAISE EXCEPTION E'malformed: % failures, among them:\n%', nbad, detail;
    END IF;
    IF (SELECT sum(n) FROM counts WHERE what LIKE 'text fuzz%') < 500
       OR (SELECT sum(n) FROM counts WHERE what LIKE 'binary fuzz%') < 100
       OR (SELECT n FROM counts WHERE what = 'text fuzz: rejected') < 100
       OR (SELECT sum(n) FROM counts WHERE what LIKE 'oversized%') < 40 THEN
        RAISE EXCEPTION 'malformed: the fuzzing ran too few cases';
    END IF;
END $$;

DROP TABLE one;
SELECT 'malformed: all checks passed' AS result;
