#!/usr/bin/env bash
# Random SQL against the extension with sqlsmith (Debian package sqlsmith).
#
#   pg_virtualenv -v 15 bash test/scripts/sqlsmith.sh        # (test/run runs it too)
#   SQLSMITH_QUERIES=20000 SQLSMITH_SEEDS="1 2 3 4 5" pg_virtualenv -v 15 bash test/scripts/sqlsmith.sh
#
# Creates a fresh database holding the extension, the generated data
# (data/generate.sql at a small scale), tables of activity values per
# account, per account and day, and per account with departments as users
# (so that sqlsmith finds the type in columns; a NULL, a one-triple value
# and one spanning every date included), a view of accessors over them, a
# table of arguments at and past the edges of what the functions accept,
# and plain (not set-returning) wrappers of the set-returning functions,
# which sqlsmith does not call itself. sqlsmith's routine list is
# narrowed, through the role's search_path, to the extension's routines
# (each listed SQLSMITH_WEIGHT times, default 8) and the built-ins over
# the tables' types (SQLSMITH_ALL_FUNCTIONS=1: all of pg_proc). Then, for
# each seed of SQLSMITH_SEEDS (default "1"), runs SQLSMITH_QUERIES
# (default 2000) generated statements as a role that is not a superuser
# (so that random calls of pg_terminate_backend, pg_reload_conf, lo_import
# ... are refused), with --exclude-catalog (the queries read the user
# tables, where the activity columns are, not the system catalogs) and
# sqlsmith's own statement_timeout of 1 s (60 s on the role, for its
# catalogue queries).
#
# Fails when:
#   - the server crashed: sqlsmith lost its connection, a watching session
#     opened before the run is gone (a crash restarts every backend), or the
#     server log (when found: the pg_virtualenv cluster's, or
#     SQLSMITH_SERVER_LOG) says "terminated by signal" or "reinitializing";
#   - an error was an internal one (SQLSTATE XX000, "unexpected", "cache
#     lookup failed") raised by the extension: every such error is run again
#     with VERBOSITY verbose and its LOCATION compared with the extension's
#     source files; internal errors of PostgreSQL's own code are listed, not
#     counted, unless the query involves the extension and the error cannot
#     be attributed.
# Prints queries per second, how many statements called the extension's
# functions or read its activity values, and the extension's errors.
# SQLSMITH_KEEP=DIR keeps the logs (sqlsmith's, the errors, the server log).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

QUERIES="${SQLSMITH_QUERIES:-2000}"
SEEDS="${SQLSMITH_SEEDS:-1}"
EVENTS="${SQLSMITH_EVENTS:-10000}"
db=adoption_sqlsmith
logdb=adoption_sqlsmith_log
role=adoption_sqlsmith

if ! command -v sqlsmith >/dev/null; then
    bash "$ROOT/test/install-deps" sqlsmith
fi

work="$(mktemp -d)"
chmod 755 "$work"
watch_pid=""
cleanup() {
    if [[ -n "$watch_pid" ]]; then
        psql -X -q -d postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'sqlsmith_watch'" >/dev/null 2>&1 || true
        kill "$watch_pid" 2>/dev/null || true
    fi
    dropdb --if-exists "$db" >/dev/null 2>&1 || true
    dropdb --if-exists "$logdb" >/dev/null 2>&1 || true
    psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP ROLE IF EXISTS $role" >/dev/null 2>&1 || true
    if [[ -n "${SQLSMITH_KEEP:-}" ]]; then
        mkdir -p "$SQLSMITH_KEEP"
        cp -a "$work"/. "$SQLSMITH_KEEP"/
        echo "logs kept in $SQLSMITH_KEEP"
    fi
    rm -rf "$work"
}
trap cleanup EXIT

psql=(psql -X -q -v ON_ERROR_STOP=1)
dropdb --if-exists "$db" >/dev/null 2>&1 || true
dropdb --if-exists "$logdb" >/dev/null 2>&1 || true
"${psql[@]}" -d postgres -c "SET client_min_messages = warning" -c "DROP ROLE IF EXISTS $role" >/dev/null

