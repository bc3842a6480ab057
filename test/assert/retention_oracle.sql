--
-- retention_oracle: retention, retention_rate, feature_retention,
-- cohort_retention, lifecycle, time_to_feature, usage_trend, dormant_users
-- and abandonment_rate against independent plain-SQL formulations of their
-- definitions (PL/pgSQL for the Kaplan-Meier estimate), on the generated
-- data set.
--
-- Expects the tables of data/generate.sql (accounts, users, events) in the
-- current database and the extension installed.  Raises an exception that
-- names the function, the account and the arguments on any mismatch.
--
-- The oracle reads the definitions of doc/reference.md (Conventions,
-- Retention, Trends) literally, from
-- the events themselves:
--   * day = occurred_at::date in the session TimeZone; rows with a NULL
--     user or time are skipped; a NULL feature is activity without one;
--   * rows after as_of are ignored everywhere, so a user's start is their
--     first active day on or before as_of (on the feature, when given);
--   * the window of (as_of, days) is (as_of - days, as_of].
\ir lib/common.sql
-- not UTC, and with daylight-saving changes inside the data: most of the
-- generated events (working hours in American and European time zones)
-- fall on the next day in Sydney
SET TimeZone = 'Australia/Sydney';

-- ------------------------------------------------------------------
-- Edge rows added to the generated events
-- ------------------------------------------------------------------
-- rows with a NULL user or a NULL time (skipped), and an account whose rows
-- all have a NULL user (its summary is NULL)
SELECT pg_temp.add_skipped_events('dashboards', '2026-01-15 12:00+11');
-- a hand-made account:
--   900001: one day of activity without a feature (censored in
--           time_to_feature, retained at day 0 only);
--   900002: two features on its first day, a third 41 days later, a fourth
--           after the end of the generated data;
--   900003: starts after the end of the generated data;
--   900004: a feature on its first day, back 30 days later, then quiet
INSERT INTO events (account_id, user_id, feature, occurred_at) VALUES
    (-2, 900001, NULL,         '2025-03-10 12:00+11'),
    (-2, 900002, 'dashboards', '2025-03-10 09:00+11'),
    (-2, 900002, 'reports',    '2025-03-10 17:00+11'),
    (-2, 900002, 'search',     '2025-04-20 10:00+10'),
    (-2, 900002, 'api',        '2026-08-01 10:00+10'),
    (-2, 900003, 'dashboards', '2026-07-15 10:00+10'),
    (-2, 900003, 'reports',    '2026-07-16 10:00+10'),
    (-2, 900004, 'sharing',    '2025-03-10 23:59:59.999999+11'),
    (-2, 900004, 'sharing',    '2025-04-09 00:00:00+10');
-- rows on both sides of local midnight at the end of a month, of an ISO
-- week (Sunday 2026-05-31) and at the end of daylight-saving time
SELECT pg_temp.add_events_at('2026-03-31 23:59:59.999999+11',
                              '2026-04-01 00:00:00+11',
                              '2026-04-05 02:59:59+11',   -- before the DST change
                              '2026-04-05 02:00:00+10',   -- after it, same wall time
                              '2026-05-31 23:59:59.999999+10',
                              '2026-06-01 00:00:00+10');

-- The data must exercise what is tested here.
SELECT pg_temp.require_data(features => 5, accounts => 4, no_feature => true, zone => 'Sydney');

-- ------------------------------------------------------------------
-- The oracle's view of the data: the triples, and the accounts with at
-- least one (lib/common.sql)
-- ------------------------------------------------------------------
SELECT pg_temp.create_triples();

-- feature filters: fid 0 is NULL (any activity), fid > 0 every feature
-- used, fid -1 a feature nobody used (lib/common.sql)
SELECT pg_temp.create_filters();

-- a few filters for the costlier functions: any activity, the most and the
-- least used feature, and the unknown one
CREATE TEMP TABLE some_filters AS
SELECT fid FROM filters WHERE fid IN (0, -1)
UNION
SELECT fid FROM (SELECT f.fid FROM filters f JOIN triples t USING (feature)
                  GROUP BY f.fid ORDER BY count(*) DESC, f.fid LIMIT 1) most
UNION
SELECT fid FROM (SELECT f.fid FROM filters f JOIN triples t USING (feature)
                  GROUP BY f.fid ORDER BY count(*), f.fid LIMIT 1) least;

-- the active days of each user under each filter (distinct)
CREATE TEMP TABLE fd AS
SELECT DISTINCT account_id, 0 AS fid, user_id, day FROM triples
UNION ALL
SELECT DISTINCT t.account_id, f.fid, t.user_id, t.day
FROM triples t JOIN filters f ON f.fid > 0 AND f.feature = t.feature;
CREATE INDEX ON fd (account_id, fid, user_id, day);
CREATE INDEX ON fd (account_id, fid, day);
ANALYZE fd;

-- reference days: before all data, the first day, the middle, the last day
-- of a month that is also a Sunday, the end of the generated data, after
-- everything
CREATE TEMP TABLE as_ofs AS
SELECT DISTINCT v.as_of
FROM (SELECT min(day) AS lo, max(day) AS hi FROM triples) b,
     LATERAL (VALUES (lo - 1), (lo), (lo + (date '2026-06-30' - lo) / 2),
                     (date '2026-05-31'), (date '2026-06-30'), (hi + 14)) v(as_of);

