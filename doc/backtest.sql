-- doc/backtest.sql: does the health score predict churn?  A point-in-time
-- backtest of a health model, and its weights refitted from that history
-- (doc/reference.md, "Backtesting a health model").
--
--   psql -v ON_ERROR_STOP=1 -f doc/backtest.sql
--
-- Reads the tables of data/generate.sql: events, accounts and contracts
-- (account_id, started_on, ended_on: the day the contract ended, NULL while
-- it runs).  Copy it and put your own tables and model in.  Only temporary
-- tables are created.
--
--   1. stored summaries: one activity summary per account holding all of
--      its history (the table a scheduled refresh keeps, doc/refresh.sql);
--   2. NPS answers and support tickets: the data set has none, so small
--      tables are made up here, worse for the accounts that are going to
--      leave, as they would be;
--   3. the signals of every account as of every week of a past year:
--      usage_report with as_of => week_end reads the summary as it was on
--      that day (later rows ignored), all the usage signals at once; the
--      last NPS answer on or before it, the tickets open on it;
--   4. the outcome: the good outcome, the contract still running 90 days
--      later;
--   5. the model fitted on the oldest 27 weeks, both models scored on the
--      newest 13: AUC, churn rate per grade, and the lead time (how many
--      days before the churn the grade turned red for good).  The 12 weeks
--      between are left out (an embargo): their outcomes, 90 days ahead,
--      become known only during the held-out weeks, while every fitted
--      week's outcome is known before them.
\set QUIET on
\if :{?model}
\else
\set model '{"components": {"adoption_rate": {"weight": 3, "red": 0.2, "green": 0.6}, "dau_mau": {"weight": 2, "red": 0.05, "green": 0.25}, "trend": {"weight": 1, "red": -0.3, "green": 0.1}, "nps": {"weight": 1, "red": 0, "green": 50}, "open_tickets": {"weight": 1, "red": 4, "green": 0}}, "grades": {"red": 40, "green": 70}}'
\endif
\if :{?first_week}
\else
\set first_week '''2025-04-06'''
\endif

-- 1. the stored summaries (skip if you keep them already), with UTC days as
-- doc/refresh.sql makes them, whatever the session's TimeZone
CREATE TEMP TABLE bt_summary AS
SELECT account_id, activity_agg(user_id, (occurred_at AT TIME ZONE 'UTC')::date, feature) AS act
FROM events GROUP BY account_id;

-- 2. made-up NPS answers (one survey per account and quarter) and support
-- tickets; deterministic (hashes, not random())
CREATE TEMP TABLE bt_nps AS
SELECT c.account_id, q.answered_on,
       greatest(-100, least(100, round(40 + 60 * ((hashint8extended(c.account_id * 100 + q.n, 1) & 1023) / 1023.0 - 0.5)
                                       - CASE WHEN c.ended_on - q.answered_on < 200 THEN 50 ELSE 0 END)))::int AS nps
FROM contracts c
CROSS JOIN LATERAL (SELECT n, (c.started_on + 30 + 91 * n) AS answered_on FROM generate_series(0, 12) n) q
WHERE q.answered_on < coalesce(c.ended_on, date '2026-07-01');

CREATE TEMP TABLE bt_tickets AS
SELECT c.account_id, t.opened_on, t.opened_on + 1 + (hashint8extended(c.account_id * 1000 + t.n, 3) & 15)::int AS closed_on
FROM contracts c
CROSS JOIN LATERAL (
    SELECT n, c.started_on + (hashint8extended(c.account_id * 1000 + n, 2) & 511)::int AS opened_on
    FROM generate_series(1, 8 + CASE WHEN c.ended_on IS NOT NULL THEN 6 ELSE 0 END) n) t
WHERE t.opened_on < coalesce(c.ended_on, date '2026-07-01')
  -- the accounts that leave open most of their tickets in their last months
  AND (c.ended_on IS NULL OR c.ended_on - t.opened_on < 150 OR t.n <= 8);

