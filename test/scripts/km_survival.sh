#!/usr/bin/env bash
# Kaplan-Meier quantiles of time_to_feature and time_to_first_use against R's
# survival package (Debian package r-cran-survival, installed when missing).
#
#   pg_virtualenv -v 15 bash test/scripts/km_survival.sh        # (test/run runs it too)
#
# Generates a few hundred samples of (time, status): random ones with many
# ties and heavy censoring, and built ones whose curve reaches 0.5 or 0.1
# exactly (events on days 1 .. n for n a multiple of 10, with and without a
# censored tail; halves and tenths of the sample at risk falling at once).
# Each sample becomes a summary in which time_to_feature(n => 2) and
# time_to_first_use(feature => 'b') see exactly those times: a user with an
# event at t uses feature a on day 0 and b on day t, a censored one uses a
# on as_of - t only.  R computes quantile(survfit(Surv(time, status) ~ 1),
# c(.5, .9)) for each sample, and every figure must be equal.
#
# survival's convention (quantile.survfit, through its internal findq, read
# from survival 3.5): on the curve 1 - S(t) over all distinct times, the
# p-quantile is the mean of the first time where 1 - S reaches p + tol and
# the first where it exceeds p - tol, tol = sqrt(.Machine$double.eps): the
# event time itself where the curve passes p, the midpoint of t and the next
# event time where S equals 1 - p (to within tol) from t on, and (t + the
# largest observed time) / 2 where the curve ends at 1 - p.  That is the
# convention of doc/reference.md; the samples here have small integer
# counts, so no curve passes within tol of a level without touching it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

if ! command -v Rscript >/dev/null || ! Rscript -e 'library(survival)' >/dev/null 2>&1; then
    bash "$ROOT/test/install-deps" r-cran-survival
fi

