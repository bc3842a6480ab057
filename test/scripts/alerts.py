"""The alerts recipe of doc/alerts.sql through real clients (psycopg 3).

    /usr/bin/python3 test/scripts/alerts.py CONNINFO

The database must hold the extension, the generated accounts, users and
events, the per-day summaries of doc/refresh.sql and the objects of
doc/alerts.sql (test/scripts/alerts.sh prepares it).  A listening client (LISTEN on
the settings' channel, notifications read from the socket as they come)
must receive exactly the alerts each run of adoption_raise_alerts inserts
and returns, and those must be exactly the onsets that an independent
computation finds and that were not raised before:

  1. a first run over June 2026;
  2. the same run again: nothing returned, nothing heard;
  3. late events (for days already evaluated) and new days, the daily
     summaries refreshed, a run over the re-summarised days;
  4. two sessions raising the same range at once (one holding its
     transaction open while the other runs): the second waits, then raises
     and announces nothing; two sessions started together over overlapping
     ranges: every key raised and announced once.

The independent computation: per-account summaries built directly from the
raw events (not from adoption_daily), the signals read day by day with the
accessors, and the thresholds, the onset rule and the keys applied here in
Python.  Exits 1 on any mismatch.
"""

import json
import select
import sys
import threading
import time

import psycopg
import psycopg.rows

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL  " + msg)


def ok(msg):
    print("ok    " + msg)


def check(cond, msg):
    if cond:
        ok(msg)
    else:
        fail(msg)


CONNINFO = sys.argv[1]


class Listener:
    """A client LISTENing on the channel; notifications read off the socket."""

    def __init__(self, channel):
        self.conn = psycopg.connect(CONNINFO, autocommit=True)
        self.conn.execute(f"LISTEN {channel}")
        self.channel = channel

    def drain(self, expect, quiet=1.5, limit=30.0):
        """Payloads received until `expect` have come and then `quiet`
        seconds pass without another (or `limit` seconds in all)."""
        pg = self.conn.pgconn
        got = []
        start = time.time()
        last = time.time()
        while True:
            now = time.time()
            if now - start > limit:
                break
            if len(got) >= expect and now - last > quiet:
                break
            r, _, _ = select.select([pg.socket], [], [], 0.2)
            if r:
                pg.consume_input()
            while True:
                n = pg.notifies()
                if n is None:
                    break
                if n.relname.decode() != self.channel:
                    fail(f"notification on channel {n.relname!r}")
                got.append(json.loads(n.extra.decode()))
                last = time.time()
        return got


# --------------------------------------------------------------------------
# The independent computation of the onsets
# --------------------------------------------------------------------------
SIGNALS = """
WITH s AS (SELECT * FROM adoption_alert_settings),
direct AS (SELECT e.account_id, a.seats,
                  activity_agg(e.user_id, (e.occurred_at AT TIME ZONE 'UTC')::date, e.feature) AS act
           FROM events e LEFT JOIN accounts a USING (account_id)
           WHERE (e.occurred_at AT TIME ZONE 'UTC')::date <= %(as_of)s::date
           GROUP BY 1, 2),
days AS (SELECT d::date AS day
         FROM generate_series(%(since)s::date - 1, %(as_of)s::date, interval '1 day') d)
SELECT x.account_id, days.day,
       -- per feature (NULL: the whole account): trend and users before
       (SELECT json_agg(json_build_array(f.feature,
                   usage_trend(x.act, days.day, s.trend_days, f.feature),
                   active_users(x.act, days.day - s.trend_days, s.trend_days, f.feature)))
        FROM (SELECT NULL::text AS feature
              UNION ALL SELECT DISTINCT e.feature FROM events e
              WHERE e.account_id = x.account_id AND e.feature IS NOT NULL
                AND (e.occurred_at AT TIME ZONE 'UTC')::date <= days.day) f) AS trends,
       (champion(x.act, days.day, s.champion_days)).user_id AS champion,
       (champion(x.act, days.day, s.champion_days)).last_day AS champion_last,
       health_grade(jsonb_strip_nulls(jsonb_build_object(
           'adoption_rate', adoption_rate(x.act, x.seats, days.day, s.health_days),
           'dau_mau', stickiness(x.act, days.day, s.health_days),
           'usage_trend', usage_trend(x.act, days.day, s.health_days))), s.health_model) AS grade,
       (SELECT json_agg(json_build_array(f, abandonment_rate(x.act, f, days.day, s.abandon_quiet_days),
                                         user_count(x.act, f, days.day)))
        FROM unnest(s.core_features) f) AS abandon
FROM direct x CROSS JOIN days CROSS JOIN s
"""


def settings(cur):
    cur.execute("SELECT trend_drop, trend_min_users, dark_days, abandon_rate, abandon_min_users "
                "FROM adoption_alert_settings")
    return cur.fetchone()