# --- the database ------------------------------------------------------------
"${psql[@]}" -d postgres -v role="$role" -v pw="${PGPASSWORD:-}" <<'SQL'
SELECT :'pw' = '' AS nopw \gset
\if :nopw
CREATE ROLE :"role" LOGIN;
\else
CREATE ROLE :"role" LOGIN PASSWORD :'pw';
\endif
-- sqlsmith sets statement_timeout = 1s in its session; this bounds the rest
ALTER ROLE :"role" SET statement_timeout = '60s';
SQL
createdb "$db"
"${psql[@]}" -d "$db" -c 'CREATE EXTENSION adoption'
"${psql[@]}" -d "$db" -v events="$EVENTS" -v seed=1 -f data/generate.sql
"${psql[@]}" -d "$db" -v role="$role" <<'SQL'
SET client_min_messages = warning;
-- activity values per account and day, per account, and per department
CREATE TABLE account_days AS
SELECT account_id, occurred_at::date AS day,
       activity_agg(user_id, occurred_at::date, feature) AS act
FROM events GROUP BY 1, 2;
CREATE TABLE account_activity AS
SELECT a.account_id, a.seats, a.signed_at, s.act
FROM accounts a
LEFT JOIN (SELECT account_id, rollup(act) AS act FROM account_days GROUP BY 1) s USING (account_id);
-- a NULL value, a value of one user on one day with no feature, and one
-- whose days span every date PostgreSQL has
INSERT INTO account_activity VALUES (-1, 10, date '2026-01-01', NULL),
    (-2, 0, date '2026-06-30', (SELECT activity_agg(1, date '2026-06-30'))),
    (-3, 3, date '2026-01-01',
     (SELECT activity_agg(u, d, 'reports')
      FROM (VALUES (1, date '4713-01-01 BC'), (2, date '5874897-12-31'), (3, date '2026-01-01')) AS x(u, d)));
CREATE TABLE department_activity AS
SELECT e.account_id, activity_agg(u.department, e.occurred_at, e.feature) AS act
FROM events e JOIN users u USING (user_id) GROUP BY 1;

CREATE VIEW account_metrics AS
SELECT account_id, seats, act,
       active_users(act, date '2026-06-30') AS mau,
       stickiness(act, date '2026-06-30') AS stickiness,
       adoption_rate(act, seats, date '2026-06-30') AS adoption,
       retention_rate(act, 30, 30, date '2026-06-30') AS retention_30,
       usage_trend(act, date '2026-06-30') AS trend,
       champion_share(act, date '2026-06-30') AS champion_share,
       first_day(act) AS first_day, last_day(act) AS last_day
FROM account_activity;

-- plain wrappers of the set-returning functions: sqlsmith calls only
-- functions that return one value
CREATE FUNCTION srf_features(act activity, as_of date, days integer, seats bigint)
RETURNS text LANGUAGE sql AS
$$SELECT string_agg(r::text, ';') FROM features(act, as_of, days, seats) r$$;
CREATE FUNCTION srf_retention(act activity, days integer[], width integer, as_of date,
                              feature text, cohort_from date, cohort_to date)
RETURNS text LANGUAGE sql AS
$$SELECT string_agg(r::text, ';') FROM retention(act, days, width, as_of, feature, cohort_from, cohort_to) r$$;
CREATE FUNCTION srf_feature_retention(act activity, days integer[], width integer, as_of date)
RETURNS text LANGUAGE sql AS
$$SELECT string_agg(r::text, ';') FROM feature_retention(act, days, width, as_of) r$$;
CREATE FUNCTION srf_cohort_retention(act activity, period text, periods integer, as_of date, feature text)
RETURNS text LANGUAGE sql AS
$$SELECT string_agg(r::text, ';') FROM cohort_retention(act, period, periods, as_of, feature) r$$;
CREATE FUNCTION srf_lifecycle(act activity, period text, periods integer, as_of date, feature text)
RETURNS text LANGUAGE sql AS
$$SELECT string_agg(r::text, ';') FROM lifecycle(act, period, periods, as_of, feature) r$$;
CREATE FUNCTION srf_time_to_feature(act activity, n integer, as_of date)
RETURNS text LANGUAGE sql AS
$$SELECT r::text FROM time_to_feature(act, n, as_of) r$$;
CREATE FUNCTION srf_champion(act activity, as_of date, days integer)
RETURNS text LANGUAGE sql AS
$$SELECT r::text FROM champion(act, as_of, days) r$$;

