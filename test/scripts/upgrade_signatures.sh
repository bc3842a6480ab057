#!/usr/bin/env bash
# upgrade_signatures: 0.3.0 gave retention, retention_rate,
# cohort_retention and lifecycle trailing arguments with defaults
# (start_feature, recurring, week_start).  The update renames the 0.2.0
# functions (to NAME_v0_2) and creates the new signatures under the old
# names (doc/reference.md, "Signatures across versions").  This checks that:
#   1. views, a materialized view and a SQL-standard function body (a
#      string body before PostgreSQL 14) made
#      with the 0.2.0 functions survive ALTER EXTENSION adoption UPDATE
#      (it must not fail on them) and give the same rows afterwards;
#   2. after the update, and in a fresh install, every call of the 0.2.0
#      forms (positional with each number of arguments, named, mixed)
#      resolves, to exactly one function ("is not unique" never occurs),
#      and gives the rows the 0.2.0 functions gave; calls that use the new
#      arguments, positional or named, resolve too;
#   3. a plain dump of the updated database restores into a fresh install
#      of the current version, with the same rows from the views.
#
# Runs against the cluster named by the PG* environment (test/run provides a
# throw-away one).  Exits non-zero on any difference.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

psql=(psql -X -q -At -v ON_ERROR_STOP=1)
work="$(mktemp -d)"
dbs=()
cleanup() {
    local d
    for d in "${dbs[@]}"; do dropdb --if-exists "$d" >/dev/null 2>&1 || true; done
    rm -rf "$work"
}
trap cleanup EXIT
newdb() {
    dropdb --if-exists "$1" >/dev/null 2>&1 || true
    createdb "$1"
    dbs+=("$1")
}
fail() { echo "FAIL: $*"; exit 1; }

