#!/usr/bin/env bash
# symbols: the shared library exports the SQL entry points and nothing else.
#
# Every C function the extension's SQL objects call is exported, with its
# info function (pg_finfo_NAME) and the module's magic block; any other
# symbol, an internal function the build failed to hide, fails the test.
# The names come from the catalog of a fresh install (pg_proc.prosrc of the
# functions whose probin is the module), the symbols from nm -D on the
# installed library.
#
# Runs against the cluster named by the PG* environment (test/run provides a
# throw-away one).
set -euo pipefail

fail() { echo "FAIL: $*"; exit 1; }
PG_CONFIG="${PG_CONFIG:-pg_config}"
lib="$("$PG_CONFIG" --pkglibdir)/adoption.so"
[[ -r "$lib" ]] || fail "no installed library at $lib"
command -v nm >/dev/null || fail "nm (binutils) is not installed"

db=adoption_symbols
dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
trap 'dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT
psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -c 'CREATE EXTENSION adoption'
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"; dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT

psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -c "
    SELECT DISTINCT prosrc FROM pg_proc
    WHERE probin = '\$libdir/adoption'" >"$tmp/entry"
[[ -s "$tmp/entry" ]] || fail "the catalog names no C function of the module"
{
    echo Pg_magic_func
    sed 'p; s/^/pg_finfo_/' "$tmp/entry"
} | sort -u >"$tmp/expected"
nm -D --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort -u >"$tmp/exported"

if ! diff -u "$tmp/expected" "$tmp/exported" >"$tmp/diff"; then
    echo "lines with '+': exported but not an entry point; '-': an entry point not exported"
    sed -n '3,$p' "$tmp/diff" | grep '^[-+]' || true
    fail "the library's exported symbols differ from its SQL entry points"
fi
echo "PASS  $(wc -l <"$tmp/exported") exported symbols: $(wc -l <"$tmp/entry") SQL entry points, their info functions and the magic block"
