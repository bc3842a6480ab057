#!/usr/bin/env bash
# The verification of doc/citus.md, automated: a Citus cluster of a
# coordinator and two workers on this machine, the tables distributed as the
# doc says, every query below run on the distributed tables and on plain
# copies of the same tables (a database without Citus on the coordinator's
# server) and the two outputs compared byte for byte; EXPLAIN checked for
# what the doc claims of each query; then late events and the incremental
# refresh of the distributed per-day summaries, and the time-zone rule.
#
#   bash test/scripts/citus.sh           # test/run runs it; as root, or as the
#                                # owner of the PostgreSQL installation
#
# Citus is taken from the PostgreSQL installation when installed there;
# otherwise test/install-citus builds it from ../shared/vendor/citus
# (relative to the project root; CITUS_VENDOR overrides it). With neither,
# the test prints one line "SKIP ..." and exits 0 (test/run counts it as
# skipped). The adoption extension must be installed (test/run does it).
#
# The clusters are initdb'ed in a temporary directory, listen on localhost
# on free ports and on a socket in that directory, preload citus (only
# them) and are stopped and removed at exit.
#
# Environment: CITUS_TEST_EVENTS (default 50000) and CITUS_TEST_SEED
# (default 1) size the data set (data/generate.sql); PG_CONFIG.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}"
BIN="$("$PG_CONFIG" --bindir)"
EVENTS="${CITUS_TEST_EVENTS:-50000}"
SEED="${CITUS_TEST_SEED:-1}"
AS_OF="2026-06-30"
GEN="$ROOT/data/generate.sql"

