-- test/assert/health_numbers.sql: health models read jsonb numbers as float8
-- exactly as numeric's own ::float8 does (correctly rounded), for numbers
-- of every shape: integers, decimals, many digits, tiny and huge scales,
-- negative values, zero.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE TEMP TABLE nums AS
SELECT i, (CASE i % 8
             WHEN 0 THEN (hashint4(i) % 1000)::numeric
             WHEN 1 THEN round((hashint4(i)::numeric / 997), (i % 12))
             WHEN 2 THEN hashint8(i)::numeric / 1000
             WHEN 3 THEN (hashint4(i)::numeric * 1e-20)
             WHEN 4 THEN (hashint4(i)::numeric * 1e18)
             WHEN 5 THEN round(hashint4(i)::numeric / 7, 20)
             WHEN 6 THEN ('0.' || lpad((abs(hashint4(i)) % 100000)::text, 5, '0'))::numeric
             ELSE (hashint4(i) % 100)::numeric * power(10::numeric, (i % 60) - 30)
           END) AS n
FROM generate_series(1, 200000) i;
INSERT INTO nums VALUES (0, 0), (-1, -0.0), (-2, 9007199254740993), (-3, 9007199254740992),
                        (-4, 1e22), (-5, 1e23), (-6, 1.7976931348623157e308), (-7, 2.2250738585072014e-308),
                        (-8, 0.1), (-9, 123456789012345678), (-10, 9999999999999999);
DO $$
DECLARE bad bigint; total bigint;
BEGIN
    SELECT count(*) FILTER (WHERE b.value IS DISTINCT FROM n.n::float8), count(*)
    INTO bad, total
    FROM nums n,
         health_breakdown(jsonb_build_object('a', n.n), '{"components": {"a": {"red": 0, "green": 1}}}') b;
    IF total <> 200011 THEN
        RAISE EXCEPTION 'compared % numbers, expected 200011', total;
    END IF;
    IF bad <> 0 THEN
        RAISE EXCEPTION '% of % numbers read differently from ::float8: %', bad, total,
            (SELECT string_agg(n.n::text || ' -> ' || b.value::text, ', ')
             FROM (SELECT * FROM nums LIMIT 100000) n,
                  health_breakdown(jsonb_build_object('a', n.n), '{"components": {"a": {"red": 0, "green": 1}}}') b
             WHERE b.value IS DISTINCT FROM n.n::float8 LIMIT 5);
    END IF;
END $$;
