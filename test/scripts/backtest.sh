#!/usr/bin/env bash
# backtest: the recipe doc/backtest.sql (run by the demo) on the demo's data
# (data/generate.sql, 1,000,000 events, seed 1), and what it must get right:
#   1. the usage signals of every account-week (from usage_report over the
#      stored summaries, as of the week's end) equal a plain-SQL
#      formulation on the raw events;
#   2. nothing from later leaks in: for three week ends, the signals equal
#      those of summaries built from the events up to that day only;
#   3. the outcome is the contract still running 90 days after the week's
#      end, and only accounts under contract that week have rows;
#   4. the time split: every fitted week's outcome (90 days ahead) is known
#      by the first held-out week's end, and the weeks between are neither
#      fitted nor held out (the embargo); the held-out weeks are the newest
#      13; the fitted model is health_fit over the fitted weeks alone,
#      health_score accepts it, and its AUC over those rows is the one its
#      fit reports;
#   5. the recipe prints its four results (AUCs within [0, 1]);
#   6. the generated churn can be foreseen from usage (most churning
#      accounts fade out first, data/generate.sql): the demo's usage-only
#      model scores an AUC above 0.6 on the fitted and on the held-out weeks.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
. test/scripts/lib/common.bash
new_work

db=adoption_backtest_test
generated_db "$db" 1 1000000
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c 'VACUUM ANALYZE'

psql -X -v ON_ERROR_STOP=1 -d "$db" >"$work/out" 2>&1 <<'SQL' || { cat "$work/out"; exit 1; }
\i demo/model.sql
\set model :health_model
-- the recipe's days are UTC days whoever runs it: run it elsewhere, check in UTC
SET TimeZone = 'America/Los_Angeles';
\i doc/backtest.sql
SET TimeZone = 'UTC';
\set QUIET on
-- 1. the usage signals against plain SQL on the raw events: a user's
-- distinct days, the 30 days to the week's end and the 30 before them
CREATE TEMP TABLE expect AS
WITH ud AS (SELECT DISTINCT account_id, user_id, occurred_at::date AS d FROM events),
x AS (SELECT ud.account_id, w.week_end,
             count(DISTINCT ud.user_id) FILTER (WHERE ud.d > w.week_end - 30) AS mau,
             count(*) FILTER (WHERE ud.d > w.week_end - 30) AS ud30,
             count(*) FILTER (WHERE ud.d <= w.week_end - 30) AS ud_prev
      FROM ud JOIN bt_weeks w ON ud.d > w.week_end - 60 AND ud.d <= w.week_end
      GROUP BY 1, 2)
SELECT r.account_id, r.week_end,
       round((coalesce(x.mau, 0)::float8 / nullif(a.seats, 0))::numeric, 9) AS adoption_rate,
       round((x.ud30::float8 / 30 / nullif(x.mau, 0))::numeric, 9) AS dau_mau,
       round((coalesce(x.ud30, 0)::float8 / nullif(x.ud_prev, 0) - 1)::numeric, 9) AS trend
FROM bt_rows r JOIN accounts a USING (account_id)
LEFT JOIN x ON x.account_id = r.account_id AND x.week_end = r.week_end
-- accounts without any event have no summary and no usage signals
WHERE EXISTS (SELECT 1 FROM events e WHERE e.account_id = r.account_id);
CREATE TEMP TABLE got AS
SELECT account_id, week_end,
       round((signals ->> 'adoption_rate')::numeric, 9) AS adoption_rate,
       round((signals ->> 'dau_mau')::numeric, 9) AS dau_mau,
       round((signals ->> 'trend')::numeric, 9) AS trend