# ----------------------------------------------------------------------
# The queries: one a line, "name | functions | plan | SQL".
#   functions  the extension's functions the query needs, comma-separated:
#              a query whose function the installed extension lacks is
#              skipped, with a message (functions of later releases)
#   plan       what doc/citus.md says Citus does with it:
#              pushdown  the aggregates run whole on the workers (no
#                        worker_partial_agg / coord_combine_agg)
#              partial   worker_partial_agg on the shards, coord_combine_agg
#                        on the coordinator
#              -         not checked
#   SQL        one statement, ORDER BY making the output deterministic; it
#              must return at least one row
# Every query runs as written on the distributed database and on the plain
# one; the outputs (psql -A) must be identical, byte for byte.
# ----------------------------------------------------------------------
ACCT="(SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act FROM events GROUP BY account_id)"
MODEL='{"components": {"dau_mau": {"weight": 2, "red": 0.05, "green": 0.25}, "seats": {"weight": 3, "red": 0.2, "green": 0.6}}, "grades": {"red": 40, "green": 70}}'
QUERIES=$(cat <<EOF
feature_summaries | activity_agg | partial | SELECT feature, activity_agg(user_id, occurred_at, feature)::text FROM events GROUP BY feature ORDER BY 1
utc_day_summaries | activity_agg | partial | SELECT (occurred_at AT TIME ZONE 'UTC')::date, activity_agg(user_id, (occurred_at AT TIME ZONE 'UTC')::date, feature)::text FROM events GROUP BY 1 ORDER BY 1
product_summary | activity_agg,user_count | partial | SELECT md5(a::text), user_count(a) FROM (SELECT activity_agg(user_id, occurred_at, feature) AS a FROM events) s
feature_accessors | active_users,stickiness,user_count,first_day,last_day | partial | SELECT feature, active_users(activity_agg(user_id, occurred_at, feature), '$AS_OF'), stickiness(activity_agg(user_id, occurred_at, feature), '$AS_OF'), user_count(activity_agg(user_id, occurred_at, feature)), first_day(activity_agg(user_id, occurred_at, feature)), last_day(activity_agg(user_id, occurred_at, feature)) FROM events GROUP BY feature ORDER BY 1
account_accessors | user_count,active_users,stickiness,adoption_rate,depth,usage_trend,champion_share,effective_users,dormant_users,retention_rate,time_to_feature | pushdown | SELECT s.account_id, md5(s.act::text), user_count(s.act), active_users(s.act, '$AS_OF'), stickiness(s.act, '$AS_OF'), adoption_rate(s.act, a.seats, '$AS_OF'), depth(s.act, '$AS_OF'), usage_trend(s.act, '$AS_OF'), champion_share(s.act, '$AS_OF'), effective_users(s.act, '$AS_OF'), dormant_users(s.act, '$AS_OF'), retention_rate(s.act, 30, as_of => '$AS_OF'), time_to_feature(s.act, as_of => '$AS_OF') FROM accounts a JOIN $ACCT s USING (account_id) ORDER BY 1
account_more | champion,feature_adoption_rate,abandonment_rate,seat_activation,health_score,health_grade | pushdown | SELECT s.account_id, (champion(s.act, '$AS_OF')).active_days, feature_adoption_rate(s.act, 'reports', '$AS_OF'), abandonment_rate(s.act, 'search', '$AS_OF'), seat_activation(s.act, a.seats, '$AS_OF'), health_score(jsonb_build_object('dau_mau', stickiness(s.act, '$AS_OF'), 'seats', adoption_rate(s.act, a.seats, '$AS_OF')), '$MODEL'), health_grade(jsonb_build_object('dau_mau', stickiness(s.act, '$AS_OF'), 'seats', adoption_rate(s.act, a.seats, '$AS_OF')), '$MODEL') FROM accounts a JOIN $ACCT s USING (account_id) ORDER BY 1
account_frequency | frequency | pushdown | SELECT s.account_id, f.* FROM $ACCT s, frequency(s.act, '$AS_OF') f ORDER BY 1, 2
account_features | features | pushdown | SELECT s.account_id, f.* FROM accounts a JOIN $ACCT s USING (account_id), features(s.act, '$AS_OF', seats => a.seats) f ORDER BY 1, 2
account_retention | retention | pushdown | SELECT s.account_id, r.* FROM $ACCT s, retention(s.act, as_of => '$AS_OF') r ORDER BY 1, 2
feature_retention_sums | feature_retention | pushdown | SELECT f.feature, f.day, sum(f.eligible_users), sum(f.retained_users), round(sum(f.retained_users)::numeric / nullif(sum(f.eligible_users), 0), 3) FROM $ACCT s, feature_retention(s.act, as_of => '$AS_OF') f GROUP BY 1, 2 ORDER BY 1, 2
cohort_retention_sums | cohort_retention | pushdown | SELECT r.cohort, r.period, sum(r.cohort_users), sum(r.retained_users) FROM $ACCT s, cohort_retention(s.act, 'month', 6, as_of => '$AS_OF') r GROUP BY 1, 2 ORDER BY 1, 2
lifecycle_sums | lifecycle | pushdown | SELECT l.period_start, sum(l.new_users), sum(l.returning_users), sum(l.resurrecting_users), sum(l.dormant_users) FROM $ACCT s, lifecycle(s.act, 'week', 12, as_of => '$AS_OF') l GROUP BY 1 ORDER BY 1
team_actor | activity_agg,active_users | pushdown | SELECT e.account_id, md5(activity_agg(u.department, e.occurred_at, e.feature)::text), active_users(activity_agg(u.department, e.occurred_at, e.feature), '$AS_OF') FROM events e JOIN users u USING (user_id) GROUP BY 1 ORDER BY 1
daily_rows | - | - | SELECT account_id, day, act::text FROM daily ORDER BY 1, 2
daily_account_rollup | rollup,stickiness | pushdown | SELECT account_id, rollup(act)::text, stickiness(rollup(act), '$AS_OF') FROM daily WHERE day > date '$AS_OF' - 90 GROUP BY account_id ORDER BY 1
daily_day_rollup | rollup,user_count | partial | SELECT day, md5(rollup(act)::text), user_count(rollup(act)) FROM daily GROUP BY day ORDER BY 1
daily_product_rollup | rollup,active_users,stickiness | partial | SELECT md5(rollup(act)::text), active_users(rollup(act), '$AS_OF'), stickiness(rollup(act), '$AS_OF') FROM daily WHERE day > date '$AS_OF' - 30
weekly_windows | rollup,stickiness | pushdown | SELECT d.account_id, w.week_end, stickiness(rollup(d.act), w.week_end) FROM daily d JOIN (SELECT g::date AS week_end FROM generate_series(date '2026-04-12', date '2026-06-28', interval '7 days') g) w ON d.day > w.week_end - 30 AND d.day <= w.week_end GROUP BY 1, 2 ORDER BY 1, 2
weekly_windows_one_account | rollup,stickiness | pushdown | SELECT d.account_id, w.week_end, stickiness(rollup(d.act), w.week_end) FROM daily d JOIN (SELECT g::date AS week_end FROM generate_series(date '2026-04-12', date '2026-06-28', interval '7 days') g) w ON d.day > w.week_end - 30 AND d.day <= w.week_end WHERE d.account_id = (SELECT min(account_id) FROM accounts) GROUP BY 1, 2 ORDER BY 1, 2
rollup_equals_events | rollup,activity_agg | pushdown | SELECT account_id, r.act::text = e.act::text FROM (SELECT account_id, rollup(act) AS act FROM daily GROUP BY 1) r FULL JOIN (SELECT account_id, activity_agg(user_id, (occurred_at AT TIME ZONE 'UTC')::date, feature) AS act FROM events GROUP BY 1) e USING (account_id) ORDER BY 1
usage_report | usage_report | pushdown | SELECT s.account_id, r.* FROM accounts a JOIN $ACCT s USING (account_id), usage_report(s.act, '$AS_OF', '{7,30,90}', a.seats) r ORDER BY 1, 2
funnel_accounts | funnel | pushdown | SELECT s.account_id, f.* FROM $ACCT s, funnel(s.act, ARRAY['dashboards', 'reports', 'exports'], 30, '$AS_OF') f ORDER BY 1, 2
funnel_product | funnel | partial | SELECT f.* FROM (SELECT activity_agg(user_id, occurred_at, feature) AS act FROM events) s, funnel(s.act, ARRAY['dashboards', 'search', 'sharing'], 60, '$AS_OF') f ORDER BY 1
score_auc_accounts | score_auc,user_count | pushdown | SELECT account_id, score_auc(user_count(act)::float8, extract(isodow FROM day) < 6) FROM daily GROUP BY 1 ORDER BY 1
score_auc_product | score_auc,user_count | partial | SELECT score_auc(user_count(act)::float8, extract(isodow FROM day) < 6) FROM daily
health_fit_product | health_fit,user_count,depth | partial | SELECT h->'fit'->'rows', h->'fit'->'positives', round((h->'fit'->>'auc')::numeric, 9), (SELECT string_agg(k || '=' || round((v->>'weight')::numeric, 6), ',' ORDER BY k) FROM jsonb_each(h->'components') c(k, v)) FROM (SELECT health_fit(jsonb_build_object('users', user_count(act), 'features', depth(act, day, 1)), extract(isodow FROM day) < 6, '{"components": {"users": {"weight": 2, "red": 0, "green": 10}, "features": {"weight": 1, "red": 1, "green": 3}}, "grades": {"red": 40, "green": 70}}') AS h FROM daily) s
user_activity | user_activity | pushdown | SELECT s.account_id, u.* FROM $ACCT s, user_activity(s.act, '$AS_OF', 30) u ORDER BY 1, 2
time_to_first_use | time_to_first_use | pushdown | SELECT s.account_id, t.* FROM $ACCT s, time_to_first_use(s.act, 'reports', '$AS_OF', 'dashboards') t ORDER BY 1, 2
activity_map | activity_map | pushdown | SELECT account_id, md5(activity_map(activity_agg(user_id, occurred_at, feature), '{"dashboards": "insights", "reports": "insights", "billing": null}')::text) FROM events GROUP BY 1 ORDER BY 1
activity_filter | activity_filter | partial | SELECT md5(activity_filter(rollup(act), ARRAY['search', 'api'])::text) FROM daily
activity_drop_users | activity_drop_users | partial | SELECT feature, md5(activity_drop_users(activity_agg(user_id, occurred_at, feature), ARRAY[1, 2, 3, 5, 8, 13, 21, 34, 55, 89]::bigint[])::text) FROM events GROUP BY 1 ORDER BY 1
EOF
)