-- 3. and 4. signals as of each week's end, and the outcome 90 days later
-- (split: 'fit', the weeks whose outcome is known by the first held-out
-- week's end; 'held-out', the newest 13 weeks; 'embargo', those between)
CREATE TEMP TABLE bt_weeks AS
SELECT week_end,
       CASE WHEN i >= 39 THEN 'held-out'
            WHEN week_end + 90 <= date :first_week + 7 * 39 THEN 'fit'
            ELSE 'embargo' END AS split
FROM generate_series(0, 51) i, LATERAL (SELECT date :first_week + 7 * i AS week_end) d;

CREATE TEMP TABLE bt_rows AS
SELECT c.account_id, w.week_end, w.split,
       jsonb_strip_nulls(jsonb_build_object(
           'adoption_rate', u.adoption_rate,
           'dau_mau',       u.stickiness,
           'trend',         u.usage_trend,
           'nps',           (SELECT n.nps FROM bt_nps n WHERE n.account_id = c.account_id
                                AND n.answered_on <= w.week_end ORDER BY n.answered_on DESC LIMIT 1),
           'open_tickets',  (SELECT count(*) FROM bt_tickets t WHERE t.account_id = c.account_id
                                AND t.opened_on <= w.week_end AND t.closed_on > w.week_end))) AS signals,
       -- the good outcome: still a customer 90 days later
       c.ended_on IS NULL OR c.ended_on > w.week_end + 90 AS retained,
       c.ended_on
FROM contracts c
JOIN accounts a USING (account_id)
LEFT JOIN bt_summary s USING (account_id)
CROSS JOIN bt_weeks w
-- the usage signals of the 30 days to the week's end, from one reading of
-- the summary (each equals its accessor: adoption_rate(s.act, a.seats,
-- as_of => w.week_end), stickiness(...), usage_trend(...))
LEFT JOIN LATERAL usage_report(s.act, w.week_end, '{30}', a.seats) u ON true
WHERE c.started_on <= w.week_end AND (c.ended_on IS NULL OR c.ended_on > w.week_end);

-- 5. fit on the fitted weeks; score both models on the held-out ones
CREATE TEMP TABLE bt_models AS
SELECT 'hand-made' AS model, :'model'::jsonb AS m
UNION ALL
SELECT 'fitted', health_fit(signals, retained, :'model'::jsonb) FROM bt_rows WHERE split = 'fit';

CREATE TEMP TABLE bt_scored AS
SELECT m.model, r.*, health_score(r.signals, m.m) AS score, health_grade(r.signals, m.m) AS grade
FROM bt_models m CROSS JOIN bt_rows r;

\set QUIET off
\echo '== Rows: accounts x weeks (the oldest to fit, the newest to test, an embargo between)'
SELECT count(*) FILTER (WHERE split = 'fit') AS fit_rows, count(*) FILTER (WHERE split = 'embargo') AS embargo_rows,
       count(*) FILTER (WHERE split = 'held-out') AS test_rows,
       count(DISTINCT account_id) AS accounts,
       count(*) FILTER (WHERE NOT retained) AS rows_churning_within_90_days
FROM bt_rows;

\echo '== The fitted weights'
SELECT c.key AS component, (:'model'::jsonb -> 'components' -> c.key ->> 'weight')::float8 AS hand_made_weight,
       round((c.value ->> 'weight')::numeric, 3) AS fitted_weight,
       round((m.m -> 'fit' -> 'coefficients' ->> c.key)::numeric, 3) AS coefficient
FROM bt_models m, jsonb_each(m.m -> 'components') c
WHERE m.model = 'fitted' ORDER BY c.key;

\echo '== AUC of each model: on the weeks the fit saw, and on the held-out newer weeks'
SELECT model,
       round(score_auc(score, retained) FILTER (WHERE split = 'fit')::numeric, 4) AS auc_fit_weeks,
       round(score_auc(score, retained) FILTER (WHERE split = 'held-out')::numeric, 4) AS auc_held_out
FROM bt_scored GROUP BY model ORDER BY model DESC;

\echo '== Churn within 90 days, per grade (held-out weeks)'
SELECT model, grade, count(*) AS account_weeks,
       count(*) FILTER (WHERE NOT retained) AS churned_within_90_days,
       round(avg((NOT retained)::int), 4) AS churn_rate
FROM bt_scored WHERE split = 'held-out'
GROUP BY model, grade ORDER BY model DESC, array_position(ARRAY['red', 'yellow', 'green'], grade);

\echo '== Lead time: days before the churn since the grade was red at every week (all weeks)'
WITH last_not_red AS (
    SELECT model, account_id, ended_on,
           max(week_end) FILTER (WHERE grade IS DISTINCT FROM 'red') AS last_ok,
           min(week_end) FILTER (WHERE grade = 'red') AS first_red,
           max(week_end) AS last_week
    FROM bt_scored WHERE ended_on IS NOT NULL AND ended_on <= (SELECT max(week_end) + 90 FROM bt_weeks)
    GROUP BY model, account_id, ended_on),
lead AS (
    SELECT model, account_id,
           CASE WHEN last_ok IS NULL THEN ended_on - first_red
                WHEN last_ok < last_week THEN ended_on - (last_ok + 7) END AS lead_days
    FROM last_not_red)
SELECT model, count(*) AS churned_accounts, count(lead_days) AS red_before_churn,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY lead_days) AS median_lead_days
FROM lead GROUP BY model ORDER BY model DESC;