def onsets(conn, since, as_of):
    """{key: True} of the onsets on days since .. as_of; key = (kind,
    account_id, feature, subject, day iso)."""
    cur = conn.cursor()
    drop, min_users, dark, arate, amin = settings(cur)
    cur.execute(SIGNALS, {"since": since, "as_of": as_of})
    holds = {}      # (kind, account, feature) -> {day: subject or False}
    for account, day, trends, champ, champ_last, grade, abandon in cur.fetchall():
        def put(kind, feature, subject, h):
            holds.setdefault((kind, account, feature), {})[day] = subject if h else False
        # holds[...][day] is the subject when the condition holds, else
        # False; feature and subject are None when not applicable
        for feature, trend, before in trends:
            put("usage_drop", feature, None,
                trend is not None and trend <= -drop and before >= min_users)
        put("champion_dark", None, champ,
            champ_last is not None and (day - champ_last).days > dark)
        put("grade_red", None, None, grade == "red")
        for feature, rate, users in abandon:
            put("core_abandoned", feature, None, rate is not None and rate >= arate and users >= amin)
    out = set()
    import datetime
    lo = datetime.date.fromisoformat(since)
    for (kind, account, feature), by_day in holds.items():
        for day, subject in by_day.items():
            if subject is False or day < lo:
                continue
            prev = by_day.get(day - datetime.timedelta(days=1), False)
            if prev is not False:
                continue
            out.add((kind, account, feature, subject, day.isoformat()))
    return out


def key_of_row(r):
    return (r["kind"], r["account_id"], r["feature"], r["subject"], r["day"].isoformat())


def key_of_payload(p):
    return (p["kind"], p["account_id"], p["feature"], p["subject"], p["day"])


def raise_alerts(conn, since, as_of):
    cur = conn.cursor(row_factory=psycopg.rows.dict_row)
    cur.execute("SELECT * FROM adoption_raise_alerts(%s, %s)", (since, as_of))
    return cur.fetchall()


def table_keys(conn):
    cur = conn.cursor(row_factory=psycopg.rows.dict_row)
    cur.execute("SELECT * FROM adoption_alerts")
    return {key_of_row(r) for r in cur.fetchall()}


def check_run(label, rows, heard, expected, before_keys):
    """rows returned == payloads heard == expected - before."""
    keys = [key_of_row(r) for r in rows]
    want = expected - before_keys
    check(len(keys) == len(set(keys)), f"{label}: no alert returned twice ({len(keys)} returned)")
    check(set(keys) == want,
          f"{label}: returned alerts = the new onsets of the independent computation ({len(want)})"
          + ("" if set(keys) == want else
             f"; only returned {sorted(set(keys) - want, key=repr)[:5]}, only expected {sorted(want - set(keys), key=repr)[:5]}"))
    hk = [key_of_payload(p) for p in heard]
    check(sorted(hk, key=repr) == sorted(keys, key=repr), f"{label}: the listener heard exactly the returned alerts ({len(hk)})")
    by_id = {r["alert_id"]: r for r in rows}
    good = all(p["alert_id"] in by_id and key_of_row(by_id[p["alert_id"]]) == key_of_payload(p)
               and (p["value"] is None or abs(p["value"] - by_id[p["alert_id"]]["value"]) < 1e-12)
               for p in heard)
    check(good, f"{label}: every payload carries its row's alert_id, key and value")