-- start(u): the first active day on or before as_of, per filter
CREATE TEMP TABLE starts AS
SELECT fd.account_id, fd.fid, x.as_of, fd.user_id, min(fd.day) AS start
FROM fd JOIN as_ofs x ON fd.day <= x.as_of
GROUP BY 1, 2, 3, 4;
CREATE INDEX ON starts (account_id, fid, as_of);
ANALYZE starts;

-- ------------------------------------------------------------------
-- The summaries, one per account (lib/common.sql)
-- ------------------------------------------------------------------
SELECT pg_temp.create_summaries();

-- ------------------------------------------------------------------
-- The table of all comparisons (pg_temp.same and pg_temp.lit, the
-- comparison helpers: lib/common.sql)
-- ------------------------------------------------------------------
SELECT pg_temp.create_results(variant => false);

-- ------------------------------------------------------------------
-- retention(act, days, width, as_of, feature, cohort_from, cohort_to)
--   cohort    users with start in [cohort_from, cohort_to] (NULL: open)
--   eligible  start + N + W - 1 <= as_of   (W NULL: start + N <= as_of)
--   retained  eligible and active on a day d with start + N <= d < start + N + W
--             (W NULL: start + N <= d <= as_of)
--   rate      retained / eligible, NULL when none is eligible
-- one row per element of days, in array order
-- ------------------------------------------------------------------
CREATE TEMP TABLE ret_sets (sid int PRIMARY KEY, days int[], width int);
INSERT INTO ret_sets VALUES
    (1, '{0,1,7,30,60,90}', 1),
    (2, '{0,1,7,30,60,90}', 30),
    (3, '{0,1,7,30,60,90}', NULL),
    (4, '{30,60,90}', 30),
    (5, '{90,0,7,7,1}', 7),         -- any order, duplicates repeat
    (6, '{}', 30),                  -- no rows
    (7, '{14,180,365,500}', 14),
    (8, '{0,2,3}', 2),
    (9, '{1,28}', NULL);

-- every set with every filter (no cohort bounds); some sets with cohort
-- bounds on a few filters; no start feature (sfid NULL: the start is the
-- first active day on the feature)
CREATE TEMP TABLE ret_params AS
SELECT row_number() OVER (ORDER BY sid, fid, cohort_from, cohort_to)::int AS pid, *
FROM (SELECT s.sid, f.fid, NULL::int AS sfid, NULL::date AS cohort_from, NULL::date AS cohort_to
        FROM ret_sets s, filters f
      UNION ALL
      SELECT s.sid, f.fid, NULL, b.cohort_from, b.cohort_to
        FROM ret_sets s, some_filters f,
             (VALUES (date '2025-03-01', NULL::date),
                     (NULL, date '2025-06-30'),
                     (date '2025-02-01', date '2025-04-30'),
                     (date '2025-03-10', date '2025-03-10'),
                     (date '2026-06-01', NULL),
                     (date '2025-06-01', date '2025-05-01')) b(cohort_from, cohort_to)
       WHERE s.sid IN (1, 2, 3, 5)) p;

-- the cohort of each parameter set, account and as_of
CREATE TEMP TABLE o_ret_cohort AS
SELECT p.pid, s.account_id, s.as_of, s.user_id, s.start
FROM ret_params p
JOIN starts s ON s.fid = p.fid
WHERE (p.cohort_from IS NULL OR s.start >= p.cohort_from)
  AND (p.cohort_to IS NULL OR s.start <= p.cohort_to);

-- eligible and retained per cohort user and checkpoint, rolled up per call
-- (o_ret), over the active days fd; the extension's rows (c_ret) compared
-- with them (lib/common.sql)
SELECT pg_temp.create_ret_oracle('fd');
SELECT pg_temp.check_retention();

-- ------------------------------------------------------------------
-- retention_rate(act, day, width, as_of, feature) = the rate of that
-- checkpoint in retention (no cohort bounds)
-- ------------------------------------------------------------------
INSERT INTO results
SELECT 'retention_rate', o.account_id,
       format('day => %s, width => %s, as_of => %s, feature => %s',
              o.day, coalesce(rs.width::text, 'NULL'), pg_temp.lit(o.as_of), pg_temp.lit(f.feature)),
       g.got::text, o.rate::text, pg_temp.same(g.got, o.rate), coalesce(o.rate > 0 AND o.rate < 1, false)
FROM o_ret o
JOIN ret_params p USING (pid)
JOIN ret_sets rs USING (sid)
JOIN filters f USING (fid)
JOIN summaries s USING (account_id),
LATERAL (SELECT retention_rate(s.act, o.day, rs.width, o.as_of, f.feature) AS got) g
WHERE p.cohort_from IS NULL AND p.cohort_to IS NULL;

-- ------------------------------------------------------------------
-- feature_retention(act, days, width, as_of): for each feature with a use
-- on or before as_of, in byte order of the name, the rows of retention on
-- that feature (no cohort bounds)
-- ------------------------------------------------------------------
CREATE TEMP TABLE c_fret AS
SELECT rs.sid, s.account_id, x.as_of, r.*
FROM summaries s
JOIN accts USING (account_id)
CROSS JOIN as_ofs x
CROSS JOIN ret_sets rs,
LATERAL feature_retention(s.act, rs.days, rs.width, x.as_of)
        WITH ORDINALITY AS r(feature, day, cohort_users, eligible_users, retained_users, rate, ord);

