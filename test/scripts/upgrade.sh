#!/usr/bin/env bash
# upgrade: every released version updates to the current one with nothing
# lost.
#
# The released versions are every version an update script
# sql/adoption--OLD--NEW.sql names, other than the current one.  Only the
# first release has an install script of its own (sql/adoption--0.1.0.sql);
# each later one installs as that script plus the update steps up to it,
# which CREATE EXTENSION ... VERSION finds.  For each released version:
#   1. install that version, build and store activity values (bigint,
#      integer, text and uuid ids), and record their text forms, their
#      binary forms and accessor results;
#   2. ALTER EXTENSION adoption UPDATE;
#   3. the stored values must read back identically (text, binary, the same
#      accessor results, and values built anew from the same events equal
#      the stored ones byte for byte);
#   4. the extension's objects and their definitions must equal those of a
#      fresh install of the current version.
# Update scripts must not DROP anything users may depend on.
#
# Runs against the cluster named by the PG* environment (test/run provides a
# throw-away one).  Exits non-zero on any difference.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

psql=(psql -X -q -At -v ON_ERROR_STOP=1)
current="$(sed -n "s/^default_version = '\(.*\)'/\1/p" adoption.control)"
dbs=()
cleanup() {
    local d
    for d in "${dbs[@]}"; do dropdb --if-exists "$d" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT
newdb() {
    dropdb --if-exists "$1" >/dev/null 2>&1 || true
    createdb "$1"
    dbs+=("$1")
}
fail() { echo "FAIL: $*"; exit 1; }

# update scripts never drop an object
if grep -l -i -E '^[[:space:]]*DROP[[:space:]]' sql/adoption--*--*.sql 2>/dev/null; then
    fail "an update script drops an object (above)"
fi

# the events every version summarises, and what is recorded of them
setup_sql=$(cat <<'SQL'
CREATE TABLE ev AS
SELECT (i % 97)::bigint AS user_id, (i % 7)::bigint AS account_id,
       CASE WHEN i % 5 = 0 THEN NULL ELSE 'feature_' || (i % 11) END AS feature,
       timestamptz '2026-01-01 00:00+00' + (i * 7919 % 400) * interval '1 day'
           + (i % 24) * interval '1 hour' AS occurred_at
FROM generate_series(1, 20000) AS i;
CREATE TABLE kept AS
SELECT account_id,
       activity_agg(user_id, occurred_at, feature) AS a8,
       activity_agg(user_id::integer, occurred_at::date, feature) AS a4,
       activity_agg('u' || user_id, occurred_at, feature) AS at,
       activity_agg(md5(user_id::text)::uuid, occurred_at, feature) AS au
FROM ev GROUP BY account_id;
SQL
)
# one line a value: its text, binary and accessor results
record_sql=$(cat <<'SQL'
SELECT string_agg(concat_ws('|', account_id, a8::text, a4::text, at::text, au::text,
                            md5(activity_send(a8)), md5(activity_send(au)),
                            user_count(a8), active_users(a8, '2027-01-31', 90),
                            stickiness(a4, '2027-01-31'), adoption_rate(at, 50, '2027-01-31'),
                            depth(au, '2027-01-31', 90), first_day(a8), last_day(a8),
                            (SELECT string_agg(concat_ws(':', r.feature, r.day, r.cohort_users,
                                                         r.eligible_users, r.retained_users), ',')
                               FROM feature_retention(a8, as_of => '2027-01-31') r)),
                  E'\n' ORDER BY account_id)
FROM kept;
SQL
)
# the extension's objects and everything that defines them
objects_sql=$(cat <<'SQL'
WITH o AS (
    SELECT d.classid, d.objid, pg_describe_object(d.classid, d.objid, 0) AS obj
    FROM pg_depend d JOIN pg_extension e ON d.refobjid = e.oid
    WHERE d.refclassid = 'pg_extension'::regclass AND e.extname = 'adoption' AND d.deptype = 'e')
SELECT string_agg(concat_ws(' | ', o.obj,
           obj_description(o.objid, o.classid::regclass::text),
           (SELECT concat_ws(' ', pg_get_function_result(p.oid), p.provolatile, p.proparallel,
                             p.proisstrict, p.procost, p.prorows, p.prosecdef, p.proleakproof,
                             p.prosrc, p.probin, p.proconfig, p.prokind,
                             pg_get_function_arguments(p.oid))
              FROM pg_proc p WHERE o.classid = 'pg_proc'::regclass AND p.oid = o.objid),
           (SELECT concat_ws(' ', a.aggtransfn, a.aggcombinefn, a.aggfinalfn, a.aggserialfn,
                             a.aggdeserialfn, a.aggtranstype::regtype, a.agginitval)
              FROM pg_aggregate a WHERE o.classid = 'pg_proc'::regclass AND a.aggfnoid = o.objid),
           (SELECT concat_ws(' ', t.typinput, t.typoutput, t.typreceive, t.typsend,
                             t.typlen, t.typalign, t.typstorage)
              FROM pg_type t WHERE o.classid = 'pg_type'::regclass AND t.oid = o.objid)),
       E'\n' ORDER BY o.obj)
FROM o;
SQL
)

newdb adoption_upgrade_fresh
"${psql[@]}" -d adoption_upgrade_fresh -c "CREATE EXTENSION adoption"
fresh_objects="$("${psql[@]}" -d adoption_upgrade_fresh -c "$objects_sql")"
[[ -n "$fresh_objects" ]] || fail "no objects in a fresh install"

# the versions the update scripts name, oldest first
released=()
while read -r v; do
    [[ -n "$v" && "$v" != "$current" ]] && released+=("$v")
done < <(for script in sql/adoption--*--*.sql; do
             step="$(basename "$script" .sql)"
             step="${step#adoption--}"
             echo "${step%%--*}"
             echo "${step#*--}"
         done | sort -u -V)
[[ ${#released[@]} -gt 0 ]] || echo "no update script names an earlier version"
# a version without an install script here installs through its update path,
# unless an older installation left its script in the server's directory
extdir="$("${PG_CONFIG:-pg_config}" --sharedir)/extension"

n=0
for old in "${released[@]}"; do
    if [[ ! -e "sql/adoption--$old.sql" && -e "$extdir/adoption--$old.sql" ]]; then
        echo "note: $extdir/adoption--$old.sql, left by an older installation, installs $old instead of its update path"
    fi
    db="adoption_upgrade_${old//[^0-9A-Za-z]/_}"
    newdb "$db"
    "${psql[@]}" -d "$db" -c "CREATE EXTENSION adoption VERSION '$old'"
    "${psql[@]}" -d "$db" -c "$setup_sql"
    before="$("${psql[@]}" -d "$db" -c "$record_sql")"
    [[ -n "$before" ]] || fail "$old: nothing recorded"

    "${psql[@]}" -d "$db" -c "ALTER EXTENSION adoption UPDATE"
    got="$("${psql[@]}" -d "$db" -c "SELECT extversion FROM pg_extension WHERE extname = 'adoption'")"
    [[ "$got" == "$current" ]] || fail "$old: updated to $got, not $current"

    after="$("${psql[@]}" -d "$db" -c "$record_sql")"
    [[ "$before" == "$after" ]] || fail "$old: stored values read differently after the update"
    # built anew by the current version: the same bytes as those stored
    nbad="$("${psql[@]}" -d "$db" -c "
        SELECT count(*) FROM kept k JOIN (
            SELECT account_id, activity_agg(user_id, occurred_at, feature) AS a8,
                   activity_agg('u' || user_id, occurred_at, feature) AS at
            FROM ev GROUP BY account_id) n USING (account_id)
        WHERE activity_send(k.a8) <> activity_send(n.a8) OR k.at::text <> n.at::text")"
    [[ "$nbad" == 0 ]] || fail "$old: $nbad stored values differ from values built anew"

    objects="$("${psql[@]}" -d "$db" -c "$objects_sql")"
    if [[ "$objects" != "$fresh_objects" ]]; then
        diff <(echo "$fresh_objects") <(echo "$objects") | head -40
        fail "$old: the updated extension differs from a fresh install of $current (< fresh, > updated)"
    fi
    n=$((n + 1))
    echo "upgrade from $old to $current: $(echo "$before" | wc -l) stored groups read back identically; $(echo "$objects" | wc -l) objects equal a fresh install"
done
echo "upgrade: ok"
