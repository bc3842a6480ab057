"""Run the dashboard queries of doc/dashboards.sql through a real client
driver (psycopg 3, the extended query protocol, bound parameters) and check
them against plain SQL over the raw events.

    /usr/bin/python3 test/scripts/dashboards.py CONNINFO

The database must hold the extension, accounts, users and events, and the
per-day and all-history summaries of doc/refresh.sql (test/scripts/dashboards.sh
prepares it); the *_history queries, over the all-history table, and the
*_product ones, over the product-wide row, must give the rows of their
per-day counterparts, and account_report (usage_report
per account and window) those of its own plain-SQL oracle.  For
every query and every parameter set below it

  1. prepares the query's own text ($1, $2, ...) as a named server-side
     statement through libpq and checks the parameter types the server
     reports (what a BI tool's driver sees) and that every result column
     is a plain type;
  2. runs it with bound parameters through the cursor API, once unprepared
     and once as a prepared statement (prepare=True), and checks that both
     give the same rows, that the driver reports only plain column types
     and Python values of the matching plain types, and that the query
     over the materialized view adoption_daily_mv gives the same rows;
  3. compares the rows with an independent plain-SQL computation over the
     raw events (counts exactly, rates and scores to 1e-9).

Exits 1 on any mismatch.
"""

import datetime
import decimal
import math
import os
import re
import sys

import psycopg
from psycopg.types.json import Jsonb

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")

# type OIDs a BI tool reads as plain columns
PLAIN = {
    16: "bool", 20: "int8", 21: "int2", 23: "int4", 25: "text", 700: "float4",
    701: "float8", 1043: "varchar", 1082: "date", 1700: "numeric",
}
PY_TYPES = (int, float, str, datetime.date, decimal.Decimal, bool)

MODEL = {
    "components": {
        "adoption_rate": {"weight": 3, "red": 0.2, "green": 0.6},
        "dau_mau": {"weight": 2, "red": 0.05, "green": 0.25},
        "usage_trend": {"weight": 1, "red": -0.3, "green": 0.1},
    },
    "grades": {"red": 40, "green": 70},
}

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL  " + msg)


def ok(msg):
    print("ok    " + msg)


def read_queries(path):
    """{name: (params line, sql text)} from the `-- name:` blocks."""
    queries = {}
    name = None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"--\s*name:\s*(\S+)", line)
        if m:
            name = m.group(1)
            queries[name] = ["", []]
            continue
        if name is None:
            continue
        m = re.match(r"--\s*params:\s*(.*)", line)
        if m:
            queries[name][0] = m.group(1).strip()
            continue
        if line.lstrip().startswith("--") and not queries[name][1]:
            continue            # the block's leading comment
        queries[name][1].append(line)
    out = {}
    for n, (params, lines) in queries.items():
        text = "".join(lines).strip()
        if text.endswith(";"):
            text = text[:-1]
        out[n] = (params, text)
    return out


def to_pyformat(sql):
    """$n -> %(pn)s for the cursor API (which binds them server-side as $n)."""
    return re.sub(r"\$(\d+)", r"%(p\1)s", sql.replace("%", "%%"))


def close(a, b, tol=1e-9):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) or isinstance(b, str) or isinstance(a, datetime.date):
        return a == b
    return math.isclose(float(a), float(b), rel_tol=tol, abs_tol=tol)