CREATE TEMP TABLE o_fret AS
SELECT p.sid, o.account_id, o.as_of, f.feature, o.day, o.cohort_users, o.eligible_users,
       o.retained_users, o.rate,
       row_number() OVER (PARTITION BY p.sid, o.account_id, o.as_of
                          ORDER BY f.feature COLLATE "C", o.ord) AS ord
FROM o_ret o
JOIN ret_params p USING (pid)
JOIN filters f USING (fid)
WHERE f.fid > 0 AND p.cohort_from IS NULL AND p.cohort_to IS NULL
  AND EXISTS (SELECT FROM fd WHERE fd.account_id = o.account_id AND fd.fid = f.fid
                                AND fd.day <= o.as_of);

INSERT INTO results
SELECT 'feature_retention', account_id,
       format('days => %L, width => %s, as_of => %s, row %s',
              rs.days, coalesce(rs.width::text, 'NULL'), pg_temp.lit(as_of), ord),
       CASE WHEN c.sid IS NOT NULL THEN
            row(c.feature, c.day, c.cohort_users, c.eligible_users, c.retained_users, c.rate)::text END,
       CASE WHEN o.sid IS NOT NULL THEN
            row(o.feature, o.day, o.cohort_users, o.eligible_users, o.retained_users, o.rate)::text END,
       c.sid IS NOT NULL AND o.sid IS NOT NULL
       AND c.feature = o.feature AND c.day = o.day AND c.cohort_users = o.cohort_users
       AND c.eligible_users = o.eligible_users AND c.retained_users = o.retained_users
       AND pg_temp.same(c.rate, o.rate),
       coalesce(o.rate > 0 AND o.rate < 1, false)
FROM c_fret c
FULL JOIN o_fret o USING (sid, account_id, as_of, ord)
JOIN ret_sets rs USING (sid);

-- and feature_retention agrees with retention itself, called per feature
INSERT INTO results
SELECT 'feature_retention = retention per feature', c.account_id,
       format('days => %L, width => %s, as_of => %s, feature => %L, row %s',
              rs.days, coalesce(rs.width::text, 'NULL'), pg_temp.lit(c.as_of), c.feature, c.ord),
       row(c.day, c.cohort_users, c.eligible_users, c.retained_users, c.rate)::text,
       row(r.day, r.cohort_users, r.eligible_users, r.retained_users, r.rate)::text,
       r.pid IS NOT NULL AND c.day = r.day AND c.cohort_users = r.cohort_users
       AND c.eligible_users = r.eligible_users AND c.retained_users = r.retained_users
       AND c.rate IS NOT DISTINCT FROM r.rate,
       coalesce(r.rate > 0 AND r.rate < 1, false)
FROM (SELECT c.*, row_number() OVER (PARTITION BY sid, account_id, as_of, feature ORDER BY ord) AS ford
        FROM c_fret c) c
JOIN ret_sets rs USING (sid)
JOIN filters f ON f.feature = c.feature
JOIN ret_params p ON p.sid = c.sid AND p.fid = f.fid AND p.cohort_from IS NULL AND p.cohort_to IS NULL
LEFT JOIN c_ret r ON r.pid = p.pid AND r.account_id = c.account_id AND r.as_of = c.as_of
                 AND r.ord = c.ford;

-- ------------------------------------------------------------------
-- Calendar periods (doc/reference.md: cohort_retention, lifecycle)
--   the period of d starts at date_trunc(kind, d) (ISO weeks: Monday);
--   L = the latest period that has ended on or before as_of
-- ------------------------------------------------------------------
CREATE FUNCTION pg_temp.pstart(kind text, d date) RETURNS date
LANGUAGE sql IMMUTABLE AS $$ SELECT date_trunc(kind, d::timestamp)::date $$;

CREATE FUNCTION pg_temp.pstep(kind text) RETURNS interval
LANGUAGE sql IMMUTABLE AS $$ SELECT ('1 ' || kind)::interval $$;

-- the first day of the period after the one starting at p
CREATE FUNCTION pg_temp.pnext(kind text, p date) RETURNS date
LANGUAGE sql IMMUTABLE AS $$ SELECT (p + pg_temp.pstep(kind))::date $$;

CREATE FUNCTION pg_temp.last_ended(kind text, as_of date) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN pg_temp.pnext(kind, pg_temp.pstart(kind, as_of)) - 1 <= as_of
                THEN pg_temp.pstart(kind, as_of)
                ELSE (pg_temp.pstart(kind, as_of) - pg_temp.pstep(kind))::date END
$$;

-- the n periods ending with the one starting at l, oldest first
CREATE FUNCTION pg_temp.periods_to(kind text, l date, n int) RETURNS SETOF date
LANGUAGE sql IMMUTABLE AS $$
    SELECT g::date
    FROM generate_series((l - (n - 1) * pg_temp.pstep(kind))::timestamp, l::timestamp,
                         pg_temp.pstep(kind)) g
$$;

-- ------------------------------------------------------------------
-- cohort_retention(act, period, periods, as_of, feature)
--   cohorts: the `periods` periods ending at L; a user's cohort is the
--   period of start(u); for each cohort with users and k = 0 .. (L - C):
--   retained = cohort users active in period C + k; rate = retained / size
-- ------------------------------------------------------------------
CREATE TEMP TABLE cr_params AS
SELECT row_number() OVER (ORDER BY k.period, k.periods, f.fid)::int AS cid, k.period, k.periods, f.fid
FROM (VALUES ('day', 1), ('day', 3), ('day', 10), ('day', 45),
             ('week', 1), ('week', 4), ('week', 10), ('week', 80),
             ('month', 1), ('month', 3), ('month', 12), ('month', 20)) k(period, periods),
     some_filters f;