# the summaries, and the 0.2.0 calls (as text, one a line) to compare
setup_sql=$(cat <<'SQL'
SET TimeZone = 'UTC';
CREATE TABLE ev AS
SELECT (CASE WHEN i % 7 = 0 THEN 1000 + i % 97 ELSE i % 211 END)::bigint AS user_id, (i % 211 % 3)::bigint AS account_id,
       CASE WHEN i % 4 = 0 THEN NULL ELSE 'f' || (i % 5) END AS feature,
       CASE WHEN i % 7 = 0
            -- every seventh row, of users of their own, in the last 60
            -- days: the calls that take the default as_of (today) have
            -- weekly and monthly cohorts
            THEN (current_date - 60)::timestamptz + (i * 7919 % 55) * interval '1 day'
            ELSE timestamptz '2025-06-01 00:00+00'
                 + ((i % 211 % 40) * 7 + i * 7919 % 90) * interval '1 day'
       END AS occurred_at
FROM generate_series(1, 12000) AS i;
CREATE TABLE s AS
SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act FROM ev GROUP BY 1;
CREATE TABLE calls (id serial PRIMARY KEY, q text NOT NULL);
INSERT INTO calls (q) VALUES
 ('retention(act)'),
 ('retention(act, ''{0,7,30}'')'),
 ('retention(act, ''{0,7,30}'', 7)'),
 ('retention(act, ''{0,7,30}'', 7, ''2026-03-01'')'),
 ('retention(act, ''{0,7,30}'', 7, ''2026-03-01'', ''f1'')'),
 ('retention(act, ''{0,7,30}'', 7, ''2026-03-01'', ''f1'', ''2025-07-01'')'),
 ('retention(act, ''{0,7,30}'', 7, ''2026-03-01'', ''f1'', ''2025-07-01'', ''2025-12-31'')'),
 ('retention(act, as_of => ''2026-03-01'')'),
 ('retention(act, feature => ''f2'', as_of => ''2026-03-01'')'),
 ('retention(act, ''{1}'', width => NULL, as_of => ''2026-03-01'', cohort_to => ''2025-09-01'')'),
 ('retention(act => act, days => ''{30}'', as_of => ''2026-03-01'')'),
 ('retention(act, ''{1}'', 1, ''2026-03-01'', NULL, NULL, NULL)'),
 ('(SELECT retention_rate(act, 30) AS rate)'),
 ('(SELECT retention_rate(act, 30, 7) AS rate)'),
 ('(SELECT retention_rate(act, 30, 7, ''2026-03-01'') AS rate)'),
 ('(SELECT retention_rate(act, 30, 7, ''2026-03-01'', ''f3'') AS rate)'),
 ('(SELECT retention_rate(act, day => 7, as_of => ''2026-03-01'') AS rate)'),
 ('(SELECT retention_rate(act, 7, feature => ''f1'', as_of => ''2026-03-01'') AS rate)'),
 ('cohort_retention(act)'),
 ('cohort_retention(act, ''week'')'),
 ('cohort_retention(act, ''week'', 8)'),
 ('cohort_retention(act, ''week'', 8, ''2026-03-01'')'),
 ('cohort_retention(act, ''day'', 20, ''2026-03-01'', ''f4'')'),
 ('cohort_retention(act, as_of => ''2026-03-01'')'),
 ('cohort_retention(act, period => ''week'', feature => ''f1'', as_of => ''2026-03-01'')'),
 ('cohort_retention(act, ''month'', periods => 4, as_of => ''2026-03-01'')'),
 ('lifecycle(act)'),
 ('lifecycle(act, ''month'')'),
 ('lifecycle(act, ''month'', 6)'),
 ('lifecycle(act, ''month'', 6, ''2026-03-01'')'),
 ('lifecycle(act, ''week'', 6, ''2026-03-01'', ''f2'')'),
 ('lifecycle(act, as_of => ''2026-03-01'')'),
 ('lifecycle(act, periods => 30, period => ''day'', as_of => ''2026-03-01'', feature => ''f0'')');
-- the rows of each call, over every account, as one line of text
CREATE FUNCTION rows_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r text;
BEGIN
    EXECUTE format('SELECT string_agg(x::text, '';'' ORDER BY account_id, ord)
                    FROM s, LATERAL (SELECT y.*, row_number() OVER () AS ord FROM %s y) x', q) INTO r;
    RETURN coalesce(r, '');
END $$;
-- objects made with the 0.2.0 functions
CREATE VIEW v_retention AS
SELECT account_id, r.* FROM s, retention(act, '{0,7,30}', 7, '2026-03-01', 'f1') r;
CREATE VIEW v_named AS
SELECT account_id, r.* FROM s, retention(act, as_of => '2026-03-01', cohort_from => '2025-07-01') r;
CREATE VIEW v_rate AS
SELECT account_id, retention_rate(act, 30, as_of => '2026-03-01') AS rate FROM s;
CREATE VIEW v_cohort AS
SELECT account_id, r.* FROM s, cohort_retention(act, 'week', 8, '2026-03-01') r;
CREATE MATERIALIZED VIEW mv_lifecycle AS
SELECT account_id, l.* FROM s, lifecycle(act, 'month', 6, '2026-03-01') l;
SQL
)
# a SQL-standard body (PostgreSQL 14 and later) depends on the function it
# calls; before 14 the body is a string, resolved at each call
if (( $("${psql[@]}" -d postgres -c 'SHOW server_version_num') >= 140000 )); then
    body="BEGIN ATOMIC SELECT retention_rate(a, 7, 7, '2026-03-01'); END"
else
    body="AS \$\$ SELECT retention_rate(a, 7, 7, '2026-03-01') \$\$"
fi
setup_sql+="
CREATE FUNCTION atomic_rate(a activity) RETURNS float8 LANGUAGE sql STABLE
$body;"
views_sql="SELECT concat_ws(' | ',
    (SELECT string_agg(x::text, ';' ORDER BY x::text) FROM v_retention x),
    (SELECT string_agg(x::text, ';' ORDER BY x::text) FROM v_named x),
    (SELECT string_agg(x::text, ';' ORDER BY x::text) FROM v_rate x),
    (SELECT string_agg(x::text, ';' ORDER BY x::text) FROM v_cohort x),
    (SELECT string_agg(x::text, ';' ORDER BY x::text) FROM mv_lifecycle x),
    (SELECT string_agg(atomic_rate(act)::text, ';' ORDER BY account_id) FROM s))"