def compare(label, got_rows, got_cols, want_rows, want_cols, keys):
    """Rows keyed by `keys`; every column of `want` must match."""
    gi = {c: i for i, c in enumerate(got_cols)}
    wi = {c: i for i, c in enumerate(want_cols)}
    missing = [c for c in want_cols if c not in gi]
    if missing:
        fail(f"{label}: columns {missing} missing from the dashboard")
        return
    got = {tuple(r[gi[k]] for k in keys): r for r in got_rows}
    want = {tuple(r[wi[k]] for k in keys): r for r in want_rows}
    if len(got) != len(got_rows) or len(want) != len(want_rows):
        fail(f"{label}: duplicate keys {keys}")
        return
    if set(got) != set(want):
        only_g = sorted(set(got) - set(want))[:5]
        only_w = sorted(set(want) - set(got))[:5]
        fail(f"{label}: different rows: only in dashboard {only_g}, only in oracle {only_w}")
        return
    bad = 0
    for k, w in want.items():
        g = got[k]
        for c in want_cols:
            if not close(g[gi[c]], w[wi[c]]):
                if bad < 5:
                    print(f"      {label} {dict(zip(keys, k))} {c}: dashboard {g[gi[c]]!r}, oracle {w[wi[c]]!r}")
                bad += 1
    if bad:
        fail(f"{label}: {bad} values differ from the oracle")
    elif not want_rows:
        fail(f"{label}: no rows to compare")
    else:
        ok(f"{label}: {len(want_rows)} rows x {len(want_cols)} columns equal to plain SQL over events")


# --------------------------------------------------------------------------
# Oracles: plain SQL over the raw events, days in UTC as doc/refresh.sql has
# them.  Parameters by name.
# --------------------------------------------------------------------------

EVENTS = """ev AS (SELECT e.account_id, e.user_id, e.feature,
                         (e.occurred_at AT TIME ZONE 'UTC')::date AS day
                  FROM events e)"""

ORACLE_ACCOUNTS = f"""
WITH {EVENTS},
w AS (SELECT * FROM ev WHERE day > %(as_of)s::date - %(days)s AND day <= %(as_of)s::date),
prev AS (SELECT * FROM ev WHERE day > %(as_of)s::date - 2 * %(days)s AND day <= %(as_of)s::date - %(days)s),
cur AS (SELECT w.account_id, count(DISTINCT w.user_id) AS active_users,
               count(DISTINCT (w.user_id, w.day)) AS user_days,
               count(DISTINCT u.department) AS active_teams
        FROM w LEFT JOIN users u USING (user_id) GROUP BY 1),
pre AS (SELECT account_id, count(DISTINCT (user_id, day)) AS user_days FROM prev GROUP BY 1),
tm AS (SELECT account_id, count(DISTINCT department) AS teams FROM users GROUP BY 1)
SELECT a.account_id, a.segment, a.seats::bigint AS seats,
       coalesce(c.active_users, 0) AS active_users,
       coalesce(c.active_users, 0)::float8 / nullif(a.seats, 0) AS adoption_rate,
       c.user_days::float8 / %(days)s AS avg_daily_active_users,
       c.user_days::float8 / %(days)s / c.active_users AS dau_mau,
       coalesce(c.user_days, 0)::float8 / nullif(pr.user_days, 0) - 1 AS usage_trend,
       coalesce(c.active_teams, 0) AS active_teams,
       greatest(coalesce(t.teams, 0), coalesce(c.active_teams, 0)) AS teams
FROM accounts a
LEFT JOIN cur c USING (account_id)
LEFT JOIN pre pr USING (account_id)
LEFT JOIN tm t USING (account_id)
"""

ORACLE_FEATURE_RETENTION = f"""
WITH {EVENTS},
d AS (SELECT DISTINCT user_id, feature, day FROM ev
      WHERE feature IS NOT NULL AND day <= %(as_of)s::date),
st AS (SELECT user_id, feature, min(day) AS start FROM d GROUP BY 1, 2),
ck AS (SELECT unnest(%(checkpoints)s::integer[]) AS n),
x AS (
    SELECT st.feature, ck.n,
           CASE WHEN %(width)s::integer IS NULL THEN st.start + ck.n <= %(as_of)s::date
                ELSE st.start + ck.n + %(width)s::integer - 1 <= %(as_of)s::date END AS eligible,
           coalesce(bool_or(d.day >= st.start + ck.n
                            AND (%(width)s::integer IS NULL OR d.day < st.start + ck.n + %(width)s::integer)),
                    false) AS active
    FROM st CROSS JOIN ck
    JOIN d ON d.user_id = st.user_id AND d.feature = st.feature
    GROUP BY st.user_id, st.feature, st.start, ck.n)
SELECT feature, n AS checkpoint_day, count(*) AS cohort_users,
       count(*) FILTER (WHERE eligible) AS eligible_users,
       count(*) FILTER (WHERE eligible AND active) AS retained_users,
       (count(*) FILTER (WHERE eligible AND active))::float8
           / nullif(count(*) FILTER (WHERE eligible), 0) AS rate
FROM x GROUP BY 1, 2
"""

