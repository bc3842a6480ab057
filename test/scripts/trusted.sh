#!/usr/bin/env bash
# The extension is trusted: a database owner who is not a superuser can
# create it, build summaries and read them, and cannot escape through it.
set -euo pipefail
db=adoption_trusted_test
role=adoption_owner_test
psql -X -q -v ON_ERROR_STOP=1 -d postgres <<SQL
DROP DATABASE IF EXISTS $db;
DROP ROLE IF EXISTS $role;
CREATE ROLE $role LOGIN NOSUPERUSER PASSWORD 'owner';
CREATE DATABASE $db OWNER $role;
SQL
out=$(PGUSER=$role PGPASSWORD=owner psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" <<'SQL'
SELECT rolsuper FROM pg_roles WHERE rolname = current_user;
CREATE EXTENSION adoption;
CREATE TABLE ev(u bigint, d date, f text);
INSERT INTO ev VALUES (1, '2026-01-01', 'a'), (2, '2026-01-02', NULL);
SELECT active_users(activity_agg(u, d, f), '2026-01-02', 30) FROM ev;
SELECT extowner::regrole::text FROM pg_extension WHERE extname = 'adoption';
SQL
)
expected=$'f\n2\nadoption_owner_test'
if [[ "$out" != "$expected" ]]; then
    echo "unexpected output from the non-superuser owner:"; echo "$out"; exit 1
fi
# nothing of the extension runs with elevated rights
n=$(psql -X -At -d "$db" -c "SELECT count(*) FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.classid = 'pg_proc'::regclass JOIN pg_extension e ON e.oid = d.refobjid WHERE e.extname = 'adoption' AND p.prosecdef")
[[ "$n" == 0 ]] || { echo "$n SECURITY DEFINER functions"; exit 1; }

# search_path tricks: the owner plants look-alikes of built-ins in a schema
# searched before pg_catalog, then installs the extension there; nothing of
# the extension may come to depend on them
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE $db" -c "CREATE DATABASE $db OWNER $role"
out=$(PGUSER=$role PGPASSWORD=owner psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" <<'SQL'
CREATE SCHEMA evil;
CREATE FUNCTION evil.int4pl(integer, integer) RETURNS integer LANGUAGE sql AS 'SELECT 666';
CREATE OPERATOR evil.+ (LEFTARG = integer, RIGHTARG = integer, FUNCTION = evil.int4pl);
CREATE FUNCTION evil.date(text) RETURNS date LANGUAGE sql AS $$SELECT date '1999-01-01'$$;
CREATE FUNCTION evil.array_length(anyarray, integer) RETURNS integer LANGUAGE sql AS 'SELECT 666';
CREATE DOMAIN evil.text AS pg_catalog.text CHECK (VALUE <> 'feature');
CREATE DOMAIN evil.int4 AS pg_catalog.int4 CHECK (VALUE < 0);
SET search_path = evil, pg_catalog, public;
CREATE EXTENSION adoption SCHEMA evil;
CREATE TABLE public.ev(u bigint, d date, f pg_catalog.text);
INSERT INTO public.ev VALUES (1, '2026-01-01', 'feature'), (2, '2026-01-02', NULL);
SELECT active_users(activity_agg(u, d, f), '2026-01-02', 30)
       || ' ' || feature_adoption_rate(activity_agg(u, d, f), 'feature', '2026-01-02', 30)
FROM public.ev;
-- no object of the extension refers to the look-alikes
SELECT count(*)
FROM pg_depend x
JOIN pg_depend m ON m.classid = x.classid AND m.objid = x.objid AND m.deptype = 'e'
JOIN pg_extension e ON e.oid = m.refobjid AND e.extname = 'adoption'
WHERE (x.refclassid = 'pg_proc'::regclass AND x.refobjid IN (SELECT oid FROM pg_proc WHERE proname IN ('int4pl', 'date', 'array_length') AND pronamespace = 'evil'::regnamespace))
   OR (x.refclassid = 'pg_operator'::regclass AND x.refobjid IN (SELECT oid FROM pg_operator WHERE oprnamespace = 'evil'::regnamespace))
   OR (x.refclassid = 'pg_type'::regclass AND x.refobjid IN (SELECT oid FROM pg_type WHERE typname IN ('text', 'int4') AND typnamespace = 'evil'::regnamespace));
SELECT count(*) FROM pg_proc p
WHERE p.pronamespace = 'evil'::regnamespace
  AND EXISTS (SELECT FROM unnest(p.proargtypes) t WHERE t IN ('evil.text'::regtype, 'evil.int4'::regtype));
SQL
)
expected=$'2 0.5\n0\n0'
if [[ "$out" != "$expected" ]]; then
    echo "search_path look-alikes changed the install:"; echo "$out"; exit 1
fi
psql -X -q -d postgres -c "DROP DATABASE $db" -c "DROP ROLE $role"
echo "trusted install by a non-superuser owner: ok; look-alikes on the search_path ignored"