record_sql="SELECT string_agg(id || ': ' || rows_of(q), E'\n' ORDER BY id) FROM calls"

# --- 1. made under 0.2.0, updated -----------------------------------------
newdb adoption_sig_up
"${psql[@]}" -d adoption_sig_up -c "CREATE EXTENSION adoption VERSION '0.2.0'"
"${psql[@]}" -d adoption_sig_up -c "$setup_sql"
views_before="$("${psql[@]}" -d adoption_sig_up -c "$views_sql")"
calls_before="$("${psql[@]}" -d adoption_sig_up -c "$record_sql")"
# every call gives rows (a call of a function that does not resolve fails)
[[ $(echo "$calls_before" | grep -c '^[0-9]*: .') == 33 && -n "$views_before" ]] \
    || fail "calls without rows under 0.2.0: $(echo "$calls_before" | grep '^[0-9]*: $' | tr '\n' ' ')"
"${psql[@]}" -d adoption_sig_up -c "ALTER EXTENSION adoption UPDATE"
[[ "$("${psql[@]}" -d adoption_sig_up -c "REFRESH MATERIALIZED VIEW mv_lifecycle; $views_sql")" == "$views_before" ]] \
    || fail "views made under 0.2.0 give other rows after the update"
# they now name the renamed functions
n="$("${psql[@]}" -d adoption_sig_up -c "SELECT count(*) FROM pg_views WHERE viewname LIKE 'v\_%' AND definition ~ '_v0_2\('")"
[[ "$n" == 4 ]] || fail "expected the 4 views to use the renamed 0.2.0 functions, $n do"
[[ "$("${psql[@]}" -d adoption_sig_up -c "$record_sql")" == "$calls_before" ]] \
    || fail "0.2.0 calls give other rows after the update"

# --- 2. the same calls in a fresh install, and the new arguments ------------
newdb adoption_sig_fresh
"${psql[@]}" -d adoption_sig_fresh -c "CREATE EXTENSION adoption"
"${psql[@]}" -d adoption_sig_fresh -c "$setup_sql"
[[ "$("${psql[@]}" -d adoption_sig_fresh -c "$record_sql")" == "$calls_before" ]] \
    || fail "0.2.0 calls give other rows in a fresh install"
for db in adoption_sig_up adoption_sig_fresh; do
    # the renamed functions give what the 0.2.0 forms give
    got="$("${psql[@]}" -d "$db" -c "SELECT string_agg(id || ': ' || rows_of(regexp_replace(q, '^(\(SELECT )?(retention_rate|retention|cohort_retention|lifecycle)\(', '\1\2_v0_2(')), E'\n' ORDER BY id) FROM calls")"
    [[ "$got" == "$calls_before" ]] || fail "$db: the NAME_v0_2 functions differ from the 0.2.0 calls"
    # each new argument at its default, positional and named, changes nothing
    "${psql[@]}" -d "$db" <<'SQL'
DO $$
DECLARE
    pair text[];
    a text;
    b text;