FROM bt_rows WHERE EXISTS (SELECT 1 FROM events e WHERE e.account_id = bt_rows.account_id);
DO $$
DECLARE n bigint; d bigint;
BEGIN
    SELECT count(*) INTO n FROM got;
    IF n < 1000 THEN
        RAISE EXCEPTION 'backtest: only % account-weeks with usage', n;
    END IF;
    SELECT count(*) INTO d FROM ((TABLE expect EXCEPT ALL TABLE got) UNION ALL (TABLE got EXCEPT ALL TABLE expect)) x;
    IF d <> 0 THEN
        RAISE EXCEPTION 'backtest: % of % account-weeks have other usage signals than plain SQL gives', d, n;
    END IF;
    RAISE NOTICE 'usage signals of % account-weeks equal plain SQL', n;
END $$;

-- 2. point in time: summaries of the events up to the week's end only
DO $$
DECLARE w date; d bigint;
BEGIN
    FOR w IN SELECT week_end FROM bt_weeks WHERE week_end IN
             ((SELECT min(week_end) FROM bt_weeks), (SELECT min(week_end) + 7 * 25 FROM bt_weeks),
              (SELECT max(week_end) FROM bt_weeks)) LOOP
        SELECT count(*) INTO d
        FROM (SELECT g.account_id, g.adoption_rate, g.dau_mau, g.trend FROM got g WHERE g.week_end = w
                 AND EXISTS (SELECT 1 FROM events e WHERE e.account_id = g.account_id AND e.occurred_at::date <= w)) a
        FULL JOIN (
            SELECT r.account_id,
                   round(u.adoption_rate::numeric, 9) AS adoption_rate,
                   round(u.stickiness::numeric, 9) AS dau_mau,
                   round(u.usage_trend::numeric, 9) AS trend
            FROM (SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act
                    FROM events WHERE occurred_at::date <= w GROUP BY 1) s
            JOIN accounts a USING (account_id)
            JOIN bt_rows r ON r.account_id = s.account_id AND r.week_end = w,
            usage_report(s.act, w, '{30}', a.seats) u) b USING (account_id)
        WHERE a.adoption_rate IS DISTINCT FROM b.adoption_rate OR a.dau_mau IS DISTINCT FROM b.dau_mau
           OR a.trend IS DISTINCT FROM b.trend;
        IF d <> 0 THEN
            RAISE EXCEPTION 'backtest: as of %, % accounts differ from summaries of the events up to that day', w, d;
        END IF;
        -- accounts whose events all come later: nobody active yet
        IF EXISTS (SELECT 1 FROM got g WHERE g.week_end = w AND g.adoption_rate <> 0
                     AND NOT EXISTS (SELECT 1 FROM events e WHERE e.account_id = g.account_id AND e.occurred_at::date <= w)) THEN
            RAISE EXCEPTION 'backtest: as of %, an account without events yet has active users', w;
        END IF;
    END LOOP;
END $$;

-- 3. the outcome, and who has rows
DO $$
DECLARE d bigint;
BEGIN
    SELECT count(*) INTO d
    FROM (SELECT c.account_id, w.week_end,
                 NOT (c.ended_on IS NOT NULL AND c.ended_on <= w.week_end + 90) AS retained
            FROM contracts c CROSS JOIN bt_weeks w
           WHERE c.started_on <= w.week_end AND coalesce(c.ended_on > w.week_end, true)) e
    FULL JOIN (SELECT account_id, week_end, retained FROM bt_rows) r USING (account_id, week_end)
    WHERE e.retained IS DISTINCT FROM r.retained;
    IF d <> 0 THEN
        RAISE EXCEPTION 'backtest: % account-weeks with a wrong outcome, or that should (not) be there', d;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM bt_rows WHERE NOT retained AND split = 'fit')
       OR NOT EXISTS (SELECT 1 FROM bt_rows WHERE NOT retained AND split = 'held-out') THEN
        RAISE EXCEPTION 'backtest: churn in the fitted or the held-out weeks is missing';
    END IF;
END $$;

