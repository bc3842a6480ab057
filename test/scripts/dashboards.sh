#!/usr/bin/env bash
# dashboards: the queries of doc/dashboards.sql through a real client driver.
#
# In a database of its own (generated data, ADOPTION_DASHBOARD_EVENTS events,
# default 50000; the per-day summaries of doc/refresh.sql), runs
# test/scripts/dashboards.py with Debian's psycopg 3 (python3-psycopg, under
# /usr/bin/python3): every dashboard query with bound parameters over the
# extended query protocol, unprepared and as a prepared statement, checking
# the parameter and column types the driver reports and every number
# against plain SQL over the raw events.  Runs against the cluster named by
# the PG* environment (test/run provides a throw-away one).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/scripts/lib/common.bash

bash test/install-deps python3-psycopg

EVENTS="${ADOPTION_DASHBOARD_EVENTS:-50000}"
db="adoption_dashboards_test_$$"
psql=(psql -X -q -v ON_ERROR_STOP=1 -d "$db")
generated_db "$db" 3 "$EVENTS"
# the accounts of the generator have no department-less users; add an
# account with no users and no events, and one with seats 0
"${psql[@]}" <<'SQL'
INSERT INTO accounts (account_id, seats, segment, signed_at)
VALUES (900001, 25, 'smb', '2025-06-01'), (900002, 0, 'smb', '2025-06-01');
INSERT INTO users (user_id, account_id, role, department, invited_at)
VALUES (900002001, 900002, 'admin', 'ops', '2025-06-01');
INSERT INTO events (account_id, user_id, feature, occurred_at)
VALUES (900002, 900002001, 'reports', '2026-06-20 12:00+00'),
       (900002, 900002001, NULL,      '2026-06-21 12:00+00');
SQL
"${psql[@]}" -f doc/refresh.sql >/dev/null
"${psql[@]}" -c 'VACUUM ANALYZE'

/usr/bin/python3 test/scripts/dashboards.py "dbname=$db"