CREATE TEMP TABLE o_cr AS
SELECT cp.cid, a.account_id, x.as_of, c.cohort, k.ord - 1 AS period,
       sz.size AS cohort_users,
       (SELECT count(*) FROM starts s
         WHERE s.account_id = a.account_id AND s.fid = cp.fid AND s.as_of = x.as_of
           AND pg_temp.pstart(cp.period, s.start) = c.cohort
           AND EXISTS (SELECT FROM fd
                        WHERE fd.account_id = s.account_id AND fd.fid = s.fid
                          AND fd.user_id = s.user_id
                          AND fd.day >= k.p AND fd.day < pg_temp.pnext(cp.period, k.p))) AS retained_users
FROM cr_params cp
CROSS JOIN accts a
CROSS JOIN as_ofs x,
LATERAL (SELECT pg_temp.last_ended(cp.period, x.as_of) AS l) l,
LATERAL pg_temp.periods_to(cp.period, l.l, cp.periods) c(cohort),
LATERAL (SELECT count(*) AS size FROM starts s
          WHERE s.account_id = a.account_id AND s.fid = cp.fid AND s.as_of = x.as_of
            AND pg_temp.pstart(cp.period, s.start) = c.cohort) sz,
LATERAL (SELECT g::date AS p, ord
           FROM generate_series(c.cohort::timestamp, l.l::timestamp, pg_temp.pstep(cp.period))
                WITH ORDINALITY g(g, ord)) k
WHERE sz.size > 0;

CREATE TEMP TABLE c_cr AS
SELECT cp.cid, s.account_id, x.as_of, r.*
FROM summaries s
JOIN accts USING (account_id)
CROSS JOIN as_ofs x
CROSS JOIN cr_params cp
JOIN filters f USING (fid),
LATERAL cohort_retention(s.act, cp.period, cp.periods, x.as_of, f.feature)
        WITH ORDINALITY AS r(cohort, period, cohort_users, retained_users, rate, ord);

-- c_cr against o_cr (lib/common.sql); non-trivial: retained users after
-- the cohort's own period
INSERT INTO results
SELECT 'cohort_retention', d.account_id,
       format('period => %L, periods => %s, as_of => %s, feature => %s, row %s',
              cp.period, cp.periods, pg_temp.lit(d.as_of), pg_temp.lit(f.feature), d.ord),
       d.got, d.want, d.ok, coalesce(d.period > 0 AND d.retained_users > 0, false)
FROM pg_temp.cohort_retention_comparisons() d
JOIN cr_params cp USING (cid)
JOIN filters f USING (fid);

-- ------------------------------------------------------------------
-- lifecycle(act, period, periods, as_of, feature): one row for each of the
-- `periods` periods ending at L, oldest first:
--   new           start(u) in P
--   returning     active in P and in P - 1
--   resurrecting  active in P, not in P - 1, in some period before P - 1
--   dormant       active in P - 1, not in P
-- ------------------------------------------------------------------
CREATE TEMP TABLE lc_params AS
SELECT row_number() OVER (ORDER BY k.period, k.periods, f.fid)::int AS lid, k.period, k.periods, f.fid
FROM (VALUES ('day', 1), ('day', 7), ('day', 40),
             ('week', 1), ('week', 6), ('week', 30),
             ('month', 1), ('month', 4), ('month', 12), ('month', 24)) k(period, periods),
     some_filters f;

CREATE TEMP TABLE o_lc AS
SELECT lp.lid, a.account_id, x.as_of, p.p AS period_start, p.ord,
       coalesce(n.new_users, 0) AS new_users,
       coalesce(n.returning_users, 0) AS returning_users,
       coalesce(n.resurrecting_users, 0) AS resurrecting_users,
       coalesce(n.dormant_users, 0) AS dormant_users
FROM lc_params lp
CROSS JOIN accts a
CROSS JOIN as_ofs x,
LATERAL (SELECT g AS p, ord
           FROM pg_temp.periods_to(lp.period, pg_temp.last_ended(lp.period, x.as_of), lp.periods)
                WITH ORDINALITY g(g, ord)) p,
LATERAL (SELECT count(*) FILTER (WHERE pg_temp.pstart(lp.period, s.start) = p.p) AS new_users,
                count(*) FILTER (WHERE u.in_p AND u.in_prev) AS returning_users,
                count(*) FILTER (WHERE u.in_p AND NOT u.in_prev AND u.in_earlier) AS resurrecting_users,
                count(*) FILTER (WHERE u.in_prev AND NOT u.in_p) AS dormant_users
           FROM starts s,
           LATERAL (SELECT
                EXISTS (SELECT FROM fd WHERE fd.account_id = s.account_id AND fd.fid = s.fid
                           AND fd.user_id = s.user_id
                           AND fd.day >= p.p AND fd.day < pg_temp.pnext(lp.period, p.p)) AS in_p,
                EXISTS (SELECT FROM fd WHERE fd.account_id = s.account_id AND fd.fid = s.fid
                           AND fd.user_id = s.user_id
                           AND fd.day >= (p.p - pg_temp.pstep(lp.period))::date
                           AND fd.day < p.p) AS in_prev,
                EXISTS (SELECT FROM fd WHERE fd.account_id = s.account_id AND fd.fid = s.fid
                           AND fd.user_id = s.user_id
                           AND fd.day < (p.p - pg_temp.pstep(lp.period))::date) AS in_earlier) u
          WHERE s.account_id = a.account_id AND s.fid = lp.fid AND s.as_of = x.as_of) n;