# Checks on the distributed database: each must return true.
CHECKS=$(cat <<EOF
rollup of every stored day equals the summary of the events, every account | SELECT count(*) > 0 AND count(*) = count(r.account_id) AND count(*) = count(e.account_id) AND bool_and(r.act::text = e.act::text) FROM (SELECT account_id, rollup(act) AS act FROM daily GROUP BY 1) r FULL JOIN (SELECT account_id, activity_agg(user_id, (occurred_at AT TIME ZONE 'UTC')::date, feature) AS act FROM events GROUP BY 1) e USING (account_id)
events distributed by account_id over 32 shards | SELECT count(*) = 32 FROM pg_dist_shard WHERE logicalrelid = 'events'::regclass
users a reference table | SELECT partmethod = 'n' FROM pg_dist_partition WHERE logicalrelid = 'users'::regclass
accounts, events and daily co-located | SELECT count(DISTINCT colocationid) = 1 FROM pg_dist_partition WHERE logicalrelid IN ('accounts'::regclass, 'events'::regclass, 'daily'::regclass)
the two workers hold the shards of events | SELECT count(DISTINCT p.nodeport) = 2 FROM pg_dist_shard_placement p JOIN pg_dist_shard s USING (shardid) WHERE s.logicalrelid = 'events'::regclass
EOF
)

