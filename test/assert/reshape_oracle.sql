--
-- reshape_oracle: activity_map, activity_filter and activity_drop_users
-- (SPEC 2.13) against summaries rebuilt from relabelled, filtered or erased
-- events, for every user-id type; accessors over the results against plain
-- SQL over those events; hand-checked edge cases; errors.
--
-- Expects the tables of data/generate.sql (accounts, users, events) in the
-- current database and the extension installed.  Raises an exception on
-- any mismatch.
\ir lib/common.sql
SET TimeZone = 'America/New_York';

-- ------------------------------------------------------------------
-- Helpers (pg_temp.expect, pg_temp.expect_error and pg_temp.same_rows,
-- which compares two queries of (key, val): lib/common.sql)
-- ------------------------------------------------------------------

-- the bytes of a value, as text and as its binary send form (NULL: 'NULL')
CREATE FUNCTION pg_temp.bytes(a activity) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
SELECT coalesce(a::text || '|' || md5(activity_send(a)), 'NULL')
$$;

-- ------------------------------------------------------------------
-- Data: the distinct triples with every id type, and per-account
-- summaries of each type
-- ------------------------------------------------------------------
CREATE TABLE ev AS
SELECT DISTINCT account_id, user_id AS u8, user_id::integer AS u4, 'u' || user_id AS ut,
       md5(user_id::text)::uuid AS uu, feature, occurred_at::date AS day
FROM events
WHERE user_id IS NOT NULL AND occurred_at IS NOT NULL;
ANALYZE ev;

DO $$
BEGIN
    IF (SELECT count(DISTINCT feature) FROM ev) < 8 THEN
        RAISE EXCEPTION 'generated data has fewer than 8 features';
    END IF;
    IF NOT EXISTS (SELECT FROM ev WHERE feature IS NULL) THEN
        RAISE EXCEPTION 'generated data has no activity without a feature';
    END IF;
    IF (SELECT count(DISTINCT account_id) FROM ev) < 10 THEN
        RAISE EXCEPTION 'generated data has fewer than 10 accounts';
    END IF;
END $$;

-- the id types: name, column of ev, array type of drop_users
CREATE TABLE id_types (t text, col text, arr text);
INSERT INTO id_types VALUES
    ('bigint', 'u8', 'bigint[]'), ('integer', 'u4', 'integer[]'),
    ('text', 'ut', 'text[]'), ('uuid', 'uu', 'uuid[]');

CREATE TABLE stored (account_id bigint, t text, act activity);
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT * FROM id_types LOOP
        EXECUTE format('INSERT INTO stored SELECT account_id, %L, activity_agg(%I, day, feature) FROM ev GROUP BY 1',
                       r.t, r.col);
    END LOOP;
END $$;
ANALYZE stored;

-- ==================================================================
-- (a) activity_map: byte for byte the summary of the relabelled events
-- ==================================================================
-- mappings (name, feature, target); a NULL target removes the feature
CREATE TABLE maps (name text, feature text, target text);
INSERT INTO maps VALUES
    -- product areas: several features merged, one kept under its name,
    -- one mapped onto an existing feature's name, one removed
    ('areas', 'dashboards', 'analytics'), ('areas', 'reports', 'analytics'),
    ('areas', 'exports', 'analytics'), ('areas', 'search', 'search'),
    ('areas', 'alerts', 'comments'), ('areas', 'sso', NULL),
    ('areas', 'nonexistent', 'whatever'),
    -- order reversed: every output feature's rank changes
    ('reverse', 'dashboards', 'z1'), ('reverse', 'reports', 'z0'), ('reverse', 'search', 'y9'),
    ('reverse', 'exports', 'y8'), ('reverse', 'alerts', 'a0'), ('reverse', 'comments', 'Z'),
    ('reverse', 'api', ''),
    -- two features swapped
    ('swap', 'reports', 'search'), ('swap', 'search', 'reports'),
    -- identity and no-op mappings
    ('same', 'reports', 'reports'), ('same', 'nonexistent', NULL),
    ('empty', NULL, NULL);

-- everything named removed (only the activity without a feature stays),
-- and everything merged into one feature
INSERT INTO maps SELECT DISTINCT 'drop_all', feature, NULL::text FROM ev WHERE feature IS NOT NULL;
INSERT INTO maps SELECT DISTINCT 'one', feature, 'all' FROM ev WHERE feature IS NOT NULL;