CREATE TEMP TABLE c_lc AS
SELECT lp.lid, s.account_id, x.as_of, r.*
FROM summaries s
JOIN accts USING (account_id)
CROSS JOIN as_ofs x
CROSS JOIN lc_params lp
JOIN filters f USING (fid),
LATERAL lifecycle(s.act, lp.period, lp.periods, x.as_of, f.feature)
        WITH ORDINALITY AS r(period_start, new_users, returning_users, resurrecting_users,
                             dormant_users, ord);

-- c_lc against o_lc (lib/common.sql)
INSERT INTO results
SELECT 'lifecycle', d.account_id,
       format('period => %L, periods => %s, as_of => %s, feature => %s, row %s',
              lp.period, lp.periods, pg_temp.lit(d.as_of), pg_temp.lit(f.feature), d.ord),
       d.got, d.want, d.ok, d.nontrivial
FROM pg_temp.lifecycle_comparisons() d
JOIN lc_params lp USING (lid)
JOIN filters f USING (fid);

-- ------------------------------------------------------------------
-- time_to_feature(act, n, as_of)
--   users: users with activity on or before as_of; f0 = their first active
--   day (any activity); T = the n-th smallest first day of their distinct
--   features - f0 when they have n features by as_of (reached), else
--   censored at as_of - f0.  Kaplan-Meier: at each event time t,
--   S *= (r_t - d_t) / r_t, r_t = users whose time is >= t, kept exactly as
--   a fraction of numeric integers; median (p90) = the smallest event time
--   where S <= 1/2 (1/10), or, where S equals it exactly, the midpoint of
--   that time and the next event time (the largest time when none follows).
-- ------------------------------------------------------------------
-- (pg_temp.kaplan_meier: lib/common.sql)

CREATE TEMP TABLE ttf_n (n int);
INSERT INTO ttf_n VALUES (1), (2), (3), (5), (12);

CREATE TEMP TABLE o_ttf_user AS
SELECT x.as_of, k.n, u.account_id, u.user_id, u.f0,
       coalesce(nf.nth - u.f0, x.as_of - u.f0) AS t,
       nf.nth IS NOT NULL AS reached
FROM as_ofs x
CROSS JOIN ttf_n k
JOIN (SELECT t.account_id, t.user_id, x.as_of AS ux, min(t.day) AS f0
        FROM triples t JOIN as_ofs x ON t.day <= x.as_of
       GROUP BY 1, 2, 3) u ON u.ux = x.as_of,
LATERAL (SELECT (array_agg(ff.first ORDER BY ff.first))[k.n] AS nth
           FROM (SELECT min(t.day) AS first FROM triples t
                  WHERE t.account_id = u.account_id AND t.user_id = u.user_id
                    AND t.feature IS NOT NULL AND t.day <= x.as_of
                  GROUP BY t.feature) ff) nf;

CREATE TEMP TABLE o_ttf AS
SELECT a.account_id, x.as_of, k.n,
       count(u.user_id) AS users,
       count(u.user_id) FILTER (WHERE u.reached) AS reached,
       (pg_temp.kaplan_meier(array_agg(u.t) FILTER (WHERE u.user_id IS NOT NULL),
                             array_agg(u.reached) FILTER (WHERE u.user_id IS NOT NULL))).*
FROM accts a CROSS JOIN as_ofs x CROSS JOIN ttf_n k
LEFT JOIN o_ttf_user u ON u.account_id = a.account_id AND u.as_of = x.as_of AND u.n = k.n
GROUP BY 1, 2, 3;

INSERT INTO results
SELECT 'time_to_feature', o.account_id,
       format('n => %s, as_of => %s', o.n, pg_temp.lit(o.as_of)),
       row(g.users, g.reached, g.median_days, g.p90_days)::text,
       row(o.users, o.reached, o.median, o.p90)::text,
       g.users IS NOT DISTINCT FROM o.users AND g.reached IS NOT DISTINCT FROM o.reached
       AND pg_temp.same(g.median_days, o.median) AND pg_temp.same(g.p90_days, o.p90),
       o.median IS NOT NULL
FROM o_ttf o
JOIN summaries s USING (account_id),
LATERAL time_to_feature(s.act, o.n, o.as_of) g;

-- ------------------------------------------------------------------
-- usage_trend(act, as_of, days, feature): user-days in (as_of - days,
-- as_of] / user-days in (as_of - 2 days, as_of - days] - 1; NULL when the
-- earlier window has none
-- ------------------------------------------------------------------
CREATE TEMP TABLE trend_days (days int);
INSERT INTO trend_days VALUES (1), (7), (14), (30), (90), (200);

INSERT INTO results
SELECT 'usage_trend', a.account_id,
       format('as_of => %s, days => %s, feature => %s', pg_temp.lit(x.as_of), d.days, pg_temp.lit(f.feature)),
       g.got::text, w.want::text, pg_temp.same(g.got, w.want), coalesce(w.want <> 0, false)
FROM accts a
JOIN summaries s USING (account_id)
CROSS JOIN as_ofs x CROSS JOIN trend_days d CROSS JOIN filters f,
LATERAL (SELECT count(*) FILTER (WHERE fd.day > x.as_of - d.days) AS now,
                count(*) FILTER (WHERE fd.day <= x.as_of - d.days) AS before
           FROM fd
          WHERE fd.account_id = a.account_id AND fd.fid = f.fid
            AND fd.day > x.as_of - 2 * d.days AND fd.day <= x.as_of) c,
