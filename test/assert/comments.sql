--
-- comments: every object of the extension carries a COMMENT, so that
-- \df+, \dT+ and the catalogs that BI tools read describe each one.
--
-- The objects are those pg_depend ties to the extension (functions,
-- aggregates, types, casts, operators, ...); a comment must be present and
-- say something (not empty, not only blanks).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

DO $$
DECLARE
    total int;
    missing text;
BEGIN
    SELECT count(*),
           string_agg(pg_describe_object(d.classid, d.objid, d.objsubid), ', '
                      ORDER BY pg_describe_object(d.classid, d.objid, d.objsubid))
               FILTER (WHERE coalesce(btrim(obj_description(d.objid, d.classid::regclass::text)), '') = '')
      INTO total, missing
    FROM pg_depend d JOIN pg_extension e ON d.refobjid = e.oid
    WHERE d.refclassid = 'pg_extension'::regclass AND e.extname = 'adoption' AND d.deptype = 'e';
    IF total < 30 THEN
        RAISE EXCEPTION 'comments: only % objects belong to the extension', total;
    END IF;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'comments: objects without a comment: %', missing;
    END IF;
    RAISE NOTICE 'comments: % objects, each with a comment', total;
END $$;

-- the check itself catches a missing comment
BEGIN;
COMMENT ON FUNCTION activity_union(activity, activity) IS NULL;
DO $$
DECLARE n int;
BEGIN
    SELECT count(*) INTO n
    FROM pg_depend d JOIN pg_extension e ON d.refobjid = e.oid
    WHERE d.refclassid = 'pg_extension'::regclass AND e.extname = 'adoption' AND d.deptype = 'e'
      AND obj_description(d.objid, d.classid::regclass::text) IS NULL;
    IF n <> 1 THEN
        RAISE EXCEPTION 'comments: a removed comment was not seen (% missing)', n;
    END IF;
END $$;
ROLLBACK;