def main():
    admin = psycopg.connect(CONNINFO, autocommit=True)
    channel = admin.execute("SELECT channel FROM adoption_alert_settings").fetchone()[0]
    listener = Listener(channel)

    # 1. first run over June
    before = table_keys(admin)
    check(not before, "no alert before the first run")
    rows = raise_alerts(admin, "2026-06-01", "2026-06-30")
    heard = listener.drain(len(rows))
    expected = onsets(admin, "2026-06-01", "2026-06-30")
    check_run("first run", rows, heard, expected, before)
    kinds = {r["kind"] for r in rows}
    check(kinds == {"usage_drop", "champion_dark", "grade_red", "core_abandoned"},
          f"first run raised every kind of alert ({sorted(kinds)})")
    check(any(r["feature"] and r["kind"] == "usage_drop" for r in rows),
          "first run raised per-feature usage drops")
    # a feature named '' (alerts.sh renames one) is a feature, not the account
    check(any(r["feature"] == "" and r["kind"] == "usage_drop" for r in rows),
          "first run raised usage drops of the feature named ''")
    dup = admin.execute("""SELECT count(*) FROM (SELECT 1 FROM adoption_conditions('2026-06-01', '2026-06-30')
                           GROUP BY kind, account_id, feature, day HAVING count(*) > 1) d""").fetchone()[0]
    check(dup == 0, f"one condition per kind, account, feature (NULL: none) and day ({dup} repeated)")

    # 2. the same run again
    before = table_keys(admin)
    rows = raise_alerts(admin, "2026-06-01", "2026-06-30")
    heard = listener.drain(0)
    check(rows == [] and heard == [], f"second run over the same data: nothing raised or heard "
          f"({len(rows)} returned, {len(heard)} heard)")
    check(table_keys(admin) == before, "second run: the table unchanged")

    # 3. late events and new days
    admin.execute("""
        -- late events: the busiest half of the accounts gets a burst on
        -- 2026-06-28 .. 30 (already evaluated days), and their users go on
        -- into July; the other accounts stop on 2026-06-30
        INSERT INTO events (account_id, user_id, feature, occurred_at)
        SELECT e.account_id, e.user_id, e.feature, e.occurred_at + interval '28 days'
        FROM events e
        WHERE e.occurred_at >= '2026-06-01 00:00+00' AND e.occurred_at < '2026-06-08 00:00+00'
          AND e.account_id % 2 = 0;
        -- an account whose late events add a feature on an evaluated day
        INSERT INTO events (account_id, user_id, feature, occurred_at)
        SELECT u.account_id, u.user_id, 'late_feature', '2026-06-29 12:00+00'
        FROM users u WHERE u.account_id = (SELECT min(account_id) FROM accounts);
    """)
    admin.execute("SELECT * FROM adoption_refresh_daily('2026-06-28')")
    before = table_keys(admin)
    rows = raise_alerts(admin, "2026-06-28", "2026-07-05")
    heard = listener.drain(len(rows))
    expected = onsets(admin, "2026-06-28", "2026-07-05")
    check_run("after late events", rows, heard, expected, before)
    check(len(rows) > 0, f"late events and new days raised new alerts ({len(rows)})")
    check(any(r["day"].isoformat() <= "2026-06-30" for r in rows) or
          not any(k[4] <= "2026-06-30" for k in expected - before),
          "alerts on re-evaluated days, where the late events caused them")

    # 4a. two sessions, the first holding its transaction open
    before = table_keys(admin)
    expected = onsets(admin, "2026-07-06", "2026-07-12")
    a = psycopg.connect(CONNINFO)
    b = psycopg.connect(CONNINFO)
    rows_a = raise_alerts(a, "2026-07-06", "2026-07-12")      # not committed yet
    result_b = {}

    def run_b():
        result_b["rows"] = raise_alerts(b, "2026-07-06", "2026-07-12")
        b.commit()
    t = threading.Thread(target=run_b)
    t.start()
    time.sleep(1.5)
    check(t.is_alive() or not rows_a,
          "the second session waits for the first one's uncommitted alerts")
    heard_early = listener.drain(0, quiet=0.5)
    check(heard_early == [], "nothing heard before the first session commits")
    a.commit()
    t.join(60)
    check(not t.is_alive(), "the second session finished once the first committed")
    heard = listener.drain(len(rows_a))
    check(result_b.get("rows") == [], f"the second session raised nothing ({len(result_b.get('rows', []))})")
    check_run("concurrent runs (held transaction)", rows_a + result_b.get("rows", []), heard, expected, before)
    check(len(rows_a) > 0, f"the concurrent range had alerts to raise ({len(rows_a)})")

    # 4b. two sessions started together over overlapping ranges
    before = table_keys(admin)
    expected = onsets(admin, "2026-07-13", "2026-07-19") | onsets(admin, "2026-07-16", "2026-07-22")
    barrier = threading.Barrier(2)
    results = {}

    def run(name, since, as_of):
        c = psycopg.connect(CONNINFO, autocommit=True)
        barrier.wait()
        results[name] = raise_alerts(c, since, as_of)
        c.close()
    ts = [threading.Thread(target=run, args=("x", "2026-07-13", "2026-07-19")),
          threading.Thread(target=run, args=("y", "2026-07-16", "2026-07-22"))]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    allrows = results.get("x", []) + results.get("y", [])
    heard = listener.drain(len(allrows))
    check_run("concurrent runs (overlapping ranges)", allrows, heard, expected, before)
    # no key twice in the table, whatever happened
    dup = admin.execute("""SELECT count(*) FROM (SELECT kind, account_id, feature, subject, day
                           FROM adoption_alerts GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1) d""").fetchone()[0]
    check(dup == 0, "no duplicate natural key in adoption_alerts")

    # thresholds are parameters: a stricter setting raises fewer alerts
    n_loose = len(onsets(admin, "2026-07-23", "2026-07-26"))
    admin.execute("UPDATE adoption_alert_settings SET trend_drop = 0.99, dark_days = 100, "
                  "abandon_rate = 1, health_model = jsonb_set(health_model, '{grades,red}', '0')")
    before = table_keys(admin)
    rows = raise_alerts(admin, "2026-07-23", "2026-07-26")
    heard = listener.drain(len(rows))
    check_run("stricter settings", rows, heard, onsets(admin, "2026-07-23", "2026-07-26"), before)
    check(len(rows) < n_loose, f"stricter settings raise fewer alerts ({len(rows)} < {n_loose})")

    # bad arguments
    for args in (("2026-07-10", "2026-07-01"), (None, None), ("-infinity", "2026-07-01")):
        try:
            raise_alerts(admin, *args)
            fail(f"adoption_raise_alerts{args} did not fail")
        except psycopg.errors.InvalidParameterValue as e:
            ok(f"adoption_raise_alerts{args}: {str(e).strip()}")

    if failures:
        print(f"{len(failures)} failures")
        sys.exit(1)
    print("alerts: ok")


main()