-- the mapping of each name as jsonb, as a user builds it from a table
CREATE TABLE mappings AS
SELECT name, coalesce(jsonb_object_agg(feature, target) FILTER (WHERE feature IS NOT NULL), '{}') AS m
FROM maps GROUP BY name;

-- the relabelled events: mapped features renamed, removed ones gone
CREATE FUNCTION pg_temp.relabelled(map text) RETURNS TABLE (account_id bigint, u8 bigint, u4 integer, ut text,
                                                           uu uuid, feature text, day date)
LANGUAGE sql STABLE AS $$
SELECT e.account_id, e.u8, e.u4, e.ut, e.uu, CASE WHEN m.feature IS NULL THEN e.feature ELSE m.target END, e.day
FROM ev e LEFT JOIN maps m ON m.name = map AND m.feature = e.feature
WHERE m.feature IS NULL OR m.target IS NOT NULL
$$;

DO $$
DECLARE
    r  record;
    mp record;
    n  bigint := 0;
BEGIN
    FOR mp IN SELECT * FROM mappings ORDER BY name LOOP
        FOR r IN SELECT * FROM id_types LOOP
            n := n + pg_temp.same_rows(format('activity_map %s, %s ids', mp.name, r.t),
                format($q$SELECT account_id AS key, pg_temp.bytes(activity_map(act, %L)) AS val
                            FROM stored WHERE t = %L$q$, mp.m, r.t),
                -- accounts whose relabelled events are none have a NULL result
                format($q$SELECT s.account_id AS key, pg_temp.bytes(x.act) AS val
                            FROM stored s
                            LEFT JOIN (SELECT account_id, activity_agg(%I, day, feature) AS act
                                         FROM pg_temp.relabelled(%L) GROUP BY 1) x USING (account_id)
                           WHERE s.t = %L$q$, r.col, mp.name, r.t));
        END LOOP;
    END LOOP;
    RAISE NOTICE 'activity_map: % summaries compared', n;
END $$;

-- per account and day, where many summaries have no activity without a
-- feature: drop_all makes those NULL
CREATE TABLE daily AS
SELECT account_id, day, activity_agg(u8, day, feature) AS act FROM ev GROUP BY 1, 2;
SELECT pg_temp.same_rows('activity_map drop_all, per-day summaries',
    $$SELECT account_id * 100000 + (day - date '2000-01-01') AS key, pg_temp.bytes(activity_map(d.act, m.m)) AS val
        FROM daily d, mappings m WHERE m.name = 'drop_all'$$,
    $$SELECT d.account_id * 100000 + (d.day - date '2000-01-01') AS key, pg_temp.bytes(x.act) AS val
        FROM daily d
        LEFT JOIN (SELECT account_id, day, activity_agg(u8, day, feature) AS act
                     FROM pg_temp.relabelled('drop_all') GROUP BY 1, 2) x USING (account_id, day)$$);
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM daily d, mappings m
                    WHERE m.name = 'drop_all' AND activity_map(d.act, m.m) IS NULL) THEN
        RAISE EXCEPTION 'drop_all: no summary lost all its activity (the NULL case is not exercised)';
    END IF;
    IF NOT EXISTS (SELECT FROM daily d, mappings m
                    WHERE m.name = 'drop_all' AND activity_map(d.act, m.m) IS NOT NULL) THEN
        RAISE EXCEPTION 'drop_all: every summary lost all its activity';
    END IF;
END $$;

-- accessors over the mapped summaries against plain SQL over the
-- relabelled events (bigint ids, the product areas mapping)
SELECT max(day) - 7 AS as_of FROM ev \gset
CREATE TABLE rel AS SELECT * FROM pg_temp.relabelled('areas');
CREATE TABLE mapped AS
SELECT s.account_id, activity_map(s.act, m.m) AS act
FROM stored s, mappings m WHERE s.t = 'bigint' AND m.name = 'areas';

SELECT pg_temp.same_rows('user_count over mapped summaries',
    $$SELECT account_id AS key, user_count(act)::text AS val FROM mapped$$,
    $$SELECT account_id AS key, count(DISTINCT u8)::text AS val FROM rel GROUP BY 1$$);
SELECT pg_temp.same_rows('user_count per area over mapped summaries',
    $$SELECT account_id AS key, user_count(act, 'analytics')::text || '/' || user_count(act, 'comments')::text AS val FROM mapped$$,
    format($$SELECT account_id AS key, count(DISTINCT u8) FILTER (WHERE feature = 'analytics')::text || '/' ||
                    count(DISTINCT u8) FILTER (WHERE feature = 'comments')::text AS val FROM rel GROUP BY 1$$));
