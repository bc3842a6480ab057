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
psql -X -q -d postgres -c "DROP DATABASE $db" -c "DROP ROLE $role"
echo "trusted install by a non-superuser owner: ok"
