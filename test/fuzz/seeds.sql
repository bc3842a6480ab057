-- test/fuzz/seeds.sql: the seed corpus of the activity fuzzer, as text
-- forms, one a line (test/fuzz/seeds.txt holds its output):
--
--   psql -X -q -At -f test/fuzz/seeds.sql > test/fuzz/seeds.txt
--
-- Needs only the extension.  Real values of every user-id type: with and
-- without features, negative and extreme ids and days, many features for
-- one user (more pairs than cursor_user_days merges at once), long and
-- multi-byte names, and the empty set (which activity_agg never makes).
\set ON_ERROR_STOP 1
CREATE EXTENSION IF NOT EXISTS adoption;
SELECT t FROM (
SELECT k, v::text AS t FROM (
    SELECT 1 AS k, activity_agg(u, d, f) AS v FROM (VALUES
        (1::bigint, date '2026-01-01', 'a'), (1, '2026-01-03', 'b'), (300, '2026-01-03', NULL),
        (-5, '2025-12-31', 'a'), (70000, '2026-02-01', 'c'), (9007199254740993, '1999-01-01', 'a'),
        (-9223372036854775808, '2026-01-02', NULL), (9223372036854775807, '2026-01-02', 'c')) t(u, d, f)
    UNION ALL
    SELECT 2, activity_agg(u, d) FROM (VALUES
        (7, date '2026-01-01'), (7, '2026-01-02'), (7, '2026-01-04'), (2147483647, '2024-02-29'),
        (-2147483648, '2026-01-01')) t(u, d)
    UNION ALL
    SELECT 3, activity_agg(u, d, f) FROM (VALUES
        ('alice', date '2026-01-01', 'a'), ('bob', '2025-06-01', NULL), ('', '2026-01-01', 'b'),
        ('é€', '2026-01-01', 'été'), ('alice', '2026-01-01', 'b'), ('alice', '2026-01-02', 'b')) t(u, d, f)
    UNION ALL
    SELECT 4, activity_agg(u, d, f) FROM (VALUES
        ('00000000-0000-0000-0000-000000000000'::uuid, date '2026-01-01', 'a'),
        ('ffffffff-ffff-ffff-ffff-ffffffffffff', '2026-01-05', 'a'),
        ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2026-01-05', NULL)) t(u, d, f)
    UNION ALL
    -- the extreme days a date can hold
    SELECT 5, activity_agg(u, d, 'x') FROM (VALUES
        (1, date '4713-01-01 BC'), (2, '5874897-12-31'), (2, '2000-01-01')) t(u, d)
    UNION ALL
    -- one user with 40 features on overlapping days
    SELECT 6, activity_agg(1::bigint, date '2026-01-01' + (i % 7), 'f' || (i % 40))
    FROM generate_series(1, 200) i
    UNION ALL
    -- a month of daily activity, a few users and features
    SELECT 7, activity_agg(i % 5, date '2026-03-01' + i / 4, CASE WHEN i % 3 = 0 THEN NULL ELSE 'feature-' || (i % 4) END)
    FROM generate_series(1, 120) i
    UNION ALL
    SELECT 8, activity_agg(repeat('user', i), date '2026-01-01', repeat('é', 30 + i))
    FROM generate_series(1, 3) i
    UNION ALL
    SELECT 9, activity_agg(1::bigint, date '2026-01-01')
) s
UNION ALL
-- the empty set, for each user-id type
SELECT 10, '1:' || encode(decode(x, 'hex'), 'base64')
FROM unnest(ARRAY['0101000000', '0102000000', '0103000000', '0104000000']) x
) z ORDER BY k, t;
