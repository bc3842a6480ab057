#!/usr/bin/env bash
# portal: the customer portal's views of doc/portal.sql, attacked from a
# customer's role.
#
# In a database of its own (generated data, ADOPTION_PORTAL_EVENTS events,
# default 30000; doc/refresh.sql's summaries; doc/portal.sql), with two
# customers' LOGIN roles mapped to two accounts and one role mapped to
# none, each connecting with its own password:
#   - as the customer, every query over the views (plain, joins, subqueries,
#     filters naming the other account, built-in functions in WHERE, a
#     leaky plpgsql function of its own with RAISE NOTICE of its argument
#     and COST 0.0000001 in WHERE, in join conditions and in subqueries,
#     under plans forced by enable_* settings, EXPLAIN and EXPLAIN ANALYZE)
#     returns and prints rows of its own account only, and as many as the
#     owner sees for that account; the leaky function is never evaluated
#     below the views' filter in any plan; the tables, the mapping and the
#     internal view are out of reach (42501); the customer cannot mark its
#     function LEAKPROOF;
#   - the role mapped to no account sees nothing;
#   - a customer whose account has no event yet sees its roster (every
#     user, no activity) and no other row, and nobody else sees it;
#   - as the owner everything is visible, with the same figures;
#   - the second wall: a view owned by portal_owner without any filter
#     still shows a customer only its own account (row-level security).
# Runs against the cluster named by the PG* environment (test/run provides a
# throw-away one).  Exits non-zero on any leak or mismatch.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