db=adoption_km_survival
work="$(mktemp -d)"
chmod 777 "$work"
cleanup() {
    dropdb --if-exists "$db" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

psql=(psql -X -q -v ON_ERROR_STOP=1 -d "$db")
dropdb --if-exists "$db" >/dev/null 2>&1 || true
createdb "$db"
"${psql[@]}" <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION adoption;
SELECT setseed(0.17);

-- samples: (sample, user, time, event)
CREATE TABLE obs (sample int, user_id int, t int, event boolean);

-- random: 1 to 60 users, times up to 5, 20 or 100 days, 20 % to 90 % events
INSERT INTO obs
SELECT s.sample, u.user_id, floor(random() * s.tmax)::int, random() < s.pe
FROM (SELECT g AS sample, (1 + floor(random() * 60))::int AS n,
             (ARRAY[5, 20, 100])[1 + g % 3] AS tmax,
             (ARRAY[0.2, 0.5, 0.9, 0.7])[1 + (g / 3) % 4] AS pe
        FROM generate_series(1, 300) g) s,
     LATERAL generate_series(1, s.n) u(user_id);

-- events on days 1 .. n, n = 10, 20, ..., 100: S = 0.5 at n/2, 0.1 at 9n/10
INSERT INTO obs
SELECT 1000 + n, i, i, true
FROM generate_series(10, 100, 10) n, generate_series(1, n) i;

-- the same with a censored tail: the curve ends at exactly 0.5 or 0.1
INSERT INTO obs
SELECT 1100 + n, i, CASE WHEN i <= n / 2 THEN i ELSE 60 + i END, i <= n / 2
FROM generate_series(10, 100, 10) n, generate_series(1, n) i;
INSERT INTO obs
SELECT 1200 + n, i, CASE WHEN i <= n * 9 / 10 THEN i ELSE 200 END, i <= n * 9 / 10
FROM generate_series(10, 100, 10) n, generate_series(1, n) i;

-- ties: n = 10 m users; 5 m events at day 3 (S = 1/2), m censored at day 5,
-- 3 m events at day 8 (S = 1/2 * m / 4 m = 1/8), m censored at day 9
INSERT INTO obs
SELECT 1300 + m, i,
       CASE WHEN i <= 5 * m THEN 3 WHEN i <= 6 * m THEN 5 WHEN i <= 9 * m THEN 8 ELSE 9 END,
       i <= 5 * m OR (i > 6 * m AND i <= 9 * m)
FROM generate_series(1, 12) m, generate_series(1, 10 * m) i;

-- censoring first, then an exact tenth: 2 censored at 0, then 10 m users
-- of whom 9 m have events at day 4 (S = 1/10 exactly), m censored at 6
INSERT INTO obs
SELECT 1400 + m, i, CASE WHEN i <= 2 THEN 0 WHEN i <= 2 + 9 * m THEN 4 ELSE 6 END,
       i > 2 AND i <= 2 + 9 * m
FROM generate_series(1, 12) m, generate_series(1, 10 * m + 2) i;

-- the summaries
CREATE TABLE summaries AS
SELECT sample, activity_agg(user_id, day, feature) AS act
FROM (SELECT sample, user_id, 'a' AS feature, date '2026-01-01' AS day FROM obs WHERE event
      UNION ALL
      SELECT sample, user_id, 'b', date '2026-01-01' + t FROM obs WHERE event
      UNION ALL
      SELECT sample, user_id, 'a', date '2026-12-31' - t FROM obs WHERE NOT event) r
GROUP BY sample;

CREATE TABLE got AS
SELECT s.sample, f.users AS f_users, f.reached AS f_reached, f.median_days AS f_median,
       f.p90_days AS f_p90, u.users AS u_users, u.reached AS u_reached,
       u.median_days AS u_median, u.p90_days AS u_p90
FROM summaries s,
     LATERAL time_to_feature(s.act, 2, '2026-12-31') f,
     LATERAL time_to_first_use(s.act, 'b', '2026-12-31') u;

CREATE TABLE want (sample int, n int, events int, median float8, p90 float8);
SQL

"${psql[@]}" -c "\\copy (SELECT sample, t, event::int FROM obs ORDER BY sample, user_id) TO '$work/obs.csv' CSV HEADER"

cat >"$work/km.R" <<'R'
suppressMessages(library(survival))
obs <- read.csv(commandArgs(TRUE)[1])
out <- do.call(rbind, lapply(split(obs, obs$sample), function(d) {
    q <- quantile(survfit(Surv(t, event) ~ 1, data = d), c(0.5, 0.9), conf.int = FALSE)
    data.frame(sample = d$sample[1], n = nrow(d), events = sum(d$event),
               median = unname(q[1]), p90 = unname(q[2]))
}))
write.csv(out, commandArgs(TRUE)[2], row.names = FALSE, na = "")
R
Rscript "$work/km.R" "$work/obs.csv" "$work/want.csv"

"${psql[@]}" -c "\\copy want FROM '$work/want.csv' CSV HEADER"
"${psql[@]}" <<'SQL'
DO $$
DECLARE
    bad    bigint;
    detail text;
BEGIN
    IF (SELECT count(*) FROM want) <> (SELECT count(DISTINCT sample) FROM obs)
       OR (SELECT count(*) FROM got) <> (SELECT count(*) FROM want) THEN
        RAISE EXCEPTION 'samples: % in R, % from the extension, % generated',
            (SELECT count(*) FROM want), (SELECT count(*) FROM got),
            (SELECT count(DISTINCT sample) FROM obs);
    END IF;
    SELECT count(*), string_agg(format('  sample %s (%s users, %s events): R %s %s, time_to_feature %s %s, time_to_first_use %s %s',
                                       w.sample, w.n, w.events, w.median, w.p90,
                                       g.f_median, g.f_p90, g.u_median, g.u_p90), E'\n')
      INTO bad, detail
      FROM want w JOIN got g USING (sample)
     WHERE g.f_median IS DISTINCT FROM w.median OR g.f_p90 IS DISTINCT FROM w.p90
        OR g.u_median IS DISTINCT FROM w.median OR g.u_p90 IS DISTINCT FROM w.p90
        OR g.f_users <> w.n OR g.u_users <> w.n OR g.f_reached <> w.events OR g.u_reached <> w.events;
    IF bad > 0 THEN
        RAISE EXCEPTION E'% samples differ from R''s survival:\n%', bad, detail;
    END IF;
    -- the samples exercised what they are for
    IF (SELECT count(*) FROM want WHERE median <> floor(median)) < 20
       OR (SELECT count(*) FROM want WHERE p90 <> floor(p90)) < 10
       OR (SELECT count(*) FROM want WHERE median IS NULL) < 10
       OR (SELECT count(*) FROM want WHERE median IS NOT NULL AND p90 IS NULL) < 10
       OR (SELECT count(*) FROM want WHERE p90 IS NOT NULL AND p90 = floor(p90)) < 20 THEN
        RAISE EXCEPTION 'the samples do not cover midpoints, NULLs and plain event times: %',
            (SELECT format('%s %s %s %s %s',
                           count(*) FILTER (WHERE median <> floor(median)),
                           count(*) FILTER (WHERE p90 <> floor(p90)),
                           count(*) FILTER (WHERE median IS NULL),
                           count(*) FILTER (WHERE median IS NOT NULL AND p90 IS NULL),
                           count(*) FILTER (WHERE p90 = floor(p90))) FROM want);
    END IF;
END $$;
SELECT format('km_survival: %s samples equal to R''s survival (%s medians and %s 90th percentiles at a midpoint)',
              count(*), count(*) FILTER (WHERE median <> floor(median)),
              count(*) FILTER (WHERE p90 <> floor(p90)))
FROM want;
SQL
