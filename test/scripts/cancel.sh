#!/usr/bin/env bash
# cancel: long activity_agg, rollup and accessor calls stop within a second
# of pg_cancel_backend, and of their statement_timeout.
#
# Each query below runs for many seconds; it is cancelled after a moment,
# and the time from the cancel to the backend being idle again must stay
# under ADOPTION_CANCEL_LIMIT seconds (default 1).  A bound on
# responsiveness, not a measure of speed.
#
# Runs against the cluster named by the PG* environment (test/run provides a
# throw-away one).  Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/scripts/lib/common.bash

db=adoption_cancel_test
limit="${ADOPTION_CANCEL_LIMIT:-1}"
psql=(psql -X -q -At -v ON_ERROR_STOP=1 -d "$db")
new_work
adoption_db "$db"

# 2 M rows of 200,000 users over 700 days; per-day summaries; one summary of
# them all (about 2 M distinct triples)
"${psql[@]}" <<'SQL'
CREATE TABLE ev AS
SELECT (i::bigint * 7919 % 200000) AS user_id, date '2025-01-01' + i % 700 AS day,
       'feature_' || (i % 17) AS feature
FROM generate_series(1, 2000000) AS i;
CREATE TABLE daily AS SELECT day, activity_agg(user_id, day, feature) AS act FROM ev GROUP BY day;
CREATE TABLE whole AS SELECT rollup(act) AS act FROM daily;
SQL

now() { date +%s.%N; }

# runs "$2" in the background, cancels it after $3 seconds (or lets
# statement_timeout do it when $3 is "timeout"), and checks how long the
# backend took to give up
check() {
    local name="$1" sql="$2" after="$3" app="cancel_$RANDOM" pid t0 t1 out rc
    (
        PGAPPNAME="$app" psql -X -q -At -d "$db" \
            -c "SET statement_timeout = '${STATEMENT_TIMEOUT:-0}'" -c "$sql" \
            >"$work/out" 2>&1 || true
        now >"$work/end"
    ) &
    local bg=$!
    # wait for the query to start (its leader: parallel workers share the name)
    for _ in $(seq 1 100); do
        pid="$("${psql[@]}" -c "SELECT pid FROM pg_stat_activity WHERE application_name = '$app' AND state = 'active' AND backend_type = 'client backend'")"
        [[ -n "$pid" ]] && break
        sleep 0.05
    done
    [[ -n "$pid" ]] || { echo "FAIL $name: the query did not start"; cat "$work/out"; exit 1; }
    if [[ "$after" == timeout ]]; then
        t0="$("${psql[@]}" -c "SELECT extract(epoch FROM query_start) + ${STATEMENT_TIMEOUT%ms} / 1000.0 FROM pg_stat_activity WHERE pid = $pid")"
    else
        sleep "$after"
        t0="$(now)"
        "${psql[@]}" -c "SELECT pg_cancel_backend($pid)" >/dev/null
    fi
    wait "$bg"
    t1="$(cat "$work/end")"
    out="$(cat "$work/out")"
    if ! grep -q -E 'canceling statement due to (user request|statement timeout)' <<<"$out"; then
        echo "FAIL $name: not cancelled: $out"
        exit 1
    fi
    rc="$(awk -v a="$t0" -v b="$t1" -v l="$limit" 'BEGIN { d = b - a; printf "%.3f %d", d, (d < l) }')"
    echo "$name: stopped ${rc% *} s after the cancel"
    [[ "${rc#* }" == 1 ]] || { echo "FAIL $name: took longer than $limit s to stop"; exit 1; }
}

agg="SELECT length(activity_agg(user_id, day, feature)::text) FROM ev, generate_series(1, 50)"
roll="SELECT length(rollup(act)::text) FROM daily, generate_series(1, 300)"
# one call over the 2 M-triple summary takes about 50 ms; a thousand of them
acc="SELECT count(*) FROM whole, generate_series(1, 1000) g, feature_retention(act, as_of => date '2026-11-30' - g)"

check "activity_agg, pg_cancel_backend" "$agg" 2
check "rollup, pg_cancel_backend" "$roll" 2
check "feature_retention, pg_cancel_backend" "$acc" 2
STATEMENT_TIMEOUT=2000ms check "activity_agg, statement_timeout" "$agg" timeout
STATEMENT_TIMEOUT=2000ms check "rollup, statement_timeout" "$roll" timeout
STATEMENT_TIMEOUT=2000ms check "feature_retention, statement_timeout" "$acc" timeout
echo "cancel: ok"