SELECT pg_temp.same_rows('active_users per area over mapped summaries',
    format($$SELECT account_id AS key, active_users(act, %L, 30)::text || '/' || active_users(act, %L, 30, 'analytics')::text AS val
               FROM mapped$$, :'as_of', :'as_of'),
    format($$SELECT account_id AS key,
                    count(DISTINCT u8) FILTER (WHERE day > date %L - 30 AND day <= %L)::text || '/' ||
                    count(DISTINCT u8) FILTER (WHERE day > date %L - 30 AND day <= %L AND feature = 'analytics')::text AS val
               FROM rel GROUP BY 1$$, :'as_of', :'as_of', :'as_of', :'as_of'));
SELECT pg_temp.same_rows('features over mapped summaries',
    format($$SELECT account_id AS key,
                    string_agg(concat_ws(',', f.feature, f.users, f.active_users, f.first_day, f.last_day), ';' ORDER BY f.feature COLLATE "C") AS val
               FROM mapped, features(act, %L, 30) f GROUP BY 1$$, :'as_of'),
    format($$SELECT account_id AS key,
                    string_agg(concat_ws(',', feature, users, active, first_day, last_day), ';' ORDER BY feature COLLATE "C") AS val
               FROM (SELECT account_id, feature, count(DISTINCT u8) AS users,
                            count(DISTINCT u8) FILTER (WHERE day > date %L - 30) AS active,
                            min(day) AS first_day, max(day) AS last_day
                       FROM rel WHERE feature IS NOT NULL AND day <= %L GROUP BY 1, 2) x
              GROUP BY 1$$, :'as_of', :'as_of'));
-- retention of the 'analytics' area, brackets 30/60/90 of width 30
SELECT pg_temp.same_rows('retention per area over mapped summaries',
    format($$SELECT account_id AS key,
                    string_agg(concat_ws(',', r.day, r.cohort_users, r.eligible_users, r.retained_users), ';' ORDER BY r.day) AS val
               FROM mapped, retention(act, '{30,60,90}', 30, %L, 'analytics') r GROUP BY 1$$, :'as_of'),
    format($$WITH a AS (SELECT account_id, u8, day FROM rel WHERE feature = 'analytics' AND day <= %L),
                  st AS (SELECT account_id, u8, min(day) AS start FROM a GROUP BY 1, 2),
                  accts AS (SELECT DISTINCT account_id FROM mapped WHERE act IS NOT NULL),
                  cp AS (SELECT unnest('{30,60,90}'::int[]) AS n)
             SELECT account_id AS key,
                    string_agg(concat_ws(',', n, cohort, eligible, retained), ';' ORDER BY n) AS val
               FROM (SELECT ac.account_id, cp.n,
                            (SELECT count(*) FROM st WHERE st.account_id = ac.account_id) AS cohort,
                            (SELECT count(*) FROM st WHERE st.account_id = ac.account_id
                                AND st.start + cp.n + 29 <= %L) AS eligible,
                            (SELECT count(*) FROM st WHERE st.account_id = ac.account_id
                                AND st.start + cp.n + 29 <= %L
                                AND EXISTS (SELECT FROM a WHERE a.account_id = st.account_id AND a.u8 = st.u8
                                              AND a.day >= st.start + cp.n AND a.day < st.start + cp.n + 30)) AS retained
                       FROM accts ac, cp) x
              GROUP BY 1$$, :'as_of', :'as_of', :'as_of'));

-- activity_map commutes with rollup: mapping per-day summaries and
-- rolling them up is mapping the rolled-up summary
SELECT pg_temp.same_rows('rollup of mapped per-day summaries vs map of the rollup',
    $$SELECT account_id AS key, pg_temp.bytes(rollup(activity_map(d.act, m.m))) AS val
        FROM daily d, mappings m WHERE m.name = 'areas' GROUP BY 1$$,
    $$SELECT account_id AS key, pg_temp.bytes(activity_map(s.act, m.m)) AS val
        FROM stored s, mappings m WHERE s.t = 'bigint' AND m.name = 'areas'$$);