ORACLE_TRIANGLE = f"""
WITH {EVENTS},
d AS (SELECT DISTINCT user_id, date_trunc('month', day)::date AS month FROM ev
      WHERE day <= %(as_of)s::date),
last AS (   -- the last month that has ended on or before as_of
    SELECT CASE WHEN (%(as_of)s::date + 1) = date_trunc('month', %(as_of)s::date + 1)::date
                THEN date_trunc('month', %(as_of)s::date)::date
                ELSE (date_trunc('month', %(as_of)s::date) - interval '1 month')::date END AS m),
co AS (SELECT user_id, min(month) AS cohort FROM d GROUP BY 1),
shown AS (SELECT co.* FROM co, last
          WHERE co.cohort <= last.m AND co.cohort > (last.m - make_interval(months => %(months)s))::date),
k AS (SELECT s.user_id, s.cohort, g.k,
             (s.cohort + make_interval(months => g.k))::date AS month
      FROM shown s, last,
           generate_series(0, ((extract(year FROM last.m) - extract(year FROM s.cohort)) * 12
                               + extract(month FROM last.m) - extract(month FROM s.cohort))::integer) g(k))
SELECT k.cohort, k.k AS period,
       count(*) AS cohort_users,
       count(d.user_id) AS retained_users,
       count(d.user_id)::float8 / count(*) AS rate
FROM k LEFT JOIN d ON d.user_id = k.user_id AND d.month = k.month
GROUP BY 1, 2
"""

ORACLE_PENETRATION = f"""
WITH {EVENTS},
w AS (SELECT * FROM ev WHERE day > %(as_of)s::date - %(days)s AND day <= %(as_of)s::date),
act AS (SELECT account_id, count(DISTINCT user_id) AS active_users FROM w GROUP BY 1),
f AS (SELECT account_id, feature, count(DISTINCT user_id) AS feature_active_users
      FROM w WHERE feature IS NOT NULL GROUP BY 1, 2)
SELECT f.account_id, a.segment, f.feature, f.feature_active_users, act.active_users,
       a.seats::bigint AS seats,
       f.feature_active_users::float8 / nullif(a.seats, 0) AS penetration,
       f.feature_active_users::float8 / act.active_users AS adoption_rate
FROM f JOIN act USING (account_id) JOIN accounts a USING (account_id)
"""

ORACLE_REPORT = f"""
WITH {EVENTS},
win AS (SELECT unnest(%(windows)s::integer[]) AS days),
ud AS (SELECT DISTINCT account_id, user_id, day FROM ev),
x AS (SELECT w.days, ud.account_id, ud.user_id,
             count(*) FILTER (WHERE ud.day > %(as_of)s::date - w.days AND ud.day <= %(as_of)s::date) AS x,
             count(*) FILTER (WHERE ud.day > %(as_of)s::date - 2 * w.days
                                AND ud.day <= %(as_of)s::date - w.days) AS b
      FROM ud CROSS JOIN win w GROUP BY 1, 2, 3),
pf AS (SELECT w.days, ev.account_id, count(DISTINCT (ev.user_id, ev.feature)) AS pairs
       FROM ev CROSS JOIN win w
       WHERE ev.feature IS NOT NULL AND ev.day > %(as_of)s::date - w.days AND ev.day <= %(as_of)s::date
       GROUP BY 1, 2),
agg AS (SELECT days, account_id, count(*) FILTER (WHERE x > 0) AS active_users,
               sum(x) AS s, max(x) AS m, sum(x * x) AS q, sum(b) AS before
        FROM x GROUP BY 1, 2)
SELECT g.account_id, a.segment, a.seats::bigint AS seats, g.days, g.active_users,
       g.s::float8 / g.days / nullif(g.active_users, 0) AS dau_mau,
       g.active_users::float8 / nullif(a.seats, 0) AS adoption_rate,
       coalesce(pf.pairs, 0)::float8 / nullif(g.active_users, 0) AS depth,
       g.m::float8 / nullif(g.s, 0) AS champion_share,
       g.s::float8 * g.s / nullif(g.q, 0) AS effective_users,
       g.s::float8 / nullif(g.before, 0) - 1 AS usage_trend
FROM agg g JOIN accounts a USING (account_id) LEFT JOIN pf USING (days, account_id)
"""


