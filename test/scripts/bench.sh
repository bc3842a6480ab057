#!/usr/bin/env bash
# bench: the benchmark's SQL scripts still run and every comparison in them
# still agrees, at a tiny scale (no timing is looked at).
#
# In a fresh database of the cluster named by the PG* environment (test/run
# provides a throw-away one): the extension, ADOPTION_BENCH_EVENTS generated
# events (default 30000, seed 1), then bench/core.sql, retention.sql,
# report.sql, triangle.sql, funnel.sql, reshape.sql, parallel.sql, health.sql (10,000 rows),
# refresh.sql, memory.sql and summary.sql with one repetition each.  Each script raises
# an error when a formulation disagrees with plain SQL (or the parallel plan
# with the serial one).  The session TimeZone is not UTC, so the plain SQL's
# day, week and month boundaries are checked against the extension's in a
# zone where they differ from UTC.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/scripts/lib/common.bash

EVENTS="${ADOPTION_BENCH_EVENTS:-30000}"
db="adoption_bench_test_$$"
psql=(psql -X -v ON_ERROR_STOP=1 -d "$db")
# the benchmark's plain SQL uses bit_count (PostgreSQL 14)
v="$(psql -X -At -d postgres -c 'SHOW server_version_num')"
if [[ $v -lt 140000 ]]; then
    echo "SKIP test/scripts/bench.sh: the benchmark's plain SQL needs PostgreSQL 14 or later (bit_count); this server is $v"
    exit 0
fi
generated_db "$db" 1 "$EVENTS"
"${psql[@]}" -q -c 'VACUUM ANALYZE'

# bench/core.sql's aggregate floor (bench/floor), built for and installed
# into the server's own tree; core.sql leaves it out when that fails
bindir="$(psql -X -At -d "$db" -c "SELECT setting FROM pg_config WHERE name = 'BINDIR'")"
floor_tmp="$(mktemp -d)"
cp bench/floor/Makefile bench/floor/*.c "$floor_tmp/"
if make -s -C "$floor_tmp" PG_CONFIG="$bindir/pg_config" >/dev/null 2>&1 \
   && make -s -C "$floor_tmp" install PG_CONFIG="$bindir/pg_config" >/dev/null 2>&1; then
    floor=1
else
    floor=0
    echo "note: bench/floor could not be built or installed; core.sql leaves the aggregate floor out"
fi
rm -rf "$floor_tmp"

export PGTZ=Asia/Kolkata
"${psql[@]}" -v reps=1 -f bench/core.sql
"${psql[@]}" -v reps=1 -f bench/retention.sql
"${psql[@]}" -v reps=1 -f bench/report.sql
"${psql[@]}" -v reps=1 -f bench/triangle.sql
"${psql[@]}" -v reps=1 -f bench/funnel.sql
"${psql[@]}" -v reps=1 -f bench/reshape.sql
"${psql[@]}" -v reps=1 -f bench/parallel.sql
"${psql[@]}" -v reps=1 -v rows=10000 -f bench/health.sql
"${psql[@]}" -v reps=1 -f bench/refresh.sql
"${psql[@]}" -f bench/memory.sql
"${psql[@]}" -f bench/summary.sql

# the aggregate floor was timed when its library is installed
if [[ $floor == 1 ]]; then
    "${psql[@]}" -At -c "SELECT value FROM bench_figures WHERE figure LIKE 'floor: any aggregate%'" | grep -q ' x)$' \
        || { echo "FAIL: the aggregate floor is installed but was not measured"; exit 1; }
fi

# every comparison recorded its rows
"${psql[@]}" -At -c "SELECT count(*) FROM bench_results" | grep -qx 38
echo "bench scripts: every comparison agreed"