EVENTS="${ADOPTION_PORTAL_EVENTS:-30000}"
db="adoption_portal_test_$$"
tmp="$(mktemp -d)"
psql=(psql -X -q -v ON_ERROR_STOP=1 -d "$db")
db2="adoption_portal_createrole_$$"
cleanup() {
    dropdb --if-exists "$db" >/dev/null 2>&1 || true
    dropdb --if-exists "$db2" >/dev/null 2>&1 || true
    for r in portal_test_a portal_test_b portal_test_c portal_test_none portal_test_app; do
        psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1 || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
fails=0
ok() { echo "ok    $*"; }
bad() { echo "FAIL  $*"; fails=$((fails + 1)); }

createdb "$db"
"${psql[@]}" -c 'CREATE EXTENSION adoption'
"${psql[@]}" -v events="$EVENTS" -v seed=9 -f data/generate.sql
"${psql[@]}" -f doc/refresh.sql >/dev/null
"${psql[@]}" -f doc/portal.sql
"${psql[@]}" -c "UPDATE portal.settings SET as_of = '2026-06-30'" -c 'VACUUM ANALYZE'

# the two accounts with the most users
read -r A B < <("${psql[@]}" -At -F ' ' -c "
    SELECT (array_agg(account_id ORDER BY n DESC, account_id))[1], (array_agg(account_id ORDER BY n DESC, account_id))[2]
    FROM (SELECT account_id, count(*) AS n FROM users GROUP BY 1) u")
# a new account C whose three users have no event yet
C=$("${psql[@]}" -At -c "SELECT max(account_id) + 1 FROM accounts")
"${psql[@]}" -c "INSERT INTO accounts VALUES ($C, 5, 'smb', '2026-06-01')" \
    -c "INSERT INTO users SELECT m + i, $C, 'member', 'sales', '2026-06-02'
        FROM (SELECT max(user_id) AS m FROM users) x, generate_series(1, 3) i"
echo "customer A: account $A, customer B: account $B, customer C: account $C (no events)"
"${psql[@]}" <<SQL
DROP ROLE IF EXISTS portal_test_a;
DROP ROLE IF EXISTS portal_test_b;
DROP ROLE IF EXISTS portal_test_c;
DROP ROLE IF EXISTS portal_test_none;
CREATE ROLE portal_test_a LOGIN PASSWORD 'pw-a' IN ROLE portal_customer;
CREATE ROLE portal_test_b LOGIN PASSWORD 'pw-b' IN ROLE portal_customer;
CREATE ROLE portal_test_c LOGIN PASSWORD 'pw-c' IN ROLE portal_customer;
CREATE ROLE portal_test_none LOGIN PASSWORD 'pw-none' IN ROLE portal_customer;
INSERT INTO portal.customer_accounts VALUES ('portal_test_a', $A), ('portal_test_b', $B), ('portal_test_c', $C);
-- a schema of the customer's own, where it writes functions
CREATE SCHEMA cust_a AUTHORIZATION portal_test_a;
SQL

as_role() {     # as_role ROLE PASSWORD SQL...: psql as that role, notices on stderr
    local role="$1" pw="$2"; shift 2
    PGUSER="$role" PGPASSWORD="$pw" PGOPTIONS='-c client_min_messages=notice' \
        psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" "$@"
}

# the customer's leaky function: prints its argument, claims to cost nothing
as_role portal_test_a pw-a <<'SQL'
CREATE FUNCTION cust_a.leak(x text) RETURNS boolean
LANGUAGE plpgsql COST 0.0000001 AS $$
BEGIN
    RAISE NOTICE 'leak %', x;
    RETURN true;
END $$;
SQL

# ---------------------------------------------------------------------
# What the owner sees (everything), per view and account
# ---------------------------------------------------------------------
views=(account_dashboard feature_usage user_activity daily_active)
declare -A want_a want_b total
for v in "${views[@]}"; do
    want_a[$v]=$("${psql[@]}" -At -c "SELECT count(*) FROM portal.$v WHERE account_id = $A")
    want_b[$v]=$("${psql[@]}" -At -c "SELECT count(*) FROM portal.$v WHERE account_id = $B")
    n_acc=$("${psql[@]}" -At -c "SELECT count(DISTINCT account_id) FROM portal.$v")
    total[$v]=$("${psql[@]}" -At -c "SELECT count(*) FROM portal.$v")
    if [[ ${want_a[$v]} -gt 0 && ${want_b[$v]} -gt 0 && $n_acc -gt 2 ]]; then
        ok "owner: portal.$v shows $n_acc accounts (${total[$v]} rows; A ${want_a[$v]}, B ${want_b[$v]})"
    else
        bad "owner: portal.$v shows $n_acc accounts, A ${want_a[$v]} rows, B ${want_b[$v]} rows"
    fi
done
n_daily=$("${psql[@]}" -At -c "SELECT count(DISTINCT account_id) FROM adoption_daily WHERE day <= '2026-06-30'")
n_dash=$("${psql[@]}" -At -c "SELECT count(*) FROM portal.account_dashboard")
[[ "$n_daily" == "$n_dash" ]] && ok "owner: every account with summaries is on the dashboard ($n_dash)" \
    || bad "owner: $n_dash dashboard rows for $n_daily accounts"

# ---------------------------------------------------------------------
# As customer A: queries whose first column is an account id
# ---------------------------------------------------------------------
# check ROLE PW ACCOUNT LABEL EXPECTED_ROWS SQL
check() {
    local role="$1" pw="$2" acct="$3" label="$4" want="$5" sql="$6" out err others n leaks badleaks
    out="$tmp/out" err="$tmp/err"
    if ! as_role "$role" "$pw" -c "$sql" >"$out" 2>"$err"; then
        bad "$role: $label: the query failed: $(head -c 300 "$err")"
        return
    fi
    n=$(grep -c . "$out" || true)
    others=$(cut -d'|' -f1 "$out" | grep -v -x -- "$acct" | head -3 | tr '\n' ' ' || true)
    # EXPLAIN prints plan lines, not rows: there only the notices tell
    [[ "$label" == EXPLAIN* ]] && others=
    leaks=$(grep -c 'NOTICE:  leak ' "$err" || true)
    badleaks=$(grep 'NOTICE:  leak ' "$err" | sed 's/.*NOTICE:  leak //' | cut -d/ -f1 | grep -v -x -- "$acct" | head -3 | tr '\n' ' ' || true)
    if [[ -n "$others" || -n "$badleaks" ]]; then
        bad "$role: $label: another account's rows: printed [$others], leaked [$badleaks]"
    elif [[ "$want" != "-" && "$n" != "$want" ]]; then
        bad "$role: $label: $n rows, the owner sees $want for account $acct"
    else
        ok "$role: $label: $n rows, all of account $acct${leaks:+ ($leaks notices, all of account $acct)}"
    fi
}

# explain_check ROLE PW LABEL SQL: the leaky function appears in the plan,
# never in a scan of a table (only above the views' barrier)
explain_check() {
    local role="$1" pw="$2" label="$3" sql="$4" plan="$tmp/plan"
    if ! as_role "$role" "$pw" -c "EXPLAIN (VERBOSE, COSTS OFF) $sql" >"$plan" 2>"$tmp/err"; then
        bad "$role: EXPLAIN $label failed: $(head -c 300 "$tmp/err")"
        return
    fi
    # the node each line belongs to: the last line that starts a node
    local below
    below=$(awk '/(^|->  )[A-Z]/ { node = $0 }
                 /leak\(/ && node ~ /Scan on (public\.)?(adoption_daily|users|accounts|customer_accounts|settings)/ { print node }' "$plan")
    if ! grep -q 'leak(' "$plan"; then
        bad "$role: EXPLAIN $label: the leaky function is not in the plan"
    elif [[ -n "$below" ]]; then
        bad "$role: EXPLAIN $label: the leaky function is evaluated in a table scan: $below"
    else
        ok "$role: EXPLAIN $label: the leaky function only above the views' filter"
    fi
}

run_customer() {   # run_customer ROLE PW ACCOUNT OTHER [wants...]
    local r="$1" pw="$2" acct="$3" other="$4"
    local -n want="$5"
    check "$r" "$pw" "$acct" "account_dashboard" "${want[account_dashboard]}" \
        "SELECT account_id, active_users_30d, adoption_rate FROM portal.account_dashboard"
    check "$r" "$pw" "$acct" "feature_usage" "${want[feature_usage]}" \
        "SELECT account_id, feature, users FROM portal.feature_usage"
    check "$r" "$pw" "$acct" "user_activity" "${want[user_activity]}" \
        "SELECT account_id, user_id, last_day FROM portal.user_activity"
    check "$r" "$pw" "$acct" "daily_active" "${want[daily_active]}" \
        "SELECT account_id, day, active_users FROM portal.daily_active"
    check "$r" "$pw" "$acct" "filter on the other account" 0 \
        "SELECT account_id FROM portal.daily_active WHERE account_id = $other"
    check "$r" "$pw" "$acct" "filter on both accounts, OR true" "${want[daily_active]}" \
        "SELECT account_id FROM portal.daily_active WHERE account_id IN ($acct, $other) OR true"
    check "$r" "$pw" "$acct" "join of three views" - \
        "SELECT d.account_id, f.feature, u.user_id FROM portal.account_dashboard d
         JOIN portal.feature_usage f USING (account_id) JOIN portal.user_activity u USING (account_id)"
    check "$r" "$pw" "$acct" "self-join on true" - \
        "SELECT a.account_id, b.account_id FROM portal.account_dashboard a CROSS JOIN portal.daily_active b"
    check "$r" "$pw" "$acct" "union and subquery" - \
        "SELECT account_id FROM portal.feature_usage WHERE account_id IN (SELECT account_id FROM portal.daily_active)
         UNION ALL SELECT account_id FROM portal.user_activity"
    check "$r" "$pw" "$acct" "built-in functions in WHERE" - \
        "SELECT account_id FROM portal.user_activity
         WHERE length(user_id::text) > 0 AND coalesce(last_day, '2000-01-01') > '1999-01-01'
           AND abs(account_id) >= 0 AND to_char(account_id, '999999') IS NOT NULL"
    check "$r" "$pw" "$acct" "aggregates over a view" - \
        "SELECT account_id, count(*), sum(active_users) FROM portal.daily_active GROUP BY 1"
    # the leaky function, in WHERE, in joins, in subqueries
    check "$r" "$pw" "$acct" "leaky function in WHERE (user_activity)" "${want[user_activity]}" \
        "SELECT account_id FROM portal.user_activity WHERE cust_a.leak(account_id || '/' || user_id)"
    check "$r" "$pw" "$acct" "leaky function in WHERE (daily_active)" "${want[daily_active]}" \
        "SELECT account_id FROM portal.daily_active WHERE cust_a.leak(account_id || '/' || day)"
    check "$r" "$pw" "$acct" "leaky function in WHERE (feature_usage)" "${want[feature_usage]}" \
        "SELECT account_id FROM portal.feature_usage WHERE cust_a.leak(account_id || '/' || feature)"
    check "$r" "$pw" "$acct" "leaky function in WHERE (account_dashboard)" "${want[account_dashboard]}" \
        "SELECT account_id FROM portal.account_dashboard WHERE cust_a.leak(account_id || '/' || seats)"
    check "$r" "$pw" "$acct" "leaky function ORed with the other account" "${want[daily_active]}" \
        "SELECT account_id FROM portal.daily_active WHERE account_id = $other OR cust_a.leak(account_id || '/x')"
    check "$r" "$pw" "$acct" "leaky function in a join condition" - \
        "SELECT u.account_id FROM portal.user_activity u
         JOIN portal.daily_active d ON cust_a.leak(d.account_id || '/' || u.user_id) AND d.day = u.last_day"
    check "$r" "$pw" "$acct" "leaky function in an EXISTS subquery" - \
        "SELECT account_id FROM portal.account_dashboard a
         WHERE EXISTS (SELECT FROM portal.user_activity u WHERE cust_a.leak(u.account_id || '/' || u.user_id))"
    check "$r" "$pw" "$acct" "leaky function, sequential scans forced" "${want[daily_active]}" \
        "SET enable_indexscan = off; SET enable_bitmapscan = off;
         SELECT account_id FROM portal.daily_active WHERE cust_a.leak(account_id || '/' || day)"
    check "$r" "$pw" "$acct" "leaky function, hash and merge joins off" "${want[user_activity]}" \
        "SET enable_hashjoin = off; SET enable_mergejoin = off; SET enable_material = off;
         SELECT account_id FROM portal.user_activity WHERE cust_a.leak(account_id || '/' || user_id)"
    check "$r" "$pw" "$acct" "leaky function with parallel workers forced" "${want[daily_active]}" \
        "SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
         SELECT account_id FROM portal.daily_active WHERE cust_a.leak(account_id || '/' || day)"
    check "$r" "$pw" "$acct" "EXPLAIN ANALYZE with the leaky function" - \
        "EXPLAIN (ANALYZE, VERBOSE, COSTS OFF, TIMING OFF, SUMMARY OFF)
         SELECT account_id FROM portal.user_activity WHERE cust_a.leak(account_id || '/' || user_id)"
    explain_check "$r" "$pw" "user_activity" \
        "SELECT account_id FROM portal.user_activity WHERE cust_a.leak(account_id || '/' || user_id)"
    explain_check "$r" "$pw" "daily_active, sequential scans" \
        "SELECT account_id FROM portal.daily_active WHERE cust_a.leak(account_id || '/' || day)"
    explain_check "$r" "$pw" "join" \
        "SELECT u.account_id FROM portal.user_activity u
         JOIN portal.daily_active d ON cust_a.leak(d.account_id || '/' || u.user_id) AND d.day = u.last_day"
}

run_customer portal_test_a pw-a "$A" "$B" want_a

# the customer's function cannot be made leakproof
if as_role portal_test_a pw-a -c "ALTER FUNCTION cust_a.leak(text) LEAKPROOF" >/dev/null 2>"$tmp/err"; then
    bad "portal_test_a marked its function LEAKPROOF"
elif grep -q 'only superuser can define a leakproof function' "$tmp/err"; then
    ok "portal_test_a: LEAKPROOF refused: $(grep ERROR "$tmp/err" | head -1)"
else
    bad "portal_test_a: unexpected error for LEAKPROOF: $(cat "$tmp/err")"
fi

# out of reach: the tables, the mapping, the internal view
for rel in adoption_daily accounts users events portal.customer_accounts portal.visible_summaries portal.settings; do
    if as_role portal_test_a pw-a -v VERBOSITY=verbose -c "SELECT count(*) FROM $rel" >/dev/null 2>"$tmp/err"; then
        bad "portal_test_a can read $rel"
    elif grep -q '42501' "$tmp/err"; then
        ok "portal_test_a: $rel: permission denied (42501)"
    else
        bad "portal_test_a: $rel: unexpected error: $(head -c 300 "$tmp/err")"
    fi
done

# the figures the customer sees are the owner's for that account
mine=$(as_role portal_test_a pw-a -c "SELECT md5(string_agg(d::text, ';' ORDER BY d::text)) FROM portal.account_dashboard d")
owners=$("${psql[@]}" -At -c "SELECT md5(string_agg(d::text, ';' ORDER BY d::text)) FROM portal.account_dashboard d WHERE account_id = $A")
[[ "$mine" == "$owners" ]] && ok "portal_test_a: dashboard row equal to the owner's row of account $A" \
    || bad "portal_test_a: dashboard differs from the owner's row of account $A"
mine=$(as_role portal_test_a pw-a -c "SELECT md5(string_agg(u::text, ';' ORDER BY u::text)) FROM portal.user_activity u")
owners=$("${psql[@]}" -At -c "SELECT md5(string_agg(u::text, ';' ORDER BY u::text)) FROM portal.user_activity u WHERE account_id = $A")
[[ "$mine" == "$owners" ]] && ok "portal_test_a: roster equal to the owner's rows of account $A" \
    || bad "portal_test_a: roster differs from the owner's rows of account $A"

# customer B: its own account only (a lighter pass: no function of its own)
for v in "${views[@]}"; do
    check portal_test_b pw-b "$B" "$v" "${want_b[$v]}" "SELECT account_id FROM portal.$v"
done
check portal_test_b pw-b "$B" "filter on account A" 0 "SELECT account_id FROM portal.user_activity WHERE account_id = $A"

# customer C, whose account has no event yet: its roster (every user, no
# activity), nothing else, and nobody else's users
check portal_test_c pw-c "$C" "user_activity (an account without events)" 3 "SELECT account_id FROM portal.user_activity"
n=$(as_role portal_test_c pw-c -c "SELECT count(*) FROM portal.user_activity
        WHERE first_day IS NULL AND last_day IS NULL AND active_days_30d = 0 AND features_30d = 0
          AND as_of = '2026-06-30'")
[[ "$n" == 3 ]] && ok "portal_test_c: its 3 users listed with no activity as of the report day" \
    || bad "portal_test_c: $n of its 3 users listed with no activity as of the report day"
for v in account_dashboard feature_usage daily_active; do
    check portal_test_c pw-c "$C" "$v (an account without events)" 0 "SELECT account_id FROM portal.$v"
done
check portal_test_a pw-a "$A" "filter on account C (no events)" 0 "SELECT account_id FROM portal.user_activity WHERE account_id = $C"
n=$("${psql[@]}" -At -c "SELECT count(*) FROM portal.user_activity WHERE account_id = $C")
[[ "$n" == 3 ]] && ok "owner: the roster of account $C (no events) has its 3 users" \
    || bad "owner: the roster of account $C (no events) has $n users"
n=$("${psql[@]}" -At -c "SELECT (SELECT count(*) FROM users) - (SELECT count(*) FROM portal.user_activity)")
[[ "$n" == 0 ]] && ok "owner: the roster lists every user" || bad "owner: the roster misses $n users"

# a customer role mapped to no account sees nothing
for v in "${views[@]}"; do
    check portal_test_none pw-none "-" "$v (unmapped role)" 0 "SELECT account_id FROM portal.$v"
done

# ---------------------------------------------------------------------
# The second wall: a view without any filter, owned by portal_owner,
# still shows a customer its own account only (row-level security)
# ---------------------------------------------------------------------
"${psql[@]}" <<'SQL'
CREATE VIEW portal.unfiltered AS SELECT account_id, day FROM adoption_daily;
ALTER VIEW portal.unfiltered OWNER TO portal_owner;
GRANT SELECT ON portal.unfiltered TO portal_customer;
SQL
n_own=$("${psql[@]}" -At -c "SELECT count(*) FROM adoption_daily WHERE account_id = $A")
check portal_test_a pw-a "$A" "an unfiltered view (RLS)" "$n_own" "SELECT account_id FROM portal.unfiltered"
check portal_test_a pw-a "$A" "an unfiltered view with the leaky function (RLS)" "$n_own" \
    "SELECT account_id FROM portal.unfiltered WHERE cust_a.leak(account_id || '/' || day)"
n_all=$("${psql[@]}" -At -c "SELECT count(*) FROM adoption_daily")
n_seen=$("${psql[@]}" -At -c "SELECT count(*) FROM portal.unfiltered")
[[ "$n_seen" == "$n_all" ]] && ok "owner: the unfiltered view shows every row ($n_all)" \
    || bad "owner: the unfiltered view shows $n_seen of $n_all rows"
"${psql[@]}" -c 'DROP VIEW portal.unfiltered'

# the refresh, run by the table's owner, is not held back by the policy
"${psql[@]}" -At -c "SELECT upserted, deleted FROM adoption_refresh_daily('-infinity')" >"$tmp/out"
[[ "$(cat "$tmp/out")" == "0|0" ]] && ok "the owner's full refresh still sees every row (nothing to change)" \
    || bad "the owner's full refresh changed rows: $(cat "$tmp/out")"

# the recipes run by an owner who is no superuser but has CREATEROLE (in a
# database of its own; the portal's group roles exist already)
createdb "$db2"
psql -X -q -v ON_ERROR_STOP=1 -d "$db2" -c 'CREATE EXTENSION adoption' \
    -c 'CREATE ROLE portal_test_app LOGIN CREATEROLE' \
    -c "GRANT CREATE ON DATABASE \"$db2\" TO portal_test_app" -c 'GRANT ALL ON SCHEMA public TO portal_test_app'
psql -X -q -v ON_ERROR_STOP=1 -d "$db2" -v events=2000 -f data/generate.sql >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d "$db2" -c 'ALTER TABLE events OWNER TO portal_test_app' \
    -c 'ALTER TABLE users OWNER TO portal_test_app' -c 'ALTER TABLE accounts OWNER TO portal_test_app'
if PGOPTIONS='-c role=portal_test_app' psql -X -q -v ON_ERROR_STOP=1 -d "$db2" -f doc/refresh.sql >/dev/null \
   && PGOPTIONS='-c role=portal_test_app' psql -X -q -v ON_ERROR_STOP=1 -d "$db2" -f doc/portal.sql >/dev/null; then
    echo "ok  the recipes run by a CREATEROLE owner that is no superuser"
else
    echo "FAIL: the recipes run by a CREATEROLE owner that is no superuser"
    fails=$((fails + 1))
fi

if [[ $fails -gt 0 ]]; then
    echo "portal: $fails failures"
    exit 1
fi
echo "portal: ok"