def stage(active, seats, active_teams, teams):
    """adoption_stage as doc/reference.md defines it, with the default thresholds."""
    if active == 0:
        return "none"
    if active == 1:
        return "champion"
    if active_teams <= 1:
        return "role_based"
    if active_teams >= 0.5 * teams and active >= 0.4 * seats:
        return "company_wide"
    return "cross_team"


def health(signals, model):
    """health_score and health_grade as doc/reference.md defines them (missing: skip)."""
    num = den = 0.0
    for name, c in model["components"].items():
        v = signals.get(name)
        if v is None:
            continue
        s = min(max((v - c["red"]) / (c["green"] - c["red"]), 0.0), 1.0) * 100
        num += c["weight"] * s
        den += c["weight"]
    if den == 0:
        return None, None
    score = num / den
    g = model["grades"]
    grade = "red" if score < g["red"] else "green" if score >= g["green"] else "yellow"
    return score, grade


def oracle(cur, name, params):
    """(columns, rows, key columns) of the independent computation."""
    for suffix in ("_history", "_product"):
        if name.endswith(suffix):
            # the same dashboard over the all-history table or the
            # product-wide row: the same rows (users belong to one account)
            return oracle(cur, name[: -len(suffix)], params)
    if name == "account_report":
        cur.execute(ORACLE_REPORT, params)
        return [d.name for d in cur.description], cur.fetchall(), ["account_id", "days"]
    if name == "account_health":
        cur.execute(ORACLE_ACCOUNTS, params)
        cols = [d.name for d in cur.description]
        rows = []
        for r in cur.fetchall():
            d = dict(zip(cols, r))
            signals = {k: d[k] for k in ("adoption_rate", "dau_mau", "usage_trend")}
            score, grade = health(signals, params["model"].obj)
            d["stage"] = stage(d["active_users"], d["seats"], d["active_teams"], d["teams"])
            d["health_score"], d["health_grade"] = score, grade
            rows.append(d)
        cols = cols + ["stage", "health_score", "health_grade"]
        return cols, [tuple(d[c] for c in cols) for d in rows], ["account_id"]
    if name == "adoption_stages":
        cols, rows, _ = oracle(cur, "account_health", dict(params, model=Jsonb(MODEL)))
        i = {c: n for n, c in enumerate(cols)}
        order = ["none", "champion", "role_based", "cross_team", "company_wide"]
        out = []
        for n, s in enumerate(order, 1):
            sel = [r for r in rows if r[i["stage"]] == s]
            out.append((s, n, len(sel), len(rows), len(sel) / len(rows) if rows else None,
                        sum(r[i["seats"]] for r in sel), sum(r[i["active_users"]] for r in sel)))
        return (["stage", "stage_order", "accounts", "all_accounts", "share", "seats", "active_users"],
                out, ["stage"])
    sql, keys = {
        "feature_retention": (ORACLE_FEATURE_RETENTION, ["feature", "checkpoint_day"]),
        "retention_triangle": (ORACLE_TRIANGLE, ["cohort", "period"]),
        "feature_penetration": (ORACLE_PENETRATION, ["account_id", "feature"]),
    }[name]
    cur.execute(sql, params)
    return [d.name for d in cur.description], cur.fetchall(), keys


