#!/usr/bin/env bash
# A short run of the activity fuzzer (test/fuzz/run) for the test suite:
# builds the harness and runs it for FUZZ_RUNS executions (default
# 2000000) or FUZZ_TIME seconds (default 60), whichever comes first.
# Fails on any finding.  Needs no database.  For a long run:
# bash test/fuzz/run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
rc=0
FUZZ_RUNS="${FUZZ_RUNS:-2000000}" FUZZ_TIME="${FUZZ_TIME:-60}" \
    bash "$ROOT/test/fuzz/run" >"$log" 2>&1 || rc=$?
# without the progress lines and the recommended dictionary
grep -vE '^#[0-9]+[[:space:]]+(NEW|REDUCE|pulse)|^"|^###### ' "$log" || true
echo "fuzzer exit status: $rc"
exit "$rc"