# ----------------------------------------------------------------------
# Citus: installed, or built from the shared source, or skip
# ----------------------------------------------------------------------
major="$("$PG_CONFIG" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')"
if [[ $major -lt 15 || $major -gt 17 ]]; then
    echo "SKIP test/scripts/citus.sh: Citus 13.2 runs on PostgreSQL 15 to 17, not $major"
    exit 0
fi
rc=0
out="$(PG_CONFIG="$PG_CONFIG" bash "$ROOT/test/install-citus" 2>&1)" || rc=$?
if [[ $rc -eq 2 ]]; then
    echo "SKIP test/scripts/citus.sh: ${out##*$'\n'} (README, Testing: how to install Citus)"
    exit 0
elif [[ $rc -ne 0 ]]; then
    echo "$out"
    echo "FAIL: Citus could not be built"
    exit 1
fi
[[ -n "$out" ]] && echo "$out"
if [[ ! -e "$("$PG_CONFIG" --sharedir)/extension/adoption.control" ]]; then
    echo "FAIL: the adoption extension is not installed into $("$PG_CONFIG" --sharedir)"
    exit 1
fi

# ----------------------------------------------------------------------
# Three servers in a temporary directory
# ----------------------------------------------------------------------
AS=()
OWNER="$(id -un)"
if [[ "$(id -u)" -eq 0 ]]; then
    OWNER=postgres
    AS=(runuser -u postgres --)
fi
tmp="$(mktemp -d /tmp/adoption-citus.XXXXXX)"
chmod 755 "$tmp"
chown "$OWNER" "$tmp"
NODES=(coordinator worker1 worker2)
declare -A PORT
cleanup() {
    local n
    for n in "${NODES[@]}"; do
        if [[ -e "$tmp/$n/postmaster.pid" ]]; then
            "${AS[@]}" "$BIN/pg_ctl" -D "$tmp/$n" -m immediate -w stop >/dev/null 2>&1 || true
        fi
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

# three free TCP ports on localhost
read -r -a ports < <(python3 -c '
import socket
s = [socket.socket() for _ in range(3)]
for x in s:
    x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))
for x in s:
    x.close()')
i=0
for n in "${NODES[@]}"; do
    PORT[$n]="${ports[$i]}"
    i=$((i + 1))
    "${AS[@]}" "$BIN/initdb" -D "$tmp/$n" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
        --no-sync >"$tmp/initdb-$n.log" 2>&1 || { cat "$tmp/initdb-$n.log"; exit 1; }
    cat >>"$tmp/$n/postgresql.conf" <<CONF
port = ${PORT[$n]}
listen_addresses = 'localhost'
unix_socket_directories = '$tmp'
shared_preload_libraries = 'citus'
citus.node_conninfo = 'sslmode=disable'
timezone = 'UTC'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
log_min_messages = warning
CONF
    "${AS[@]}" "$BIN/pg_ctl" -D "$tmp/$n" -l "$tmp/$n.log" -w -t 60 start >/dev/null \
        || { cat "$tmp/$n.log"; exit 1; }
done

unset PGDATABASE PGPASSWORD PGSERVICE PGOPTIONS PGTZ
export PGHOST="$tmp" PGUSER=postgres
psql_at() {   # psql_at NODE DB [psql args...]
    local n="$1" db="$2"
    shift 2
    "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -p "${PORT[$n]}" -d "$db" "$@"
}
failed=0
phase() { echo "== $* (${SECONDS} s)"; }
fail() { echo "FAIL  $*"; failed=$((failed + 1)); }
ok() { echo "ok    $*"; }