# --------------------------------------------------------------------------
# Parameter sets: (positional parameters, the same by name for the oracle)
# --------------------------------------------------------------------------

D = datetime.date
CASES = {
    "account_health": [
        ([D(2026, 6, 30), 30, Jsonb(MODEL)], ["as_of", "days", "model"]),
        ([D(2026, 3, 15), 7, Jsonb(MODEL)], ["as_of", "days", "model"]),
        ([D(2025, 8, 31), 90, Jsonb(MODEL)], ["as_of", "days", "model"]),
    ],
    "feature_retention": [
        ([D(2026, 6, 30), [1, 7, 30, 60, 90], 30], ["as_of", "checkpoints", "width"]),
        ([D(2026, 6, 30), [0, 1, 7, 14, 28], 1], ["as_of", "checkpoints", "width"]),
        ([D(2026, 2, 10), [7, 30, 90], None], ["as_of", "checkpoints", "width"]),
    ],
    "retention_triangle": [
        ([D(2026, 6, 30), 12], ["as_of", "months"]),
        ([D(2026, 5, 15), 6], ["as_of", "months"]),
    ],
    "adoption_stages": [
        ([D(2026, 6, 30), 30], ["as_of", "days"]),
        ([D(2025, 10, 1), 60], ["as_of", "days"]),
    ],
    "feature_penetration": [
        ([D(2026, 6, 30), 30], ["as_of", "days"]),
        ([D(2025, 12, 24), 7], ["as_of", "days"]),
    ],
    "account_report": [
        ([D(2026, 6, 30), [7, 30, 90]], ["as_of", "windows"]),
        ([D(2026, 3, 15), [1, 28, 365]], ["as_of", "windows"]),
        ([D(2025, 1, 31), [30]], ["as_of", "windows"]),
    ],
}
# every dashboard again over the all-history table (doc/refresh.sql, section 3)
for _n in ("account_health", "feature_retention", "retention_triangle", "feature_penetration"):
    CASES[_n + "_history"] = CASES[_n]
# and the product-wide ones over adoption_history_product
for _n in ("feature_retention", "retention_triangle"):
    CASES[_n + "_product"] = CASES[_n]

# the parameter types the server must infer for $1, $2, ...
PARAM_TYPES = {
    "account_health": ["date", "int4", "jsonb"],
    "feature_retention": ["date", "_int4", "int4"],
    "retention_triangle": ["date", "int4"],
    "adoption_stages": ["date", "int4"],
    "feature_penetration": ["date", "int4"],
    "account_report": ["date", "_int4"],
}
for _n in ("account_health", "feature_retention", "retention_triangle", "feature_penetration"):
    PARAM_TYPES[_n + "_history"] = PARAM_TYPES[_n]
for _n in ("feature_retention", "retention_triangle"):
    PARAM_TYPES[_n + "_product"] = PARAM_TYPES[_n]