-- arguments at and past the edges of what the functions accept
CREATE TABLE probe (days integer, as_of date, feature text, period text,
                    checkpoints integer[], seats bigint, signals jsonb, model jsonb);
INSERT INTO probe VALUES
    (30, date '2026-06-30', 'reports', 'week', '{30,60,90}', 25,
     '{"adoption_rate": 0.4, "dau_mau": 0.3, "nps": 25}',
     '{"components": {"adoption_rate": {"weight": 3, "red": 0.2, "green": 0.6},
                      "dau_mau": {"weight": 2, "red": 0.05, "green": 0.25},
                      "nps": {"weight": 1, "red": 0, "green": 50}}}'),
    (0, date 'infinity', '', 'day', '{}', 0, '{}', '{}'),
    (-1, date '-infinity', NULL, 'month', '{0}', -1, '{"nps": "x"}', '{"components": {}}'),
    (1, date '2025-01-01', 'search', 'year', '{-1,0,1}', 1, '[]', '{"components": {"nps": {"weight": 0}}}'),
    (2147483647, date '5874897-12-31', repeat('f', 300), '', '{2147483647}', 9223372036854775807,
     '{"nps": 1e300}', '{"components": {"nps": {"weight": 1e308, "red": 0, "green": 0}}, "missing": "x"}'),
    (-2147483648, date '4713-01-01 BC', 'Reports', NULL, '{NULL,30}', NULL, NULL, NULL),
    (NULL, NULL, 'dashboards', 'WEEK', NULL, 5000, 'null', '"x"');

-- arguments of the reshaping functions: mappings (valid, not an object,
-- a value of the wrong type), feature lists and user ids; and a wrapper of
-- activity_drop_users, whose anyarray argument sqlsmith does not fill
CREATE TABLE reshape_probe (mapping jsonb, features text[], user_ids integer[]);
INSERT INTO reshape_probe VALUES
    ('{"reports": "analytics", "dashboards": "analytics", "search": null}', '{reports,NULL}', '{1,2,3}'),
    ('{}', '{}', '{}'),
    ('[]', '{NULL}', '{NULL}'),
    ('{"reports": 1}', '{nope,""}', '{-2147483648,2147483647}'),
    ('{"": "", "x": "reports"}', NULL, NULL),
    (NULL, '{dashboards,reports,search,exports,alerts,comments,sharing,integrations,api,mobile,sso,billing}', '{5,5,5}');
CREATE FUNCTION drop_users_int(act activity, user_ids integer[])
RETURNS activity LANGUAGE sql AS
$$SELECT activity_drop_users(act, user_ids)$$;

-- sqlsmith sees only the tables it may use: those holding activity values,
-- the view and the edge arguments (not the events, users and accounts)
GRANT SELECT, INSERT, UPDATE, DELETE
    ON account_days, account_activity, department_activity, probe, reshape_probe TO :"role";
GRANT SELECT ON account_metrics TO :"role";
VACUUM ANALYZE;
SQL

# sqlsmith picks functions at random from all of pg_proc, where the
# extension's are a few dozen among thousands, and most of the rest take
# polymorphic or unrelated types.  It reads pg_proc unqualified, so the
# role's search_path puts a view of it first: the extension's functions
# and aggregates, the wrappers, and the built-in ones (not system
# administration functions) whose arguments and result are all of the
# types in the tables.  The generated statements qualify every name, so
# they are unaffected.  SQLSMITH_WEIGHT (default 8): how many times each of
# the extension's routines is listed.  SQLSMITH_ALL_FUNCTIONS=1: plain sqlsmith.
if [[ "${SQLSMITH_ALL_FUNCTIONS:-0}" != 1 ]]; then
    "${psql[@]}" -d "$db" -v role="$role" -v weight="${SQLSMITH_WEIGHT:-8}" <<'SQL'