LATERAL (SELECT CASE WHEN c.before > 0 THEN c.now::float8 / c.before - 1 END AS want) w,
LATERAL (SELECT usage_trend(s.act, x.as_of, d.days, f.feature) AS got) g;

-- ------------------------------------------------------------------
-- dormant_users(act, as_of, quiet_days, feature): users active on some day
-- <= as_of - quiet_days and on none in (as_of - quiet_days, as_of]
-- ------------------------------------------------------------------
CREATE TEMP TABLE quiet (quiet_days int);
INSERT INTO quiet VALUES (1), (7), (14), (30), (90);

INSERT INTO results
SELECT 'dormant_users', a.account_id,
       format('as_of => %s, quiet_days => %s, feature => %s',
              pg_temp.lit(x.as_of), q.quiet_days, pg_temp.lit(f.feature)),
       g.got::text, w.want::text, g.got IS NOT DISTINCT FROM w.want, w.want > 0
FROM accts a
JOIN summaries s USING (account_id)
CROSS JOIN as_ofs x CROSS JOIN quiet q CROSS JOIN filters f,
LATERAL (SELECT count(*) AS want
           FROM (SELECT DISTINCT fd.user_id FROM fd
                  WHERE fd.account_id = a.account_id AND fd.fid = f.fid
                    AND fd.day <= x.as_of - q.quiet_days) u
          WHERE NOT EXISTS (SELECT FROM fd
                             WHERE fd.account_id = a.account_id AND fd.fid = f.fid
                               AND fd.user_id = u.user_id
                               AND fd.day > x.as_of - q.quiet_days AND fd.day <= x.as_of)) w,
LATERAL (SELECT dormant_users(s.act, x.as_of, q.quiet_days, f.feature) AS got) g;

-- ------------------------------------------------------------------
-- abandonment_rate(act, feature, as_of, quiet_days): among users of the
-- feature on or before as_of, the share with no use of it in
-- (as_of - quiet_days, as_of]; NULL without such users.  A NULL feature
-- means any activity (doc/reference.md, Conventions), as in every accessor.
-- ------------------------------------------------------------------
INSERT INTO results
SELECT 'abandonment_rate', a.account_id,
       format('feature => %s, as_of => %s, quiet_days => %s',
              pg_temp.lit(f.feature), pg_temp.lit(x.as_of), q.quiet_days),
       g.got::text, w.want::text, pg_temp.same(g.got, w.want),
       coalesce(w.want > 0 AND w.want < 1, false)
FROM accts a
JOIN summaries s USING (account_id)
CROSS JOIN as_ofs x CROSS JOIN quiet q CROSS JOIN filters f,
LATERAL (SELECT count(*) AS users,
                count(*) FILTER (WHERE NOT EXISTS (
                    SELECT FROM fd
                     WHERE fd.account_id = a.account_id AND fd.fid = f.fid
                       AND fd.user_id = u.user_id
                       AND fd.day > x.as_of - q.quiet_days AND fd.day <= x.as_of)) AS quiet
           FROM (SELECT DISTINCT fd.user_id FROM fd
                  WHERE fd.account_id = a.account_id AND fd.fid = f.fid
                    AND fd.day <= x.as_of) u) c,
LATERAL (SELECT CASE WHEN c.users > 0 THEN c.quiet::float8 / c.users END AS want) w,
LATERAL (SELECT abandonment_rate(s.act, f.feature, x.as_of, q.quiet_days) AS got) g;

-- ------------------------------------------------------------------
-- NULL arguments: a NULL summary, as_of or days array gives NULL or no rows
-- ------------------------------------------------------------------
CREATE TEMP TABLE null_cases (fn text, query text, want text);
INSERT INTO null_cases VALUES
    ('retention', 'SELECT count(*) FROM retention(NULL::activity, as_of => ''2026-06-30'')', '0'),
    ('retention', 'SELECT count(*) FROM retention(%s, as_of => NULL)', '0'),
    ('retention', 'SELECT count(*) FROM retention(%s, days => NULL, as_of => ''2026-06-30'')', '0'),
    ('retention_rate', 'SELECT retention_rate(NULL::activity, 30, as_of => ''2026-06-30'')', NULL),
    ('retention_rate', 'SELECT retention_rate(%s, 30, as_of => NULL)', NULL),
    ('feature_retention', 'SELECT count(*) FROM feature_retention(NULL::activity, as_of => ''2026-06-30'')', '0'),
    ('feature_retention', 'SELECT count(*) FROM feature_retention(%s, as_of => NULL)', '0'),
    ('cohort_retention', 'SELECT count(*) FROM cohort_retention(NULL::activity, as_of => ''2026-06-30'')', '0'),
    ('cohort_retention', 'SELECT count(*) FROM cohort_retention(%s, as_of => NULL)', '0'),
    ('lifecycle', 'SELECT count(*) FROM lifecycle(NULL::activity, as_of => ''2026-06-30'')', '0'),
    ('lifecycle', 'SELECT count(*) FROM lifecycle(%s, as_of => NULL)', '0'),
    ('time_to_feature', 'SELECT time_to_feature(NULL::activity, as_of => ''2026-06-30'') IS NULL', 'true'),
    ('time_to_feature', 'SELECT time_to_feature(%s, as_of => NULL) IS NULL', 'true'),
    ('usage_trend', 'SELECT usage_trend(NULL::activity, ''2026-06-30'')', NULL),
    ('usage_trend', 'SELECT usage_trend(%s, NULL)', NULL),
    ('dormant_users', 'SELECT dormant_users(NULL::activity, ''2026-06-30'')', NULL),
    ('dormant_users', 'SELECT dormant_users(%s, NULL)', NULL),
    ('abandonment_rate', 'SELECT abandonment_rate(NULL::activity, ''dashboards'', ''2026-06-30'')', NULL),
    ('abandonment_rate', 'SELECT abandonment_rate(%s, ''dashboards'', NULL)', NULL);