-- parallel workers forced: the same results (PARALLEL SAFE functions
-- evaluated in the workers)
DO $$
DECLARE
    serial text;
    par    text;
    plan   text := '';
    line   text;
    q      text := $q$SELECT md5(string_agg(coalesce(x::text, 'NULL'), ',' ORDER BY x::text))
                      FROM (SELECT activity_map(act, '{"reports": "analytics", "dashboards": "analytics"}') AS x FROM daily
                            UNION ALL SELECT activity_filter(act, '{search,NULL}') FROM daily
                            UNION ALL SELECT activity_drop_users(act, ARRAY[1, 2, 3, 5, 8, 13]) FROM daily) v$q$;
BEGIN
    SET LOCAL max_parallel_workers_per_gather = 0;
    EXECUTE q INTO serial;
    SET LOCAL parallel_setup_cost = 0;
    SET LOCAL parallel_tuple_cost = 0;
    SET LOCAL min_parallel_table_scan_size = 0;
    SET LOCAL max_parallel_workers_per_gather = 2;
    IF current_setting('server_version_num')::int >= 160000 THEN
        EXECUTE 'SET LOCAL debug_parallel_query = on';
    ELSE
        EXECUTE 'SET LOCAL force_parallel_mode = on';
    END IF;
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
        plan := plan || line || E'\n';
    END LOOP;
    IF plan !~ 'Gather' THEN
        RAISE EXCEPTION 'reshaping: no parallel plan:%', E'\n' || plan;
    END IF;
    EXECUTE q INTO par;
    PERFORM pg_temp.expect('reshaping with parallel workers forced', par, serial);
END $$;

-- ==================================================================
-- (b) activity_filter: byte for byte the summary of the kept events
-- ==================================================================
CREATE TABLE filters (name text, features text[]);
INSERT INTO filters VALUES
    ('two', '{dashboards,reports}'),
    ('none only', '{NULL}'),
    ('some and none', '{api,NULL,sso,nonexistent}'),
    ('rare', '{sso,billing}'),
    ('duplicates', '{search,search,alerts}'),
    ('empty', '{}'),
    ('unknown', '{nonexistent}'),
    ('everything', '{NULL,dashboards,reports,search,exports,alerts,comments,sharing,integrations,api,mobile,sso,billing}'),
    ('every name', '{dashboards,reports,search,exports,alerts,comments,sharing,integrations,api,mobile,sso,billing}'),
    ('two dimensions', '{{dashboards,NULL},{api,mobile}}');

DO $$
DECLARE
    r  record;
    f  record;
    n  bigint := 0;
BEGIN
    FOR f IN SELECT * FROM filters ORDER BY name LOOP
        FOR r IN SELECT * FROM id_types LOOP
            n := n + pg_temp.same_rows(format('activity_filter %s, %s ids', f.name, r.t),
                format($q$SELECT account_id AS key, pg_temp.bytes(activity_filter(act, %L)) AS val
                            FROM stored WHERE t = %L$q$, f.features, r.t),
                format($q$SELECT s.account_id AS key, pg_temp.bytes(x.act) AS val
                            FROM stored s
                            LEFT JOIN (SELECT account_id, activity_agg(%I, day, feature) AS act
                                         FROM ev
                                        WHERE feature = ANY (%L::text[])
                                           OR (feature IS NULL AND EXISTS (SELECT FROM unnest(%L::text[]) z WHERE z IS NULL))
                                        GROUP BY 1) x USING (account_id)
                           WHERE s.t = %L$q$, r.col, f.features, f.features, r.t));
        END LOOP;
    END LOOP;
    RAISE NOTICE 'activity_filter: % summaries compared', n;
END $$;

-- accessors over filtered summaries: the figures of the kept features
SELECT pg_temp.same_rows('active_users and depth over filtered summaries',
    format($$SELECT account_id AS key,
                    concat_ws(',', user_count(a), active_users(a, %L, 30), round(depth(a, %L, 30)::numeric, 12)) AS val
               FROM (SELECT account_id, activity_filter(act, '{dashboards,reports,NULL}') AS a
                       FROM stored WHERE t = 'text') s WHERE a IS NOT NULL$$, :'as_of', :'as_of'),
    format($$SELECT account_id AS key,
                    concat_ws(',', count(DISTINCT ut),
                              count(DISTINCT ut) FILTER (WHERE day > date %L - 30 AND day <= %L),
                              round(count(DISTINCT (ut, feature)) FILTER (WHERE day > date %L - 30 AND day <= %L AND feature IS NOT NULL)::numeric
                                    / nullif(count(DISTINCT ut) FILTER (WHERE day > date %L - 30 AND day <= %L), 0), 12)) AS val
               FROM ev WHERE feature IN ('dashboards', 'reports') OR feature IS NULL GROUP BY 1$$,
           :'as_of', :'as_of', :'as_of', :'as_of', :'as_of', :'as_of'));

