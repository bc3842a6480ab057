-- test/assert/dense_ids.sql: integer user ids, looked up through a direct map
-- while they fill most of a range (serial ids) and through hash slots
-- otherwise (src/activity/keydict.c, dict_int).  Each case builds the same set of
-- triples in several row orders, so that the map is widened downwards and
-- upwards, given up for the slots and taken again at different moments, and
-- through rollup of one summary per user (the merge inserts the ids in
-- order).  All must give byte-identical values (the stored form is
-- canonical), the right number of users, and the right champion: the one
-- user given more active days than anybody else, found by its id.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE TEMP TABLE cases (name text, u bigint, champion boolean);

-- serial ids 1 .. 5000
INSERT INTO cases SELECT 'serial', g, g = 4321 FROM generate_series(1, 5000) g;
-- serial ids, then far apart ones (the map is given up), then serial again
INSERT INTO cases SELECT 'dense then sparse', g, g = 17 FROM generate_series(1, 300) g;
INSERT INTO cases SELECT 'dense then sparse', 1000000000000 + g::bigint * 1000003, false FROM generate_series(1, 300) g;
INSERT INTO cases SELECT 'dense then sparse', 5000 + g, false FROM generate_series(1, 3000) g;
-- far apart ids, then a dense block much larger (the map is taken late)
INSERT INTO cases SELECT 'sparse then dense', g::bigint * 7919 * 7919, false FROM generate_series(1, 100) g;
INSERT INTO cases SELECT 'sparse then dense', -20000 + g, g = 9000 FROM generate_series(1, 12000) g;
-- the ends of bigint, each dense, and both together
INSERT INTO cases SELECT 'top of bigint', 9223372036854775807 - g, g = 0 FROM generate_series(0, 999) g;
INSERT INTO cases SELECT 'bottom of bigint', -9223372036854775808 + g, g = 999 FROM generate_series(0, 999) g;
INSERT INTO cases SELECT 'both ends', u, u = 9223372036854775807 FROM cases WHERE name = 'top of bigint';
INSERT INTO cases SELECT 'both ends', u, false FROM cases WHERE name = 'bottom of bigint';
-- every other id, every 20th id (too sparse for the map)
INSERT INTO cases SELECT 'every other', g * 2, g = 2 FROM generate_series(1, 4000) g;
INSERT INTO cases SELECT 'every 20th', g * 20, g = 3999 FROM generate_series(1, 4000) g;

-- events: one or two features on 1 to 3 days per user, the champion on 40
CREATE TEMP TABLE ev AS
SELECT c.name, c.u, date '2026-01-01' + (hashint8(c.u)::bigint & 63)::int + k AS d,
       CASE WHEN (c.u % 3 + k) % 3 = 0 THEN NULL ELSE 'f' || ((c.u % 5 + k) % 5)::text END AS f
FROM cases c, generate_series(0, 2) k
WHERE k <= (hashint8(c.u # 1)::bigint & 3)
UNION ALL
SELECT c.name, c.u, date '2026-01-01' + k, 'f1'
FROM cases c, generate_series(0, 39) k
WHERE c.champion;

DO $$
DECLARE
    c record;
    n int := 0;
BEGIN
    FOR c IN
        SELECT e.name,
               activity_agg(e.u, e.d, e.f ORDER BY e.u, e.d, e.f)::text AS up,
               activity_agg(e.u, e.d, e.f ORDER BY e.u DESC, e.d, e.f)::text AS down,
               activity_agg(e.u, e.d, e.f ORDER BY md5(e.u::text || e.d::text || coalesce(e.f, '')))::text AS shuffled,
               activity_agg(e.u, e.d, e.f ORDER BY e.d, e.u % 7, e.u)::text AS by_day,
               count(DISTINCT e.u) AS users,
               (SELECT u::text FROM cases x WHERE x.name = e.name AND x.champion) AS champion
        FROM ev e GROUP BY e.name
    LOOP
        IF c.down <> c.up OR c.shuffled <> c.up OR c.by_day <> c.up THEN
            RAISE EXCEPTION 'dense ids, %: the same triples in another order give another value', c.name;
        END IF;
        IF (SELECT rollup(x)::text FROM (SELECT activity_agg(u, d, f) AS x FROM ev
                                         WHERE name = c.name GROUP BY u) p) <> c.up THEN
            RAISE EXCEPTION 'dense ids, %: rollup of one summary per user differs', c.name;
        END IF;
        IF user_count(c.up::activity) <> c.users THEN
            RAISE EXCEPTION 'dense ids, %: % users, expected %', c.name, user_count(c.up::activity), c.users;
        END IF;
        IF (champion(c.up::activity, date '2026-03-31', 120)).user_id IS DISTINCT FROM c.champion THEN
            RAISE EXCEPTION 'dense ids, %: champion %, expected %', c.name,
                (champion(c.up::activity, date '2026-03-31', 120)).user_id, c.champion;
        END IF;
        n := n + 1;
    END LOOP;
    IF n <> 8 THEN
        RAISE EXCEPTION 'dense ids: % cases checked, expected 8', n;
    END IF;
END $$;

-- integer (int4) ids at both ends of their range, in two orders
DO $$
DECLARE
    a text;
    b text;
BEGIN
    SELECT activity_agg(u::int, date '2026-01-01' + (u % 3)::int, 'f')::text,
           activity_agg(u::int, date '2026-01-01' + (u % 3)::int, 'f' ORDER BY md5(u::text))::text
    INTO a, b
    FROM (SELECT -2147483648 + g AS u FROM generate_series(0, 2999) g
          UNION ALL SELECT 2147483647 - g FROM generate_series(0, 2999) g) x;
    IF a <> b OR user_count(a::activity) <> 6000 THEN
        RAISE EXCEPTION 'dense ids: int4 ids at both ends of their range';
    END IF;
END $$;
