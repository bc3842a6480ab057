#!/usr/bin/env bash
# load: pgbench, 8 clients for ADOPTION_LOAD_SECONDS (default 60) seconds,
# mixing inserts into an events table, accessor queries over rolled-up
# per-day summaries, and REFRESH MATERIALIZED VIEW CONCURRENTLY of those
# summaries.  No client may fail or abort, and afterwards (one last refresh)
# the view must equal a full recomputation from the events, byte for byte:
# nothing lost.
#
# Runs against the cluster named by the PG* environment (test/run provides a
# throw-away one).  Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/scripts/lib/common.bash

db=adoption_load_test
seconds="${ADOPTION_LOAD_SECONDS:-60}"
clients="${ADOPTION_LOAD_CLIENTS:-8}"
psql=(psql -X -q -At -v ON_ERROR_STOP=1 -d "$db")
new_work
adoption_db "$db"

"${psql[@]}" <<'SQL'
CREATE TABLE events (
    account_id  int NOT NULL,
    user_id     bigint NOT NULL,
    feature     text,
    occurred_at timestamptz NOT NULL);
INSERT INTO events
SELECT 1 + i % 40, 1000 * (1 + i % 40) + i % 53,
       CASE WHEN i % 4 = 0 THEN NULL ELSE 'feature_' || (i % 9) END,
       timestamptz '2026-05-01 00:00+00' + (i * 7919 % (60 * 24 * 60)) * interval '1 minute'
FROM generate_series(1, 200000) AS i;
CREATE INDEX ON events (account_id, occurred_at);
-- days in UTC whoever refreshes
CREATE MATERIALIZED VIEW daily AS
SELECT account_id, (occurred_at AT TIME ZONE 'UTC')::date AS day,
       activity_agg(user_id, (occurred_at AT TIME ZONE 'UTC')::date, feature) AS act
FROM events GROUP BY 1, 2;
CREATE UNIQUE INDEX ON daily (account_id, day);
SQL

cat >"$work/insert.sql" <<'SQL'
\set aid random(1, 40)
\set uid random(0, 60)
\set f random(0, 12)
\set m random(0, 86399)
INSERT INTO events VALUES (:aid, 1000 * :aid + :uid,
    CASE WHEN :f > 9 THEN NULL ELSE 'feature_' || :f END,
    timestamptz '2026-05-01 00:00+00' + :m * interval '1 minute');
SQL
cat >"$work/read.sql" <<'SQL'
\set aid random(1, 40)
\set back random(0, 50)
SELECT active_users(s.act, d, 30), stickiness(s.act, d), depth(s.act, d, 30),
       usage_trend(s.act, d), (SELECT count(*) FROM feature_retention(s.act, as_of => d))
FROM (SELECT date '2026-06-29' - :back AS d) p,
     LATERAL (SELECT rollup(act) AS act FROM daily
              WHERE account_id = :aid AND day > p.d - 60 AND day <= p.d) s;
SQL
cat >"$work/refresh.sql" <<'SQL'
REFRESH MATERIALIZED VIEW CONCURRENTLY daily;
SQL

before="$("${psql[@]}" -c "SELECT count(*) FROM events")"
rc=0
pgbench -n -d "$db" -c "$clients" -j 2 -T "$seconds" \
    -f "$work/insert.sql@10" -f "$work/read.sql@10" -f "$work/refresh.sql@1" \
    >"$work/pgbench.log" 2>&1 || rc=$?
cat "$work/pgbench.log"
[[ $rc -eq 0 ]] || { echo "FAIL: pgbench exited with $rc"; exit 1; }
grep -q -E 'number of failed transactions: [1-9]' "$work/pgbench.log" && { echo "FAIL: failed transactions"; exit 1; }
grep -q -i -E 'aborted|error' "$work/pgbench.log" && { echo "FAIL: errors or aborted clients"; exit 1; }
done_tx="$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/pgbench.log")"
[[ "${done_tx:-0}" -gt 0 ]] || { echo "FAIL: no transaction ran"; exit 1; }

"${psql[@]}" -c "REFRESH MATERIALIZED VIEW CONCURRENTLY daily"
after="$("${psql[@]}" -c "SELECT count(*) FROM events")"
nbad="$("${psql[@]}" -c "
    WITH fresh AS (
        SELECT account_id, (occurred_at AT TIME ZONE 'UTC')::date AS day,
               activity_agg(user_id, (occurred_at AT TIME ZONE 'UTC')::date, feature)::text AS act
        FROM events GROUP BY 1, 2),
    mv AS (SELECT account_id, day, act::text AS act FROM daily)
    SELECT count(*) FROM ((TABLE fresh EXCEPT TABLE mv) UNION ALL (TABLE mv EXCEPT TABLE fresh)) x")"
[[ "$nbad" == 0 ]] || { echo "FAIL: the view differs from a recomputation on $nbad rows"; exit 1; }
echo "load: $clients clients for $seconds s, $done_tx transactions, $((after - before)) events inserted; after a last refresh the view equals a recomputation"