-- ==================================================================
-- (c) activity_drop_users: byte for byte the summary without the users
-- ==================================================================
-- for each account: no user (ids of another account), some users (a
-- third of them), one, all of them; with either integer array type for
-- integer ids, and a NULL element among the ids
CREATE TABLE uids AS SELECT DISTINCT account_id, u8, u4, ut, uu FROM ev;
CREATE TABLE gone (account_id bigint, u8 bigint, u4 integer, ut text, uu uuid);
DO $$
DECLARE
    r   record;
    sel record;
    n   bigint := 0;
BEGIN
    FOR sel IN SELECT * FROM (VALUES
            ('none', 'x.account_id <> s.account_id AND x.u8 % 7 = 0'),
            ('some', 'x.account_id = s.account_id AND x.u8 % 3 = 0'),
            ('one', 'x.account_id = s.account_id AND x.u8 = (SELECT min(u8) FROM uids y WHERE y.account_id = s.account_id)'),
            ('all', 'x.account_id = s.account_id')) v(name, cond) LOOP
        TRUNCATE gone;
        EXECUTE format('INSERT INTO gone SELECT s.account_id, x.u8, x.u4, x.ut, x.uu
                          FROM (SELECT DISTINCT account_id FROM uids) s, uids x WHERE %s', sel.cond);
        ANALYZE gone;
        FOR r IN SELECT * FROM id_types
                 UNION ALL SELECT 'bigint', 'u8', 'integer[]'
                 UNION ALL SELECT 'integer', 'u4', 'bigint[]' LOOP
            n := n + pg_temp.same_rows(format('activity_drop_users %s, %s ids, %s', sel.name, r.t, r.arr),
                format($q$SELECT s.account_id AS key,
                                 pg_temp.bytes(activity_drop_users(s.act,
                                     (SELECT coalesce(array_agg(g.%I)::%s, '{}') || ARRAY[NULL]::%s
                                        FROM gone g WHERE g.account_id = s.account_id))) AS val
                            FROM stored s WHERE s.t = %L$q$, r.col, r.arr, r.arr, r.t),
                format($q$SELECT s.account_id AS key, pg_temp.bytes(y.act) AS val
                            FROM stored s
                            LEFT JOIN (SELECT e.account_id, activity_agg(e.%I, e.day, e.feature) AS act
                                         FROM ev e
                                        WHERE NOT EXISTS (SELECT FROM gone g
                                                           WHERE g.account_id = e.account_id AND g.u8 = e.u8)
                                        GROUP BY 1) y USING (account_id)
                           WHERE s.t = %L$q$, r.col, r.t));
        END LOOP;
    END LOOP;
    RAISE NOTICE 'activity_drop_users: % summaries compared', n;
END $$;

-- dropping users can leave a feature without any triple: it is gone from
-- the result (a canonical value names no unused feature)
DO $$
DECLARE
    acc  bigint;
    uid  bigint;
    f    text;
BEGIN
    SELECT e.account_id, min(e.u8), e.feature INTO acc, uid, f
      FROM ev e WHERE e.feature IS NOT NULL
     GROUP BY e.account_id, e.feature
    HAVING count(DISTINCT e.u8) = 1
       AND (SELECT count(DISTINCT u8) FROM ev y WHERE y.account_id = e.account_id) > 1
     ORDER BY 1, 3 LIMIT 1;
    IF acc IS NULL THEN
        RAISE EXCEPTION 'no feature used by a single user of a several-user account';
    END IF;
    PERFORM pg_temp.expect(format('drop the only user of %s in account %s', f, acc),
        (SELECT pg_temp.bytes(activity_drop_users(act, ARRAY[uid])) FROM stored WHERE account_id = acc AND t = 'bigint'),
        (SELECT pg_temp.bytes(activity_agg(u8, day, feature)) FROM ev WHERE account_id = acc AND u8 <> uid));
    PERFORM pg_temp.expect('the feature is gone',
        (SELECT count(*)::text FROM stored, features(activity_drop_users(act, ARRAY[uid]), '2100-01-01', 100000) x
          WHERE account_id = acc AND t = 'bigint' AND x.feature = f), '0');
END $$;

-- the erasure recipe: every stored table rewritten, emptied rows deleted
DO $$
DECLARE
    gone bigint[];
BEGIN
    SELECT array_agg(u8) INTO gone
      FROM (SELECT DISTINCT u8 FROM ev ORDER BY u8 LIMIT 40) x;
    CREATE TEMP TABLE erased AS SELECT * FROM stored WHERE t = 'bigint';
    UPDATE erased SET act = activity_drop_users(act, gone);
    DELETE FROM erased WHERE act IS NULL;
    PERFORM pg_temp.same_rows('erasure recipe',
        $q$SELECT account_id AS key, pg_temp.bytes(act) AS val FROM erased$q$,
        format($q$SELECT account_id AS key, pg_temp.bytes(activity_agg(u8, day, feature)) AS val
                    FROM ev WHERE u8 <> ALL (%L::bigint[]) GROUP BY 1$q$, gone));
    IF (SELECT count(*) FROM erased) = (SELECT count(*) FROM stored WHERE t = 'bigint') THEN
        RAISE EXCEPTION 'erasure recipe: no row was emptied (the delete is not exercised)';
    END IF;
END $$;

-- ==================================================================
-- (d) Hand-checked cases
-- ==================================================================
CREATE TABLE hand (u bigint, f text, d date);
INSERT INTO hand VALUES
    (1, 'a', '2026-01-01'), (1, 'b', '2026-01-01'),   -- a and b on one day
    (1, 'b', '2026-01-02'),
    (2, 'c', '2026-01-03'), (2, NULL, '2026-01-04'),
    (3, 'a', '2026-01-05');
CREATE TABLE h AS SELECT activity_agg(u, d, f) AS act FROM hand;

-- merging two features used on the same day: one triple
SELECT pg_temp.expect('merge a and b',
    (SELECT pg_temp.bytes(activity_map(act, '{"a": "x", "b": "x"}')) FROM h),
    (SELECT pg_temp.bytes(activity_agg(u, d, f))
       FROM (VALUES (1::bigint, 'x', date '2026-01-01'), (1, 'x', '2026-01-02'), (2, 'c', '2026-01-03'),
                    (2, NULL, '2026-01-04'), (3, 'x', '2026-01-05')) v(u, f, d)));
SELECT pg_temp.expect('merged: user 1 active on x on 2 days',
    (SELECT string_agg(concat_ws(',', active_days, users), ';') FROM h,
            frequency(activity_map(act, '{"a": "x", "b": "x"}'), '2026-01-05', 5, 'x')),
    '1,1;2,1;3,0;4,0;5,0');
SELECT pg_temp.expect('merged: features',
    (SELECT string_agg(concat_ws(',', feature, users, first_day, last_day), ';') FROM h,
            features(activity_map(act, '{"a": "x", "b": "x"}'), '2026-01-05', 30)),
    'c,1,2026-01-03,2026-01-03;x,2,2026-01-01,2026-01-05');
-- mapping onto an existing feature's name merges into it
SELECT pg_temp.expect('a onto b',
    (SELECT pg_temp.bytes(activity_map(act, '{"a": "b"}')) FROM h),
    (SELECT pg_temp.bytes(activity_agg(u, d, CASE WHEN f = 'a' THEN 'b' ELSE f END)) FROM hand));
SELECT pg_temp.expect('a onto b: 2 users of b',
    (SELECT user_count(activity_map(act, '{"a": "b"}'), 'b')::text FROM h), '2');
-- dropping every feature: the activity without a feature stays ...
SELECT pg_temp.expect('drop every feature',
    (SELECT pg_temp.bytes(activity_map(act, '{"a": null, "b": null, "c": null}')) FROM h),
    (SELECT pg_temp.bytes(activity_agg(2::bigint, date '2026-01-04'))));
-- ... and without any, nothing is left: NULL
SELECT pg_temp.expect('drop every triple',
    (SELECT pg_temp.bytes(activity_map(activity_filter(act, '{a,b,c}'), '{"a": null, "b": null, "c": null}')) FROM h),
    'NULL');
-- an empty mapping, a mapping of absent features, or of a feature to
-- itself: the same bytes
SELECT pg_temp.expect('empty mapping', (SELECT pg_temp.bytes(activity_map(act, '{}')) FROM h),
                      (SELECT pg_temp.bytes(act) FROM h));
SELECT pg_temp.expect('absent features', (SELECT pg_temp.bytes(activity_map(act, '{"zz": "a", "y": null}')) FROM h),
                      (SELECT pg_temp.bytes(act) FROM h));
SELECT pg_temp.expect('feature to itself', (SELECT pg_temp.bytes(activity_map(act, '{"a": "a"}')) FROM h),
                      (SELECT pg_temp.bytes(act) FROM h));
-- the empty string is a feature name like any other (not "no feature")
SELECT pg_temp.expect('to the empty name',
    (SELECT pg_temp.bytes(activity_map(act, '{"c": ""}')) FROM h),
    (SELECT pg_temp.bytes(activity_agg(u, d, CASE WHEN f = 'c' THEN '' ELSE f END)) FROM hand));
-- straight from the aggregate (an expanded value), unchanged and changed
SELECT pg_temp.expect('expanded input, unchanged',
    (SELECT pg_temp.bytes(activity_map(activity_agg(u, d, f), '{}')) FROM hand), (SELECT pg_temp.bytes(act) FROM h));
SELECT pg_temp.expect('expanded input, changed',
    (SELECT pg_temp.bytes(activity_drop_users(activity_agg(u, d, f), ARRAY[3])) FROM hand),
    (SELECT pg_temp.bytes(activity_agg(u, d, f)) FROM hand WHERE u <> 3));

-- filter: a NULL element keeps the activity without a feature
SELECT pg_temp.expect('filter {NULL}', (SELECT pg_temp.bytes(activity_filter(act, '{NULL}')) FROM h),
                      (SELECT pg_temp.bytes(activity_agg(2::bigint, date '2026-01-04'))));
SELECT pg_temp.expect('filter {c}', (SELECT pg_temp.bytes(activity_filter(act, '{c}')) FROM h),
                      (SELECT pg_temp.bytes(activity_agg(2::bigint, date '2026-01-03', 'c'))));
SELECT pg_temp.expect('filter {c,NULL}', (SELECT pg_temp.bytes(activity_filter(act, ARRAY['c', NULL])) FROM h),
                      (SELECT pg_temp.bytes(activity_agg(u, d, f)) FROM hand WHERE u = 2));
SELECT pg_temp.expect('filter {}', (SELECT pg_temp.bytes(activity_filter(act, '{}')) FROM h), 'NULL');
SELECT pg_temp.expect('filter {a,b,c,NULL}', (SELECT pg_temp.bytes(activity_filter(act, '{c,NULL,b,a}')) FROM h),
                      (SELECT pg_temp.bytes(act) FROM h));

-- drop_users: none, some, all; NULL elements ignored; ids of other types
SELECT pg_temp.expect('drop none', (SELECT pg_temp.bytes(activity_drop_users(act, ARRAY[7, 8])) FROM h),
                      (SELECT pg_temp.bytes(act) FROM h));
SELECT pg_temp.expect('drop NULL', (SELECT pg_temp.bytes(activity_drop_users(act, ARRAY[NULL]::bigint[])) FROM h),
                      (SELECT pg_temp.bytes(act) FROM h));
SELECT pg_temp.expect('drop empty', (SELECT pg_temp.bytes(activity_drop_users(act, '{}'::integer[])) FROM h),
                      (SELECT pg_temp.bytes(act) FROM h));
SELECT pg_temp.expect('drop 2', (SELECT pg_temp.bytes(activity_drop_users(act, ARRAY[2, NULL])) FROM h),
                      (SELECT pg_temp.bytes(activity_agg(u, d, f)) FROM hand WHERE u <> 2));
SELECT pg_temp.expect('drop all', (SELECT pg_temp.bytes(activity_drop_users(act, ARRAY[3, 1, 2, 2])) FROM h), 'NULL');
SELECT pg_temp.expect('int4 ids, bigint array beyond int4',
    (SELECT pg_temp.bytes(activity_drop_users(activity_agg(u::integer, d, f), ARRAY[1, 4294967297])) FROM hand),
    (SELECT pg_temp.bytes(activity_agg(u::integer, d, f)) FROM hand WHERE u <> 1));
SELECT pg_temp.expect('text ids',
    (SELECT pg_temp.bytes(activity_drop_users(activity_agg('u' || u, d, f), ARRAY['u1', 'u', 'u10'])) FROM hand),
    (SELECT pg_temp.bytes(activity_agg('u' || u, d, f)) FROM hand WHERE u <> 1));
SELECT pg_temp.expect('uuid ids',
    (SELECT pg_temp.bytes(activity_drop_users(activity_agg(md5(u::text)::uuid, d, f), ARRAY[md5('3')::uuid])) FROM hand),
    (SELECT pg_temp.bytes(activity_agg(md5(u::text)::uuid, d, f)) FROM hand WHERE u <> 3));
-- NULL arguments: NULL (STRICT)
SELECT pg_temp.expect('NULL summary', pg_temp.bytes(activity_map(NULL, '{}')), 'NULL');
SELECT pg_temp.expect('NULL mapping', (SELECT pg_temp.bytes(activity_map(act, NULL)) FROM h), 'NULL');
SELECT pg_temp.expect('NULL features', (SELECT pg_temp.bytes(activity_filter(act, NULL)) FROM h), 'NULL');
SELECT pg_temp.expect('NULL user_ids', (SELECT pg_temp.bytes(activity_drop_users(act, NULL::bigint[])) FROM h), 'NULL');

-- ==================================================================
-- (e) Errors
-- ==================================================================
SELECT pg_temp.expect_error('mapping an array', $$SELECT activity_map(act, '["a"]') FROM h$$, '22023');
SELECT pg_temp.expect_error('mapping a string', $$SELECT activity_map(act, '"a"') FROM h$$, '22023');
SELECT pg_temp.expect_error('mapping a number', $$SELECT activity_map(act, '1') FROM h$$, '22023');
SELECT pg_temp.expect_error('mapping JSON null', $$SELECT activity_map(act, 'null') FROM h$$, '22023');
SELECT pg_temp.expect_error('mapping value a number', $$SELECT activity_map(act, '{"a": 1}') FROM h$$, '22023');
SELECT pg_temp.expect_error('mapping value true', $$SELECT activity_map(act, '{"a": "x", "b": true}') FROM h$$, '22023');
SELECT pg_temp.expect_error('mapping value an object', $$SELECT activity_map(act, '{"a": {"b": "c"}}') FROM h$$, '22023');
SELECT pg_temp.expect_error('mapping value an array', $$SELECT activity_map(act, '{"a": ["b"]}') FROM h$$, '22023');
-- checked whether or not the key is a feature of the summary
SELECT pg_temp.expect('message names the key',
    pg_temp.expect_error('mapping value of an absent feature', $$SELECT activity_map(act, '{"zz": 2}') FROM h$$, '22023'),
    'mapping value of feature "zz" must be a JSON string or null');

DO $$
DECLARE
    r record;
    e text;
BEGIN
    FOR r IN SELECT * FROM (VALUES
            ('bigint', 'u', 'text[]', 'ARRAY[''1'']'),
            ('bigint', 'u', 'uuid[]', 'ARRAY[md5(''1'')::uuid]'),
            ('bigint', 'u', 'numeric[]', 'ARRAY[1.0]'),
            ('bigint', 'u', 'smallint[]', 'ARRAY[1::smallint]'),
            ('integer', 'u::integer', 'text[]', 'ARRAY[''1'']'),
            ('text', '''u'' || u', 'bigint[]', 'ARRAY[1::bigint]'),
            ('text', '''u'' || u', 'character varying[]', 'ARRAY[''u1''::varchar]'),
            ('text', '''u'' || u', 'uuid[]', 'ARRAY[md5(''1'')::uuid]'),
            ('uuid', 'md5(u::text)::uuid', 'text[]', 'ARRAY[md5(''1'')]'),
            ('uuid', 'md5(u::text)::uuid', 'integer[]', 'ARRAY[1]')) v(t, expr, arr, ids) LOOP
        e := pg_temp.expect_error(format('drop_users of a %s summary with %s', r.t, r.arr),
                 format('SELECT activity_drop_users(activity_agg(%s, d, f), %s) FROM hand', r.expr, r.ids), '42804');
        IF position(replace(r.arr, '[]', '') IN e) = 0 OR position(r.t IN e) = 0 THEN
            RAISE EXCEPTION 'drop_users of a % summary with %: the message does not name both types: %', r.t, r.arr, e;
        END IF;
    END LOOP;
END $$;

-- the properties of the functions
SELECT pg_temp.expect('IMMUTABLE STRICT PARALLEL SAFE, commented',
    (SELECT string_agg(format('%s %s %s %s %s', proname, provolatile, proisstrict, proparallel,
                              obj_description(oid, 'pg_proc') IS NOT NULL), ';' ORDER BY proname)
       FROM pg_proc WHERE proname IN ('activity_map', 'activity_filter', 'activity_drop_users')),
    'activity_drop_users i t s t;activity_filter i t s t;activity_map i t s t');

\echo reshape_oracle: ok