BEGIN
    FOREACH pair SLICE 1 IN ARRAY ARRAY[
        ['retention(act, ''{0,7,30}'', 7, ''2026-03-01'', ''f1'', NULL, NULL)',
         'retention(act, ''{0,7,30}'', 7, ''2026-03-01'', ''f1'', NULL, NULL, NULL)'],
        ['retention(act, as_of => ''2026-03-01'')',
         'retention(act, as_of => ''2026-03-01'', start_feature => NULL)'],
        ['(SELECT retention_rate(act, 30, 7, ''2026-03-01'', ''f3'') AS r)',
         '(SELECT retention_rate(act, 30, 7, ''2026-03-01'', ''f3'', NULL) AS r)'],
        ['cohort_retention(act, ''week'', 8, ''2026-03-01'', ''f2'')',
         'cohort_retention(act, ''week'', 8, ''2026-03-01'', ''f2'', NULL, false, ''monday'')'],
        ['cohort_retention(act, ''week'', 8, ''2026-03-01'')',
         'cohort_retention(act, ''week'', 8, ''2026-03-01'', week_start => ''Monday'', recurring => false)'],
        ['lifecycle(act, ''week'', 6, ''2026-03-01'', ''f2'')',
         'lifecycle(act, ''week'', 6, ''2026-03-01'', ''f2'', ''MONDAY'')'],
        ['lifecycle(act, as_of => ''2026-03-01'')',
         'lifecycle(act, week_start => ''monday'', as_of => ''2026-03-01'')']]
    LOOP
        a := rows_of(pair[1]);
        b := rows_of(pair[2]);
        IF a IS DISTINCT FROM b OR a = '' THEN
            RAISE EXCEPTION 'defaults: % gives %, % gives %', pair[1], a, pair[2], b;
        END IF;
    END LOOP;
    -- the new arguments, positional and named, resolve and agree
    FOREACH pair SLICE 1 IN ARRAY ARRAY[
        ['retention(act, ''{0,7}'', 7, ''2026-03-01'', ''f1'', NULL, NULL, ''f2'')',
         'retention(act, ''{0,7}'', 7, ''2026-03-01'', start_feature => ''f2'', feature => ''f1'')'],
        ['(SELECT retention_rate(act, 7, 7, ''2026-03-01'', NULL, ''f2'') AS r)',
         '(SELECT retention_rate(act, 7, 7, start_feature => ''f2'', as_of => ''2026-03-01'') AS r)'],
        ['cohort_retention(act, ''week'', 8, ''2026-03-01'', ''f1'', ''f2'', true, ''sunday'')',
         'cohort_retention(act, ''week'', 8, ''2026-03-01'', week_start => ''sunday'', recurring => true, feature => ''f1'', start_feature => ''f2'')'],
        ['lifecycle(act, ''week'', 6, ''2026-03-01'', NULL, ''sunday'')',
         'lifecycle(act, ''week'', 6, week_start => ''Sunday'', as_of => ''2026-03-01'')']]
    LOOP
        a := rows_of(pair[1]);
        b := rows_of(pair[2]);
        IF a IS DISTINCT FROM b OR a = '' THEN
            RAISE EXCEPTION 'new arguments: % gives %, % gives %', pair[1], a, pair[2], b;
        END IF;
    END LOOP;
END $$;
SQL
    # exactly one function of each name takes each argument list
    n="$("${psql[@]}" -d "$db" -c "SELECT count(*) FROM pg_proc WHERE proname IN ('retention', 'retention_rate', 'cohort_retention', 'lifecycle') AND pronamespace = 'public'::regnamespace")"
    [[ "$n" == 4 ]] || fail "$db: $n functions named retention, retention_rate, cohort_retention or lifecycle, expected 4"
done

# --- 3. dump of the updated database, restored into a fresh install ----------
pg_dump -d adoption_sig_up -f "$work/dump.sql"
newdb adoption_sig_restored
"${psql[@]}" -d adoption_sig_restored -f "$work/dump.sql" >/dev/null
[[ "$("${psql[@]}" -d adoption_sig_restored -c "$views_sql")" == "$views_before" ]] \
    || fail "views restored from a dump of the updated database give other rows"
[[ "$("${psql[@]}" -d adoption_sig_restored -c "$record_sql")" == "$calls_before" ]] \
    || fail "0.2.0 calls give other rows after the restore"

echo "upgrade_signatures: $(echo "$calls_before" | wc -l) 0.2.0 calls and 6 dependent objects agree before and after the update, in a fresh install and after a restore"