def main():
    conninfo = sys.argv[1] if len(sys.argv) > 1 else ""
    queries = read_queries(os.path.join(ROOT, "doc", "dashboards.sql"))
    print(f"psycopg {psycopg.__version__}, libpq {psycopg.pq.version()}, "
          f"{len(queries)} dashboard queries: {', '.join(queries)}")
    if set(queries) != set(CASES):
        fail(f"queries in doc/dashboards.sql {sorted(queries)} != tested {sorted(CASES)}")

    with psycopg.connect(conninfo, autocommit=True) as conn:
        typname = dict(conn.execute("SELECT oid::integer, typname FROM pg_type").fetchall())
        for name, (params_doc, sql) in queries.items():
            if name not in CASES:
                continue
            nparams = len(set(re.findall(r"\$(\d+)", sql)))
            if nparams != len(PARAM_TYPES[name]):
                fail(f"{name}: {nparams} parameters in the query, {len(PARAM_TYPES[name])} expected")

            # 1. the raw text, prepared through libpq: what a driver sees
            stmt = f"dash_{name}".encode()
            res = conn.pgconn.prepare(stmt, sql.encode())
            if res.status != psycopg.pq.ExecStatus.COMMAND_OK:
                fail(f"{name}: PREPARE failed: {res.error_message.decode()}")
                continue
            desc = conn.pgconn.describe_prepared(stmt)
            ptypes = [typname[desc.param_type(i)] for i in range(desc.nparams)]
            cols = [(desc.fname(i).decode(), typname[desc.ftype(i)]) for i in range(desc.nfields)]
            if ptypes != PARAM_TYPES[name]:
                fail(f"{name}: parameter types {ptypes}, expected {PARAM_TYPES[name]}")
            else:
                ok(f"{name}: prepared; parameters ({params_doc}) typed {ptypes}")
            bad = [c for c in cols if c[1] not in PLAIN.values()]
            if bad or not cols:
                fail(f"{name}: result columns of types other than plain ones: {bad or 'no columns'}")
            else:
                ok(f"{name}: columns " + ", ".join(f"{c} {t}" for c, t in cols))
            conn.pgconn.exec_(b"DEALLOCATE " + stmt)

            qtext = to_pyformat(sql)
            for values, names in CASES[name]:
                pos = {f"p{i + 1}": v for i, v in enumerate(values)}
                label = f"{name}({', '.join(str(v.obj if isinstance(v, Jsonb) else v) for v in values)})"
                label = label if len(label) < 90 else label[:87] + "..."
                runs = []
                for prepare in (False, True):
                    with conn.cursor() as cur:
                        # twice with prepare=True: the second run executes the
                        # server-side prepared statement
                        for _ in range(2 if prepare else 1):
                            cur.execute(qtext, pos, prepare=prepare)
                        got_cols = [d.name for d in cur.description]
                        got_oids = [d.type_code for d in cur.description]
                        rows = cur.fetchall()
                        runs.append((got_cols, got_oids, rows))
                got_cols, got_oids, rows = runs[0]
                if runs[0] != runs[1]:
                    fail(f"{label}: prepared and unprepared runs differ")
                # the same query over the materialized view of doc/refresh.sql
                with conn.cursor() as cur:
                    cur.execute(re.sub(r"\badoption_daily\b", "adoption_daily_mv", qtext), pos)
                    if cur.fetchall() != rows:
                        fail(f"{label}: adoption_daily_mv gives other rows than adoption_daily")
                nonplain = [(c, o) for c, o in zip(got_cols, got_oids) if o not in PLAIN]
                if nonplain:
                    fail(f"{label}: driver reports non-plain column types {nonplain}")
                badvals = {type(v).__name__ for r in rows for v in r
                           if v is not None and not isinstance(v, PY_TYPES)}
                if badvals:
                    fail(f"{label}: values of Python types {badvals}")
                # rates are fractions in [0, 1] (adoption_rate and penetration
                # may exceed 1: more active users than seats)
                for c in ("rate", "share", "dau_mau"):
                    if c in got_cols:
                        i = got_cols.index(c)
                        out = [r[i] for r in rows if r[i] is not None and not 0 <= r[i] <= 1]
                        if out:
                            fail(f"{label}: {c} outside [0, 1]: {out[:5]}")
                named = dict(zip(names, values))
                with conn.cursor() as cur:
                    wcols, wrows, keys = oracle(cur, name, named)
                compare(label, rows, got_cols, wrows, wcols, keys)

        # the prepared statements really were prepared on the server
        n = conn.execute("SELECT count(*) FROM pg_prepared_statements WHERE NOT from_sql").fetchone()[0]
        if n < len(CASES):
            fail(f"{n} protocol-level prepared statements on the server, expected at least {len(CASES)}")
        else:
            ok(f"{n} protocol-level prepared statements on the server")

    if failures:
        print(f"{len(failures)} failures")
        sys.exit(1)
    print("dashboards: ok")


if __name__ == "__main__":
    main()