DO $$
DECLARE
    r   record;
    got text;
    act text := (SELECT quote_literal(act::text) || '::activity' FROM summaries
                  WHERE act IS NOT NULL ORDER BY account_id LIMIT 1);
BEGIN
    FOR r IN SELECT * FROM null_cases LOOP
        EXECUTE format(r.query, act) INTO got;
        INSERT INTO results VALUES ('NULL argument: ' || r.fn, NULL, r.query, got, r.want,
                                    got IS NOT DISTINCT FROM r.want, false);
    END LOOP;
END $$;

-- the NULL summary of the account without users gives NULL / no rows too
INSERT INTO results
SELECT 'NULL summary', s.account_id, 'every function',
       concat_ws(' ', r1.n, r2.n, r3.n, r4.n, t.v IS NULL, u.v, d.v, b.v),
       '0 0 0 0 true',
       r1.n = 0 AND r2.n = 0 AND r3.n = 0 AND r4.n = 0 AND t.v IS NULL
       AND u.v IS NULL AND d.v IS NULL AND b.v IS NULL, false
FROM summaries s,
     LATERAL (SELECT count(*) AS n FROM retention(s.act, as_of => '2026-06-30')) r1,
     LATERAL (SELECT count(*) AS n FROM feature_retention(s.act, as_of => '2026-06-30')) r2,
     LATERAL (SELECT count(*) AS n FROM cohort_retention(s.act, as_of => '2026-06-30')) r3,
     LATERAL (SELECT count(*) AS n FROM lifecycle(s.act, as_of => '2026-06-30')) r4,
     LATERAL (SELECT time_to_feature(s.act, as_of => '2026-06-30') AS v) t,
     LATERAL (SELECT usage_trend(s.act, '2026-06-30') AS v) u,
     LATERAL (SELECT dormant_users(s.act, '2026-06-30') AS v) d,
     LATERAL (SELECT abandonment_rate(s.act, 'dashboards', '2026-06-30') AS v) b
WHERE s.act IS NULL;