CREATE SCHEMA sqlsmith_catalog;
CREATE VIEW sqlsmith_catalog.pg_proc AS
WITH ext AS (
    SELECT objid FROM pg_catalog.pg_depend
    WHERE refobjid = (SELECT oid FROM pg_catalog.pg_extension WHERE extname = 'adoption')
      AND classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND deptype = 'e'),
types AS (
    SELECT pg_catalog.array_agg(t::pg_catalog.regtype::pg_catalog.oid) AS oids
    FROM pg_catalog.unnest('{bool,int2,int4,int8,float8,numeric,text,date,timestamptz,
                             timestamp,interval,int4[],text[],jsonb,activity}'::text[]) AS t)
SELECT p.* FROM pg_catalog.pg_proc p, types,
    -- sqlsmith draws from its list of routines: in the listings (the
    -- queries that read prorettype, not those of the argument types) each
    -- of the extension's is there :weight times
    pg_catalog.generate_series(1, CASE WHEN pg_catalog.current_query() ~ 'prorettype'
                                         AND (p.oid IN (SELECT objid FROM ext) OR p.proname LIKE 'srf\_%'
                                              OR p.proname = 'drop_users_int')
                                       THEN :weight ELSE 1 END)
WHERE p.oid IN (SELECT objid FROM ext)
   OR (p.pronamespace = 'public'::pg_catalog.regnamespace AND (p.proname LIKE 'srf\_%' OR p.proname = 'drop_users_int'))
   OR (p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace
       AND p.prorettype = ANY (types.oids)
       AND p.proargtypes::pg_catalog.oid[] OPERATOR(pg_catalog.<@) types.oids
       AND p.proname !~ '^(pg_|binary_upgrade|lo_|set_config|current_setting|txid|has_|brin_|gin_|ts_|nextval|setval|currval)');
GRANT USAGE ON SCHEMA sqlsmith_catalog TO :"role";
GRANT SELECT ON sqlsmith_catalog.pg_proc TO :"role";
ALTER ROLE :"role" IN DATABASE adoption_sqlsmith
    SET search_path = sqlsmith_catalog, pg_catalog, public;
SQL
    echo "routines offered to sqlsmith: $("${psql[@]}" -At -d "$db" -c "SELECT count(*) FILTER (WHERE pronamespace <> 'pg_catalog'::regnamespace) || ' of the extension (each ${SQLSMITH_WEIGHT:-8} times when listed), ' || count(*) FILTER (WHERE pronamespace = 'pg_catalog'::regnamespace) || ' built-in' FROM sqlsmith_catalog.pg_proc")"
fi

# names whose call in a statement is a call into the extension
ext_names="$("${psql[@]}" -At -d "$db" -c "
    SELECT string_agg(DISTINCT p.proname, '|')
    FROM pg_proc p
    WHERE p.oid IN (SELECT objid FROM pg_depend
                    WHERE refobjid = (SELECT oid FROM pg_extension WHERE extname = 'adoption')
                      AND classid = 'pg_proc'::regclass AND deptype = 'e')
       OR p.proname LIKE 'srf\\_%' OR p.proname = 'drop_users_int'")"
call_re="\\.($ext_names)\\("
read_re="public\\.(account_days|account_activity|department_activity|account_metrics)[^a-z_]"

# sqlsmith's error log (its --log-to schema), in another database
createdb "$logdb"
"${psql[@]}" -d "$logdb" <<'SQL'
CREATE TABLE instance (id bigserial PRIMARY KEY, rev text, target text, hostname text,
                       version text, seed text, t timestamptz DEFAULT now());
CREATE TABLE error (id bigint, msg text, query text, sqlstate text, t timestamptz DEFAULT now());
CREATE TABLE stat (id bigint, generated bigint, level float8, nodes float8, updated timestamptz,
                   retries float8, impedance text);
SQL

# --- the watchers -------------------------------------------------------------
# a session that lives through the run unless the server restarts
PGAPPNAME=sqlsmith_watch psql -X -q -d postgres -c "SELECT pg_sleep(86400)" >/dev/null 2>&1 &
watch_pid=$!
watch_backend=""
for _ in $(seq 1 50); do
    watch_backend="$(psql -X -At -d postgres -c "SELECT pid || ' ' || backend_start FROM pg_stat_activity WHERE application_name = 'sqlsmith_watch'")"
    [[ -n "$watch_backend" ]] && break
    sleep 0.1
done
[[ -n "$watch_backend" ]] || { echo "FAIL: the watching session did not start"; exit 1; }

server_log="${SQLSMITH_SERVER_LOG:-}"
if [[ -z "$server_log" ]] && command -v pg_lsclusters >/dev/null && [[ -n "${PGPORT:-}" ]]; then
    server_log="$(pg_lsclusters -h 2>/dev/null | awk -v p="$PGPORT" '$3 == p { print $7; exit }')"
fi
log_from=0
if [[ -n "$server_log" && -r "$server_log" ]]; then
    log_from="$(stat -c %s "$server_log")"
    echo "server log: $server_log (from byte $log_from)"
else
    echo "server log: not found (crashes are seen through the connections only)"
    server_log=""
fi

# --- the runs -----------------------------------------------------------------
calc() { awk "BEGIN { printf \"%.1f\", $1 }"; }
failed=0
total=0
calls=0
reads=0
either=0
start=$(date +%s.%N)
for seed in $SEEDS; do
    echo "== sqlsmith --seed=$seed --max-queries=$QUERIES"
    rc=0
    t0=$(date +%s.%N)
    # every generated statement ends with ";" at the end of a line
    sqlsmith --target="dbname=$db user=$role" --log-to="dbname=$logdb" \
        --seed="$seed" --max-queries="$QUERIES" --exclude-catalog --verbose --dump-all-queries \
        2>"$work/sqlsmith-$seed.err" \
        | CALL_RE="$call_re" READ_RE="$read_re" awk -v out="$work/counts-$seed" '
            { q = q $0 "\n" }
            /;$/ { n++; c = (q ~ ENVIRON["CALL_RE"]); r = (q ~ ENVIRON["READ_RE"])
                   nc += c; nr += r; ne += (c || r); q = "" }
            END { print n + 0, nc + 0, nr + 0, ne + 0 > out }' || rc=$?
    t1=$(date +%s.%N)
    read -r n c r e <"$work/counts-$seed"
    total=$((total + n)); calls=$((calls + c)); reads=$((reads + r)); either=$((either + e))
    echo "seed $seed: $n statements in $(calc "$t1 - $t0") s ($(calc "$n / ($t1 - $t0)")/s);" \
        "$c call the extension's functions, $r read activity values, $e either"
    grep -E '^(queries|error rate)' "$work/sqlsmith-$seed.err" | tail -n 2 | tr '\n' ' ' || true; echo
    if [[ $rc -ne 0 ]]; then
        echo "FAIL: sqlsmith exited with status $rc"
        tail -n 20 "$work/sqlsmith-$seed.err"
        failed=1
    fi
    if [[ "$n" -lt "$QUERIES" ]]; then
        echo "FAIL: sqlsmith generated $n statements, not $QUERIES"
        failed=1
    fi
done
end=$(date +%s.%N)
echo "all seeds: $total statements in $(calc "$end - $start") s ($(calc "$total / ($end - $start)")/s);" \
    "$calls ($(calc "100 * $calls / $total") %) call the extension's functions," \
    "$reads ($(calc "100 * $reads / $total") %) read activity values, $either ($(calc "100 * $either / $total") %) either"

# --- crashes ------------------------------------------------------------------
now_backend="$(psql -X -At -d postgres -c "SELECT pid || ' ' || backend_start FROM pg_stat_activity WHERE application_name = 'sqlsmith_watch'" || true)"
if [[ "$now_backend" != "$watch_backend" ]]; then
    echo "FAIL: the watching session is gone: the server restarted (crash)"
    failed=1
fi
psql -X -q -d postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'sqlsmith_watch'" >/dev/null || true
wait "$watch_pid" 2>/dev/null || true
watch_pid=""

lost="$(psql -X -At -d "$logdb" -c "SELECT count(*) FROM error WHERE sqlstate LIKE '08%' OR sqlstate IN ('57P01', '57P02', '57P03') OR msg ~ 'server closed the connection|connection to server'")"
if [[ "$lost" -ne 0 ]]; then
    echo "FAIL: $lost statements lost their connection:"
    psql -X -At -d "$logdb" -c "SELECT sqlstate, left(msg, 200) FROM error WHERE sqlstate LIKE '08%' OR sqlstate IN ('57P01', '57P02', '57P03') OR msg ~ 'server closed the connection|connection to server' LIMIT 5"
    failed=1
fi
if [[ -n "$server_log" ]]; then
    tail -c +"$((log_from + 1))" "$server_log" >"$work/server.log"
    if grep -qE 'terminated by signal|reinitializing|server process .* exited with exit code [1-9]' "$work/server.log"; then
        echo "FAIL: the server log reports a crash:"
        grep -E -B2 -A6 'terminated by signal|reinitializing|exited with exit code [1-9]' "$work/server.log" | head -n 60
        failed=1
    else
        echo "server log: no crash ($(wc -l <"$work/server.log") lines written during the run)"
    fi
fi

# --- errors -------------------------------------------------------------------
psql -X -q -d "$logdb" -c "\\copy (SELECT sqlstate, msg, query FROM error) TO '$work/errors.csv' CSV"
echo "errors in statements that involve the extension, other than those of class 42 (the statement refused before it runs), by SQLSTATE and message:"
psql -X -q -d "$logdb" -v call="$call_re" -v read="$read_re" -P footer=off <<'SQL'
SELECT count(*) AS n, sqlstate, left(split_part(msg, E'\n', 1), 110) AS message
FROM error
WHERE (query ~ :'call' OR query ~ :'read') AND sqlstate NOT LIKE '42%'
GROUP BY 2, 3 ORDER BY 1 DESC, 2, 3 LIMIT 40;
SELECT count(*) AS "errors of class 42 (all statements)" FROM error WHERE sqlstate LIKE '42%';
SQL

# internal errors: run each again, verbose, and look where it was raised
# (the extension's C files, in any folder under src/: a location names the
# file alone)
srcs="$(cd "$ROOT/src" && find . -name '*.c' -printf '%f\n' | sort | paste -sd'|')"
psql -X -At -d "$logdb" -c "SELECT query FROM error WHERE sqlstate = 'XX000' OR msg ~* 'unexpected|cache lookup failed' ORDER BY t" \
    -R $'\x1e' -o "$work/internal.txt"
ninternal=0
if [[ -s "$work/internal.txt" ]]; then
    while IFS= read -r -d $'\x1e' q || [[ -n "$q" ]]; do
        [[ -n "$q" ]] || continue
        ninternal=$((ninternal + 1))
        out="$(printf 'BEGIN;\nSET LOCAL statement_timeout = %s;\n%s;\nROLLBACK;\n' "'10s'" "$q" \
            | psql -X -q -d "$db" -U "$role" -v VERBOSITY=verbose 2>&1 || true)"
        loc="$(grep -m1 -E '^LOCATION:' <<<"$out" || true)"
        msg="$(grep -m1 -E '^ERROR:' <<<"$out" || true)"
        involves=0
        if [[ "$q" =~ $call_re || "$q" =~ $read_re ]]; then involves=1; fi
        if [[ "$loc" =~ ($srcs): ]]; then
            echo "FAIL: internal error raised by the extension: $msg $loc"
            echo "$q" | head -c 4000; echo
            failed=1
        elif [[ -z "$loc" && $involves -eq 1 ]]; then
            echo "FAIL: internal error in a statement involving the extension, not reproduced: $(head -c 300 <<<"$q")"
            failed=1
        elif [[ -z "$loc" ]]; then
            echo "(an internal error not reproduced, in a statement without the extension: $(head -c 200 <<<"$q"))"
        else
            echo "(PostgreSQL's own internal error, not counted: $msg $loc)"
        fi
    done <"$work/internal.txt"
fi
echo "internal errors: $ninternal"

if [[ $failed -ne 0 ]]; then
    echo "sqlsmith: FAILED"
    exit 1
fi
echo "sqlsmith: ok ($total statements, no crash, no internal error from the extension)"