for n in worker1 worker2 coordinator; do
    psql_at "$n" postgres -c 'CREATE DATABASE adoption'
    psql_at "$n" adoption -c 'CREATE EXTENSION citus'
done
psql_at coordinator postgres -c 'CREATE DATABASE single'
psql_at coordinator adoption -At >/dev/null <<SQL
SELECT citus_set_coordinator_host('localhost', ${PORT[coordinator]});
SELECT citus_add_node('localhost', ${PORT[worker1]});
SELECT citus_add_node('localhost', ${PORT[worker2]});
CREATE EXTENSION adoption;
SQL
echo "Citus $(psql_at coordinator adoption -At -c "SELECT extversion FROM pg_extension WHERE extname = 'citus'") on $("$BIN/postgres" --version): a coordinator and two workers on ports ${PORT[coordinator]}, ${PORT[worker1]}, ${PORT[worker2]}"

# Citus creates the extension on the workers
for n in worker1 worker2; do
    v="$(psql_at "$n" adoption -At -c "SELECT extversion FROM pg_extension WHERE extname = 'adoption'")"
    if [[ -n "$v" ]]; then ok "adoption $v created on $n by Citus"; else fail "adoption not created on $n"; fi
done

# ----------------------------------------------------------------------
# The data: generated into the plain database, copied into the
# distributed one
# ----------------------------------------------------------------------
psql_at coordinator single -c 'CREATE EXTENSION adoption'
psql_at coordinator single -v events="$EVENTS" -v seed="$SEED" -f "$GEN" >"$tmp/generate.log" 2>&1 \
    || { cat "$tmp/generate.log"; exit 1; }
"$BIN/pg_dump" -p "${PORT[coordinator]}" -d single --schema-only -t accounts -t users -t events \
    | psql_at coordinator adoption >/dev/null
psql_at coordinator adoption -At >/dev/null <<'SQL'
SELECT create_distributed_table('accounts', 'account_id');
SELECT create_distributed_table('events', 'account_id', colocate_with => 'accounts');
SELECT create_reference_table('users');
SQL
for t in accounts users events; do
    psql_at coordinator single -c "COPY $t TO STDOUT" | psql_at coordinator adoption -c "COPY $t FROM STDIN"
done
DAILY=$(cat <<'SQL'
INSERT INTO daily (account_id, day, act)
SELECT account_id, (occurred_at AT TIME ZONE 'UTC')::date,
       activity_agg(user_id, (occurred_at AT TIME ZONE 'UTC')::date, feature)
FROM events GROUP BY 1, 2;
ANALYZE;
SQL
)
for db in single adoption; do
    psql_at coordinator "$db" -c 'CREATE TABLE daily (account_id bigint NOT NULL, day date NOT NULL, act activity NOT NULL, PRIMARY KEY (account_id, day))'
    if [[ "$db" == adoption ]]; then
        psql_at coordinator "$db" -At -c "SELECT create_distributed_table('daily', 'account_id', colocate_with => 'events')" >/dev/null
    fi
    psql_at coordinator "$db" -c "$DAILY"
done
phase "data loaded"
echo "data: $(psql_at coordinator adoption -At -c "SELECT format('%s events, %s accounts, %s users, %s per-day summaries (events=$EVENTS seed=$SEED)', (SELECT count(*) FROM events), (SELECT count(*) FROM accounts), (SELECT count(*) FROM users), (SELECT count(*) FROM daily))")"

# the extension's functions, to skip queries of later releases
FUNCS=" $(psql_at coordinator adoption -At -c "SELECT string_agg(DISTINCT p.proname, ' ') FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e' JOIN pg_extension e ON e.oid = d.refobjid WHERE e.extname = 'adoption'") "