-- ------------------------------------------------------------------
-- Invalid arguments: SQLSTATE 22023, never an internal error
-- ------------------------------------------------------------------
CREATE TEMP TABLE bad_args (fn text, query text);
INSERT INTO bad_args VALUES
    ('retention', 'SELECT * FROM retention(%s, ''{-1}'', as_of => ''2026-06-30'')'),
    ('retention', 'SELECT * FROM retention(%s, ''{30,-30}'', as_of => ''2026-06-30'')'),
    ('retention', 'SELECT * FROM retention(%s, ''{0,NULL}'', as_of => ''2026-06-30'')'),
    ('retention', 'SELECT * FROM retention(%s, width => 0, as_of => ''2026-06-30'')'),
    ('retention', 'SELECT * FROM retention(%s, width => -7, as_of => ''2026-06-30'')'),
    ('retention_rate', 'SELECT retention_rate(%s, -1, as_of => ''2026-06-30'')'),
    ('retention_rate', 'SELECT retention_rate(%s, 30, 0, as_of => ''2026-06-30'')'),
    ('feature_retention', 'SELECT * FROM feature_retention(%s, ''{-1}'', as_of => ''2026-06-30'')'),
    ('feature_retention', 'SELECT * FROM feature_retention(%s, width => 0, as_of => ''2026-06-30'')'),
    ('cohort_retention', 'SELECT * FROM cohort_retention(%s, ''year'', as_of => ''2026-06-30'')'),
    ('cohort_retention', 'SELECT * FROM cohort_retention(%s, '''', as_of => ''2026-06-30'')'),
    ('cohort_retention', 'SELECT * FROM cohort_retention(%s, ''month'', 0, as_of => ''2026-06-30'')'),
    ('cohort_retention', 'SELECT * FROM cohort_retention(%s, ''week'', -1, as_of => ''2026-06-30'')'),
    ('lifecycle', 'SELECT * FROM lifecycle(%s, ''year'', as_of => ''2026-06-30'')'),
    ('lifecycle', 'SELECT * FROM lifecycle(%s, ''day'', 0, as_of => ''2026-06-30'')'),
    ('time_to_feature', 'SELECT * FROM time_to_feature(%s, 0, as_of => ''2026-06-30'')'),
    ('time_to_feature', 'SELECT * FROM time_to_feature(%s, -2, as_of => ''2026-06-30'')'),
    ('usage_trend', 'SELECT usage_trend(%s, ''2026-06-30'', 0)'),
    ('dormant_users', 'SELECT dormant_users(%s, ''2026-06-30'', 0)'),
    ('dormant_users', 'SELECT dormant_users(%s, ''2026-06-30'', -14)'),
    ('abandonment_rate', 'SELECT abandonment_rate(%s, ''dashboards'', ''2026-06-30'', 0)');

SELECT pg_temp.check_invalid_args('bad_args', (SELECT act FROM summaries WHERE act IS NOT NULL
                                                 ORDER BY account_id LIMIT 1));

-- ------------------------------------------------------------------
-- Verdict
-- ------------------------------------------------------------------
-- every comparison equal; every function compared, with non-trivial values
SELECT pg_temp.check_results('retention',
    ARRAY['retention', 'retention_rate', 'feature_retention',
          'feature_retention = retention per feature', 'cohort_retention',
          'lifecycle', 'time_to_feature', 'usage_trend',
          'dormant_users', 'abandonment_rate']);

-- the cases that make each definition bite
SELECT pg_temp.check_exercised('retention', $$VALUES
    -- every width reaches a rate strictly between 0 and 1
    ('retention, width 1',
     EXISTS (SELECT FROM o_ret o JOIN ret_params USING (pid) JOIN ret_sets s USING (sid)
              WHERE s.width = 1 AND o.rate > 0 AND o.rate < 1)),
    ('retention, width 30',
     EXISTS (SELECT FROM o_ret o JOIN ret_params USING (pid) JOIN ret_sets s USING (sid)
              WHERE s.width = 30 AND o.rate > 0 AND o.rate < 1)),
    ('retention, unbounded',
     EXISTS (SELECT FROM o_ret o JOIN ret_params USING (pid) JOIN ret_sets s USING (sid)
              WHERE s.width IS NULL AND o.rate > 0 AND o.rate < 1)),
    -- users not yet eligible, and checkpoints nobody reached
    ('retention, 0 < eligible < cohort',
     EXISTS (SELECT FROM o_ret WHERE eligible_users > 0 AND eligible_users < cohort_users)),
    ('retention, eligible = 0 < cohort',
     EXISTS (SELECT FROM o_ret WHERE eligible_users = 0 AND cohort_users > 0)),
    ('retention, a feature with retained users',
     EXISTS (SELECT FROM o_ret JOIN ret_params p USING (pid)
              WHERE p.fid > 0 AND retained_users > 0)),
    ('retention, cohort bounds that cut the cohort',
     EXISTS (SELECT FROM o_ret o JOIN ret_params p USING (pid)
              WHERE p.cohort_from IS NOT NULL AND p.cohort_to IS NOT NULL
                AND o.retained_users > 0)),
    ('feature_retention, several features in one call',
     EXISTS (SELECT FROM o_fret GROUP BY sid, account_id, as_of
             HAVING count(DISTINCT feature) >= 3)),
    ('cohort_retention, day',
     EXISTS (SELECT FROM o_cr JOIN cr_params c USING (cid)
              WHERE c.period = 'day' AND o_cr.period > 0 AND retained_users > 0)),
    ('cohort_retention, week',
     EXISTS (SELECT FROM o_cr JOIN cr_params c USING (cid)
              WHERE c.period = 'week' AND o_cr.period > 0 AND retained_users > 0)),
    ('cohort_retention, month',
     EXISTS (SELECT FROM o_cr JOIN cr_params c USING (cid)
              WHERE c.period = 'month' AND o_cr.period > 0 AND retained_users > 0
                AND retained_users < cohort_users)),
    ('lifecycle, new', EXISTS (SELECT FROM o_lc WHERE new_users > 0)),
    ('lifecycle, returning', EXISTS (SELECT FROM o_lc WHERE returning_users > 0)),
    ('lifecycle, resurrecting', EXISTS (SELECT FROM o_lc WHERE resurrecting_users > 0)),
    ('lifecycle, dormant', EXISTS (SELECT FROM o_lc WHERE dormant_users > 0)),
    ('lifecycle, rows of zeros', EXISTS (SELECT FROM o_lc
              WHERE new_users + returning_users + resurrecting_users + dormant_users = 0)),
    ('time_to_feature, censored users',
     EXISTS (SELECT FROM o_ttf WHERE reached > 0 AND reached < users AND median IS NOT NULL)),
    ('time_to_feature, p90', EXISTS (SELECT FROM o_ttf WHERE p90 IS NOT NULL)),
    ('time_to_feature, median but no p90',
     EXISTS (SELECT FROM o_ttf WHERE median IS NOT NULL AND p90 IS NULL)),
    ('time_to_feature, all censored',
     EXISTS (SELECT FROM o_ttf WHERE users > 0 AND reached = 0)),
    ('time_to_feature, a median above 0',
     EXISTS (SELECT FROM o_ttf WHERE median > 0)),
    ('usage_trend, a rise',
     EXISTS (SELECT FROM results WHERE fn = 'usage_trend' AND want::float8 > 0)),
    ('usage_trend, a drop',
     EXISTS (SELECT FROM results WHERE fn = 'usage_trend' AND want::float8 < 0)),
    ('usage_trend, NULL', EXISTS (SELECT FROM results WHERE fn = 'usage_trend' AND want IS NULL)),
    ('dormant_users, 0', EXISTS (SELECT FROM results WHERE fn = 'dormant_users' AND want = '0')),
    ('abandonment_rate, 1',
     EXISTS (SELECT FROM results WHERE fn = 'abandonment_rate' AND want::float8 = 1)),
    ('abandonment_rate, 0',
     EXISTS (SELECT FROM results WHERE fn = 'abandonment_rate' AND want::float8 = 0)),
    ('abandonment_rate, NULL',
     EXISTS (SELECT FROM results WHERE fn = 'abandonment_rate' AND want IS NULL))
$$);

SELECT * FROM pg_temp.results_summary();