-- 4. the time split and the fitted model: fitted, the rows whose outcome is
-- known on the first held-out day (the newest 13 weeks held out)
CREATE TEMP TABLE split AS
SELECT week_end, CASE WHEN week_end > (SELECT max(week_end) FROM bt_weeks) - 7 * 13 THEN 'held-out'
                      WHEN week_end + 90 <= (SELECT max(week_end) FROM bt_weeks) - 7 * 12 THEN 'fit'
                      ELSE 'embargo' END AS split
FROM bt_weeks;
CREATE TEMP TABLE refit AS
SELECT health_fit(signals, retained, :'model'::jsonb) AS m
FROM bt_rows r JOIN split s USING (week_end) WHERE s.split = 'fit';
DO $$
DECLARE fitted jsonb; refit jsonb; auc float8; n bigint;
BEGIN
    SELECT count(*) INTO n FROM bt_weeks w JOIN split s USING (week_end) WHERE w.split IS DISTINCT FROM s.split;
    IF n <> 0 THEN
        RAISE EXCEPTION 'backtest: % weeks are not in the part of the time split they should be', n;
    END IF;
    IF (SELECT max(week_end) + 90 FROM bt_rows WHERE split = 'fit') > (SELECT min(week_end) FROM bt_rows WHERE split = 'held-out')
       OR (SELECT count(DISTINCT week_end) FROM bt_rows WHERE split = 'embargo') <> 12 THEN
        RAISE EXCEPTION 'backtest: the outcome of a fitted week is not known by the first held-out week, or the embargo is not 12 weeks';
    END IF;
    SELECT m INTO fitted FROM bt_models WHERE model = 'fitted';
    SELECT m INTO refit FROM refit;
    IF fitted IS DISTINCT FROM refit THEN
        RAISE EXCEPTION 'backtest: the fitted model is not health_fit over the fitted weeks alone';
    END IF;
    SELECT score_auc(health_score(signals, fitted), retained) INTO auc FROM bt_rows WHERE split = 'fit';
    IF abs(auc - (fitted -> 'fit' ->> 'auc')::float8) > 1e-12 THEN
        RAISE EXCEPTION 'backtest: the fitted model scores an AUC of % on its rows, its fit reports %', auc, fitted -> 'fit' ->> 'auc';
    END IF;
    IF EXISTS (SELECT 1 FROM bt_scored WHERE (score IS NULL OR grade IS NULL) AND signals ? 'adoption_rate') THEN
        RAISE EXCEPTION 'backtest: a row with usage signals without a score or a grade';
    END IF;
END $$;
SQL

# 5. what it prints
for h in '== AUC of each model' '== Churn within 90 days, per grade' '== Lead time' '== The fitted weights'; do
    grep -qF -- "$h" "$work/out" || { cat "$work/out"; echo "FAIL: no section '$h'"; exit 1; }
done
awk '/== AUC of each model/ {on = 1; next} /^==/ {on = 0} on && /^ *(fitted|hand-made) *\|/' "$work/out" >"$work/auc"
[[ $(wc -l <"$work/auc") == 2 ]] || { cat "$work/out"; echo "FAIL: expected two AUC rows"; exit 1; }
awk -F'|' '{ for (i = 2; i <= 3; i++) if ($i + 0 < 0 || $i + 0 > 1 || $i !~ /[0-9]/) exit 1 }' "$work/auc" \
    || { cat "$work/auc"; echo "FAIL: an AUC outside [0, 1]"; exit 1; }
# 6. usage foresees the generated churn
awk -F'|' '$1 ~ /hand-made/ { if ($2 + 0 <= 0.6 || $3 + 0 <= 0.6) exit 1 }' "$work/auc" \
    || { cat "$work/auc"; echo "FAIL: the demo model's AUC is not above 0.6: the generated churn is not foreseeable from usage"; exit 1; }
grep -F 'NOTICE' "$work/out" | sed 's/^.*NOTICE: *//'
echo "backtest: the recipe's signals, point-in-time reads, outcomes, time split and fitted model check out"