# ----------------------------------------------------------------------
# Running the list
# ----------------------------------------------------------------------
AGGS='(activity_agg|rollup|score_auc|health_fit)\('
skipped=0
# run_queries LABEL: every query on both databases, and its plan
run_queries() {
    local label="$1" line name needs plan sql fn missing rows plan_ok t0
    while IFS= read -r line; do
        [[ -z "${line// }" ]] && continue
        name="$(sed -E 's/^ *([^|]*[^| ]) *\|.*/\1/' <<<"$line")"
        needs="$(cut -d'|' -f2 <<<"$line" | tr -d ' ')"
        plan="$(cut -d'|' -f3 <<<"$line" | tr -d ' ')"
        sql="$(cut -d'|' -f4- <<<"$line" | sed -E 's/^ +//')"
        missing=""
        if [[ "$needs" != - ]]; then
            for fn in ${needs//,/ }; do
                [[ "$FUNCS" == *" $fn "* ]] || missing+=" $fn"
            done
        fi
        if [[ -n "$missing" ]]; then
            [[ "$label" == before ]] && { echo "skip  $name: not in the installed extension:$missing"; skipped=$((skipped + 1)); }
            continue
        fi
        t0=$(date +%s%N)
        if ! psql_at coordinator adoption -A -c "$sql" >"$tmp/q.dist" 2>"$tmp/q.err"; then
            fail "$label $name: error on the distributed tables: $(head -n 3 "$tmp/q.err")"
            continue
        fi
        if ! psql_at coordinator single -A -c "$sql" >"$tmp/q.single" 2>"$tmp/q.err"; then
            fail "$label $name: error on the plain tables: $(head -n 3 "$tmp/q.err")"
            continue
        fi
        rows=$(( $(wc -l <"$tmp/q.single") - 2 ))
        if [[ $rows -lt 1 ]]; then
            fail "$label $name: no row"
            continue
        fi
        if ! cmp -s "$tmp/q.dist" "$tmp/q.single"; then
            fail "$label $name: outputs differ ($rows rows single-node)"
            diff "$tmp/q.single" "$tmp/q.dist" | head -n 10 | cut -c1-300
            continue
        fi
        plan_ok=1
        if [[ "$plan" != - && "$label" == before ]]; then
            psql_at coordinator adoption -At -c "EXPLAIN (VERBOSE, COSTS OFF) $sql" >"$tmp/q.plan"
            case "$plan" in
                pushdown)
                    if grep -qE 'worker_partial_agg|coord_combine_agg' "$tmp/q.plan" \
                       || ! grep -q 'Custom Scan (Citus Adaptive)' "$tmp/q.plan" \
                       || ! grep -E '^ *Query: ' "$tmp/q.plan" | grep -qE "$AGGS"; then
                        plan_ok=0
                    fi;;
                partial)
                    if ! grep -qE 'worker_partial_agg\(' "$tmp/q.plan" \
                       || ! grep -qE 'coord_combine_agg\(' "$tmp/q.plan"; then
                        plan_ok=0
                    fi;;
                *) echo "bad plan kind '$plan' for $name"; plan_ok=0;;
            esac
            if [[ $plan_ok -eq 0 ]]; then
                fail "$label $name: Citus did not run it as '$plan'"
                sed 's/^/      /' "$tmp/q.plan" | cut -c1-240 | head -n 40
                continue
            fi
        fi
        ok "$label $name: $rows rows identical${plan:+, $plan} ($(( ($(date +%s%N) - t0) / 1000000 )) ms)"
    done <<<"$QUERIES"
}

run_checks() {
    local label="$1" line what sql r
    while IFS= read -r line; do
        [[ -z "${line// }" ]] && continue
        what="$(sed -E 's/^ *([^|]*[^| ]) *\|.*/\1/' <<<"$line")"
        sql="$(cut -d'|' -f2- <<<"$line")"
        r="$(psql_at coordinator adoption -At -c "$sql" 2>&1)" || true
        if [[ "$r" == t ]]; then ok "$label $what"; else fail "$label $what: $r"; fi
    done <<<"$CHECKS"
}

phase "the queries"
run_queries before
run_checks before
phase "late events and the refresh"

