#!/usr/bin/env bash
# dump_restore: activity values survive pg_dump and restore.
#
# Runs against the cluster named by the PG* environment (test/run provides
# a throw-away one).  Two rounds:
#   1. extension in public, custom-format dump, pg_restore
#   2. extension in its own schema, plain SQL dump, psql
# Each compares the text (and the binary send output) of every value, and
# the results of a view and a materialized view over them.  Exits non-zero
# on any difference.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

psql=(psql -X -q -v ON_ERROR_STOP=1)
work="$(mktemp -d)"
dbs=()
cleanup() {
    local d
    for d in "${dbs[@]}"; do
        dropdb --if-exists "$d" >/dev/null 2>&1 || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

newdb() {
    dropdb --if-exists "$1" >/dev/null 2>&1 || true
    createdb "$1"
    dbs+=("$1")
}

# fill: $1 database, $2 schema of the extension
fill() {
    "${psql[@]}" -d "$1" -v ext_schema="$2" <<'SQL'
SET client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS :"ext_schema";
CREATE EXTENSION adoption SCHEMA :"ext_schema";
SET search_path = public, :"ext_schema";
SET TimeZone = 'America/New_York';

CREATE TABLE raw AS
SELECT (g % 997) + 1 AS user_id,
       (ARRAY['reports', 'alerts', 'api', NULL, 'sso', 'exports'])[1 + g % 6] AS feature,
       timestamptz '2025-01-01 00:00-05' + (g * 7919 % 500000) * interval '1 minute' AS occurred_at,
       g % 7 AS account_id
FROM generate_series(1, 30000) g;

CREATE TABLE summaries (id serial PRIMARY KEY, label text NOT NULL, act activity);
INSERT INTO summaries (label, act)
SELECT 'bigint ' || account_id, activity_agg(user_id::bigint, occurred_at, feature) FROM raw GROUP BY account_id
UNION ALL
SELECT 'integer ' || account_id, activity_agg(user_id::integer, occurred_at::date, feature) FROM raw GROUP BY account_id
UNION ALL
SELECT 'text ' || account_id, activity_agg('user ' || user_id, occurred_at, feature) FROM raw GROUP BY account_id
UNION ALL
SELECT 'uuid ' || account_id, activity_agg(md5(user_id::text)::uuid, occurred_at, feature) FROM raw GROUP BY account_id
UNION ALL
SELECT 'no feature', activity_agg(user_id::bigint, occurred_at) FROM raw
UNION ALL
SELECT 'large (toasted) text ids', activity_agg(md5(user_id::text) || repeat('x', 40), occurred_at, feature) FROM raw
UNION ALL
SELECT 'one triple', activity_agg(1, date '2026-06-30')
UNION ALL
SELECT 'NULL', NULL;

-- per-day summaries, as a scheduled refresh would keep them
CREATE TABLE daily (account_id int, day date, act activity NOT NULL, PRIMARY KEY (account_id, day));
INSERT INTO daily
SELECT account_id, occurred_at::date, activity_agg(user_id::bigint, occurred_at, feature)
FROM raw GROUP BY 1, 2;

CREATE VIEW metrics AS
SELECT id, label, user_count(act) AS users, active_users(act, '2026-01-31', 30) AS mau,
       stickiness(act, '2026-01-31', 30) AS stickiness, first_day(act), last_day(act)
FROM summaries;
CREATE MATERIALIZED VIEW monthly AS
SELECT account_id, date_trunc('month', day)::date AS month, rollup(act) AS act
FROM daily GROUP BY 1, 2;
CREATE UNIQUE INDEX ON monthly (account_id, month);
DROP TABLE raw;
SQL
}

# snapshot: $1 database, $2 schema of the extension, $3 output file
snapshot() {
    "${psql[@]}" -d "$1" -At -v ext_schema="$2" >"$3" <<'SQL'
SET search_path = public, :"ext_schema";
SELECT 'summaries', id, label, act::text, encode(activity_send(act), 'base64') FROM summaries ORDER BY id;
SELECT 'daily', account_id, day, act::text FROM daily ORDER BY 2, 3;
SELECT 'monthly', account_id, month, act::text FROM monthly ORDER BY 2, 3;
SELECT 'metrics', * FROM metrics ORDER BY id;
SELECT 'rollup', rollup(act)::text FROM daily;
SELECT 'count', count(*), count(act) FROM summaries;
SQL
}

failed=0
round() {
    local name="$1" schema="$2" format="$3"
    local src="adoption_dump_src_$$" dst="adoption_dump_dst_$$"
    echo "-- round: $name"
    newdb "$src"
    fill "$src" "$schema"
    snapshot "$src" "$schema" "$work/before"
    if [[ "$format" == custom ]]; then
        pg_dump -Fc -d "$src" -f "$work/dump"
        newdb "$dst"
        pg_restore --exit-on-error -d "$dst" "$work/dump"
    else
        pg_dump -Fp -d "$src" -f "$work/dump.sql"
        newdb "$dst"
        "${psql[@]}" -d "$dst" -f "$work/dump.sql" >/dev/null
    fi
    snapshot "$dst" "$schema" "$work/after"

    local n
    n=$(grep -c '^summaries|' "$work/before" || true)
    if [[ "$n" -lt 30 ]] || ! grep -q '^count|32|31$' "$work/before"; then
        echo "FAIL $name: unexpected source data ($n summaries)"
        grep '^count' "$work/before" || true
        failed=1
    elif ! cmp -s "$work/before" "$work/after"; then
        echo "FAIL $name: values differ after the restore"
        diff "$work/before" "$work/after" | cut -c1-200 | head -40
        failed=1
    else
        echo "ok $name: $(wc -l <"$work/before") lines identical"
    fi
    dropdb "$src"
    dropdb "$dst"
}

round "public schema, custom format" public custom
round "own schema, plain format" adoption_ext plain

exit $failed
