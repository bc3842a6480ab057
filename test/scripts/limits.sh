#!/usr/bin/env bash
# limits: a summary that would pass PostgreSQL's 1 GB value limit is a clear
# error (54000), not a crash or a wrong value; and failing calls leave no
# memory behind (1,000 of them in one session do not grow the backend's
# memory contexts).
#
# Runs against the cluster named by the PG* environment (test/run provides a
# throw-away one).  Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

db=adoption_limits_test
psql=(psql -X -q -At -d "$db")
cleanup() { dropdb --if-exists "$db" >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup
createdb "$db"
"${psql[@]}" -v ON_ERROR_STOP=1 <<'SQL'
CREATE EXTENSION adoption;
CREATE TABLE ev AS
SELECT i % 50 AS user_id, date '2026-01-01' + i % 90 AS day, 'f' || i % 7 AS feature
FROM generate_series(1, 5000) AS i;
CREATE TABLE s AS SELECT activity_agg(user_id, day, feature) AS act FROM ev;
SQL

# 1. 1,100 users whose text ids take 1 MB each: the user-id section alone
# passes 1 GB
out="$("${psql[@]}" -v VERBOSITY=verbose 2>&1 <<'SQL' || true
SELECT length(activity_agg(repeat('x', 1000000) || i, date '2026-01-01')::text)
FROM generate_series(1, 1100) AS i;
SQL
)"
echo "$out" | head -3
grep -q '54000' <<<"$out" || { echo "FAIL: no error 54000 for a value over 1 GB"; exit 1; }
grep -q 'more than the 1 GB a PostgreSQL value may hold' <<<"$out" \
    || { echo "FAIL: the error does not name the 1 GB limit"; exit 1; }
"${psql[@]}" -c "SELECT 1" >/dev/null || { echo "FAIL: the server is gone"; exit 1; }

# 2. failing calls of every kind, in one session: the backend's memory
# contexts must not grow between the first 100 and the next 1,000
fails() {
    local n="$1" i
    for ((i = 0; i < n; i++)); do
        case $((i % 5)) in
            0) echo "SELECT '1:not base64!'::activity;" ;;
            1) echo "SELECT active_users(act, '2026-03-31', -1) FROM s;" ;;
            2) echo "SELECT activity_agg(user_id, CASE WHEN user_id = 7 THEN 'infinity'::date ELSE day END, feature) FROM ev;" ;;
            3) echo "SELECT rollup(a) FROM (SELECT act AS a FROM s UNION ALL SELECT activity_agg('t' || user_id, day) FROM ev) x;" ;;
            4) echo "SELECT retention(act, '{30}', width => 0, as_of => '2026-03-31') FROM s;" ;;
        esac
    done
}
# pg_backend_memory_contexts is new in PostgreSQL 14
v="$("${psql[@]}" -c 'SHOW server_version_num')"
if [[ $v -lt 140000 ]]; then
    echo "SKIP test/scripts/limits.sh: part 1 passed; part 2 reads pg_backend_memory_contexts, which needs PostgreSQL 14 or later; this server is $v"
    exit 0
fi
used="SELECT 'USED ' || sum(total_bytes) FROM pg_backend_memory_contexts;"
res="$({ fails 100; echo "$used"; fails 1000; echo "$used"; } | "${psql[@]}" 2>/dev/null | sed -n 's/^USED //p')"
first="$(sed -n 1p <<<"$res")"
second="$(sed -n 2p <<<"$res")"
[[ -n "$first" && -n "$second" ]] || { echo "FAIL: no memory readings"; exit 1; }
growth=$((second - first))
nerr="$({ fails 1000; } | "${psql[@]}" 2>&1 | grep -c '^ERROR' || true)"
echo "backend memory contexts: $first bytes after 100 failing calls, $second after 1,100 ($growth bytes more); $nerr of 1,000 calls failed"
[[ "$nerr" == 1000 ]] || { echo "FAIL: expected 1,000 errors"; exit 1; }
[[ $growth -lt 262144 ]] || { echo "FAIL: the backend grew by $growth bytes over 1,000 failing calls"; exit 1; }
echo "limits: ok"
