--
-- detoast_once: accessors that read one stored value several times in a
-- query fetch it from TOAST once (src/activity/detoast.c), and read the
-- same figures as from a value that never was in TOAST.
--
-- The oracle for every figure is the same accessor over act::text::activity,
-- a copy made by the input function, which is never an out-of-line value.
-- Summaries are made large enough to be stored out of line, compressed
-- (the default storage) and not (EXTERNAL); more distinct values than the
-- cache holds are read in one statement, values change between statements
-- of one transaction, and parallel plans are forced on.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE FUNCTION pg_temp.figures(a activity) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT concat_ws(' | ', user_count(a), active_users(a, '2025-12-31', 30),
                     stickiness(a, '2025-12-31', 30), depth(a, '2025-12-31', 90),
                     champion_share(a, '2025-12-31', 60), usage_trend(a, '2025-12-31', 30),
                     retention_rate(a, 30, 30, '2025-12-31'), (champion(a, '2025-12-31', 90)).user_id,
                     (SELECT string_agg(feature || ':' || users, ',' ORDER BY feature) FROM features(a, '2025-12-31', 365)))
$$;

CREATE TABLE big_ext (id int PRIMARY KEY, act activity);
ALTER TABLE big_ext ALTER act SET STORAGE EXTERNAL;
CREATE TABLE big_cmp (id int PRIMARY KEY, act activity);
INSERT INTO big_ext
SELECT g, activity_agg(u, DATE '2025-01-01' + ((u * 7 + d * g) % 360), 'f' || ((u + d) % (3 + g)))
FROM generate_series(1, 9) g, generate_series(1, 200 + 40 * g) u, generate_series(1, 12) d
GROUP BY g;
INSERT INTO big_cmp SELECT * FROM big_ext;

DO $$
DECLARE n int;
BEGIN
    -- every value is large enough to leave the row
    SELECT count(*) INTO n FROM big_ext WHERE pg_column_size(act) < 4000;
    IF n > 0 THEN RAISE EXCEPTION 'detoast_once: % values too small to be stored out of line', n; END IF;
END $$;

CREATE FUNCTION pg_temp.check_equal(what text, got bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF got <> 0 THEN
        RAISE EXCEPTION 'detoast_once: % differ from the same accessors over an inline copy (% rows)', what, got;
    END IF;
END $$;

-- many accessors on each stored value, one row at a time
SELECT pg_temp.check_equal('figures of EXTERNAL values',
    (SELECT count(*) FROM big_ext WHERE pg_temp.figures(act) IS DISTINCT FROM pg_temp.figures(act::text::activity)));
SELECT pg_temp.check_equal('figures of compressed values',
    (SELECT count(*) FROM big_cmp WHERE pg_temp.figures(act) IS DISTINCT FROM pg_temp.figures(act::text::activity)));

-- two values per row, 81 pairs: more distinct values than the cache holds
-- in one statement, each read again after others
SELECT pg_temp.check_equal('pairs of values read in one statement',
    (SELECT count(*) FROM big_ext a CROSS JOIN big_cmp b
     WHERE (active_users(a.act, '2025-12-31', 30), active_users(b.act, '2025-12-31', 30),
            user_count(a.act), stickiness(b.act, '2025-12-31', 60), depth(a.act, '2025-12-31', 60),
            retention_rate(b.act, 30, 30, '2025-12-31'))
           IS DISTINCT FROM
           (active_users(a.act::text::activity, '2025-12-31', 30), active_users(b.act::text::activity, '2025-12-31', 30),
            user_count(a.act::text::activity), stickiness(b.act::text::activity, '2025-12-31', 60),
            depth(a.act::text::activity, '2025-12-31', 60), retention_rate(b.act::text::activity, 30, 30, '2025-12-31'))));

-- values that change between statements of one transaction are read anew
CREATE TEMP TABLE seen (step int, id int, figures text);
BEGIN;
INSERT INTO seen SELECT 1, id, pg_temp.figures(act) FROM big_ext;
UPDATE big_ext SET act = activity_union(act, (SELECT act FROM big_cmp WHERE id = 10 - big_ext.id)) WHERE id % 2 = 0;
INSERT INTO seen SELECT 2, id, pg_temp.figures(act) FROM big_ext;
SELECT pg_temp.check_equal('figures after an UPDATE in the same transaction',
    (SELECT count(*) FROM big_ext e JOIN seen s ON s.id = e.id AND s.step = 2
     WHERE s.figures IS DISTINCT FROM pg_temp.figures(e.act::text::activity)));
DO $$
DECLARE n int;
BEGIN
    SELECT count(*) INTO n FROM seen a JOIN seen b ON a.id = b.id AND a.step = 1 AND b.step = 2
    WHERE a.id % 2 = 0 AND a.figures IS NOT DISTINCT FROM b.figures;
    IF n > 0 THEN RAISE EXCEPTION 'detoast_once: % updated values read as before the update', n; END IF;
END $$;
COMMIT;

-- the same inside one plpgsql function, which updates and reads again
CREATE FUNCTION pg_temp.update_and_read() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE before bigint; after bigint; expect bigint;
BEGIN
    SELECT sum(user_count(act)) INTO before FROM big_ext;
    UPDATE big_ext SET act = activity_union(act, (SELECT activity_agg(u, DATE '2025-06-01', 'new') FROM generate_series(100000, 100099) u));
    SELECT sum(user_count(act)) INTO after FROM big_ext;
    SELECT sum(user_count(act::text::activity)) INTO expect FROM big_ext;
    IF after <> expect OR after <> before + 900 THEN
        RAISE EXCEPTION 'detoast_once: % users after the update, % expected (% before)', after, expect, before;
    END IF;
    RETURN after;
END $$;
SELECT pg_temp.update_and_read() > 0 AS updated_and_read;

-- parallel plans: workers read the same figures
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
ALTER TABLE big_cmp SET (parallel_workers = 2);
SELECT pg_temp.check_equal('figures under a parallel plan',
    (SELECT count(*) FROM big_cmp WHERE pg_temp.figures(act) IS DISTINCT FROM pg_temp.figures(act::text::activity)));
RESET ALL;

DROP TABLE big_ext, big_cmp;