# ----------------------------------------------------------------------
# Late events and the incremental refresh (doc/citus.md), on both
# ----------------------------------------------------------------------
# the busiest account gains a new user on 2026-06-28, the smallest account
# with events on 2026-06-29 (UTC) loses every event of that day
read -r acct_a new_user acct_b < <(psql_at coordinator single -At -F ' ' -c "
    SELECT (SELECT account_id FROM events GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1),
           (SELECT max(user_id) + 1 FROM users),
           (SELECT min(account_id) FROM events WHERE occurred_at >= '2026-06-29 00:00+00' AND occurred_at < '2026-06-30 00:00+00')")
LATE=$(cat <<SQL
INSERT INTO users (user_id, account_id, role, department, invited_at)
VALUES ($new_user, $acct_a, 'member', 'late', '2026-06-28 09:00+00');
INSERT INTO events (account_id, user_id, feature, occurred_at)
VALUES ($acct_a, $new_user, 'reports', '2026-06-28 10:30+00');
DELETE FROM events WHERE account_id = $acct_b
  AND occurred_at >= '2026-06-29 00:00+00' AND occurred_at < '2026-06-30 00:00+00';
SQL
)
# the refresh of doc/citus.md, as written there
REFRESH=$(sed -n '/^    BEGIN;$/,/^    COMMIT;$/p' doc/citus.md | sed 's/^    //' | sed -n '/-- days whose events were all deleted/,/^COMMIT;/p' | sed '1i BEGIN;')
if ! grep -q 'ON CONFLICT (account_id, day) DO UPDATE' <<<"$REFRESH"; then
    fail "the refresh statements not found in doc/citus.md"
fi
for db in single adoption; do
    psql_at coordinator "$db" -c "$LATE"
    "$BIN/psql" -X -v ON_ERROR_STOP=1 -p "${PORT[coordinator]}" -d "$db" <<<"$REFRESH" >"$tmp/refresh.$db" 2>&1 \
        || { cat "$tmp/refresh.$db"; fail "refresh on $db"; }
done
tags="$(grep -E '^(DELETE|INSERT)' "$tmp/refresh.adoption" | tr '\n' ' ')"
if [[ "$tags" == "DELETE 1 INSERT 0 1 " ]] && cmp -s "$tmp/refresh.single" "$tmp/refresh.adoption"; then
    ok "refresh after late events: removed the emptied day, rewrote only the changed day ($tags) as on one node"
else
    fail "refresh after late events: distributed '$tags', single node '$(grep -E '^(DELETE|INSERT)' "$tmp/refresh.single" | tr '\n' ' ')'"
fi
phase "the queries again"
run_queries after
run_checks after
phase "time zones"

# ----------------------------------------------------------------------
# The time-zone rule
# ----------------------------------------------------------------------
TZQ="SELECT feature, activity_agg(user_id, occurred_at, feature)::text FROM events GROUP BY feature ORDER BY 1"
TZQ_UTC="SELECT feature, activity_agg(user_id, (occurred_at AT TIME ZONE 'UTC')::date, feature)::text FROM events GROUP BY feature ORDER BY 1"
for db in single adoption; do
    psql_at coordinator "$db" -A -c "SET TimeZone = 'America/New_York'" -c "$TZQ" >"$tmp/tz.set.$db"
    psql_at coordinator "$db" -A -c "SET TimeZone = 'America/New_York'" -c "$TZQ_UTC" >"$tmp/tz.utc.$db"
    psql_at coordinator "$db" -A -c "BEGIN" -c "SET LOCAL citus.propagate_set_commands = 'local'" \
        -c "SET LOCAL TimeZone = 'America/New_York'" -c "$TZQ" -c "COMMIT" >"$tmp/tz.local.$db"
done
if cmp -s "$tmp/tz.set.single" "$tmp/tz.set.adoption"; then
    fail "time zones: SET TimeZone on the coordinator only was expected to differ (the workers use their own)"
else
    ok "time zones: SET TimeZone on the coordinator only differs from one node (the workers use UTC)"
fi
if cmp -s "$tmp/tz.utc.single" "$tmp/tz.utc.adoption"; then
    ok "time zones: days written out AT TIME ZONE 'UTC' are identical whatever the session TimeZone"
else
    fail "time zones: days AT TIME ZONE 'UTC' differ"
fi
if cmp -s "$tmp/tz.local.single" "$tmp/tz.local.adoption" \
   && ! cmp -s "$tmp/tz.local.adoption" "$tmp/tz.utc.adoption"; then
    ok "time zones: SET LOCAL with citus.propagate_set_commands = 'local' is identical to one node"
else
    fail "time zones: SET LOCAL with citus.propagate_set_commands = 'local'"
fi

# a refresh left nothing behind in the logs
for n in "${NODES[@]}"; do
    if grep -E 'PANIC|server process .* was terminated' "$tmp/$n.log"; then
        fail "$n: server crash in the log"
    fi
done

phase "done"
echo "citus: $failed failed, $skipped queries skipped (their functions are not in the installed extension)"
[[ $failed -eq 0 ]]
