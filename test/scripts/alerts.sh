#!/usr/bin/env bash
# alerts: the alerts recipe of doc/alerts.sql with real listening clients.
#
# In a database of its own (generated data, ADOPTION_ALERTS_EVENTS events,
# default 50000; the per-day summaries of doc/refresh.sql and the objects
# of doc/alerts.sql), runs test/scripts/alerts.py with Debian's psycopg 3
# (python3-psycopg): a client that LISTENs receives exactly the alerts each
# run inserts, which are exactly the new onsets an independent computation
# finds; nothing on a second run over the same data; the right ones after
# late events; no duplicate when two sessions raise alerts at once; an
# erasure deletes the alerts naming the people erased, no other.  Runs
# against the cluster named by the PG* environment (test/run provides a
# throw-away one).  One feature is renamed '' first: a feature of that name
# is a feature, not "no feature".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

bash test/install-deps python3-psycopg

EVENTS="${ADOPTION_ALERTS_EVENTS:-50000}"
db="adoption_alerts_test_$$"
psql=(psql -X -q -v ON_ERROR_STOP=1 -d "$db")
cleanup() { dropdb --if-exists "$db" >/dev/null 2>&1 || true; }
trap cleanup EXIT

createdb "$db"
"${psql[@]}" -c 'CREATE EXTENSION adoption'
"${psql[@]}" -v events="$EVENTS" -v seed=5 -f data/generate.sql
"${psql[@]}" -c 'CREATE INDEX ON events (occurred_at)'
# a feature named '': the most used one that is not a core feature (an
# alert about it must not be taken for one about the whole account)
"${psql[@]}" -c "UPDATE events SET feature = '' WHERE feature = (SELECT feature FROM events
                 WHERE feature NOT IN ('reports', 'dashboards') GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1)"
# the refresh and the alerts run in a session whose TimeZone is not UTC
PGOPTIONS='-c TimeZone=America/Los_Angeles' "${psql[@]}" -f doc/refresh.sql >/dev/null
PGOPTIONS='-c TimeZone=America/Los_Angeles' "${psql[@]}" -f doc/alerts.sql >/dev/null
"${psql[@]}" -c 'VACUUM ANALYZE'

PGOPTIONS='-c TimeZone=America/Los_Angeles' /usr/bin/python3 test/scripts/alerts.py "dbname=$db"

# an erasure (doc/refresh.sql's adoption_erase_users) deletes the alerts
# naming a person erased, and no other
"${psql[@]}" <<'SQL'
CREATE TEMP TABLE before AS SELECT * FROM adoption_alerts;
CREATE TEMP TABLE erased AS
SELECT array_agg(DISTINCT subject::bigint) AS ids
FROM (SELECT subject FROM adoption_alerts WHERE kind = 'champion_dark' ORDER BY alert_id LIMIT 2) s;
SELECT * FROM adoption_erase_users((SELECT ids FROM erased)) \gset
DO $$
DECLARE n_named bigint; n_gone bigint; n_other bigint;
BEGIN
    SELECT count(*) INTO n_named FROM before WHERE subject = ANY ((SELECT ids FROM erased)::text[]);
    SELECT count(*) INTO n_gone FROM before b WHERE NOT EXISTS (SELECT FROM adoption_alerts a WHERE a.alert_id = b.alert_id);
    SELECT count(*) INTO n_other FROM adoption_alerts WHERE subject = ANY ((SELECT ids FROM erased)::text[]);
    IF n_named = 0 OR n_other <> 0 OR n_gone <> n_named
       OR (SELECT count(*) FROM adoption_alerts) <> (SELECT count(*) FROM before) - n_named THEN
        RAISE EXCEPTION 'alerts: the erasure deleted % alerts, % named the people erased, % still name them',
            n_gone, n_named, n_other;
    END IF;
    RAISE NOTICE 'alerts: the erasure of % champions deleted their % alerts, no other', cardinality((SELECT ids FROM erased)), n_named;
END $$;
SQL
