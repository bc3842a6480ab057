--
-- retention_start_oracle: the start feature of retention, retention_rate
-- and cohort_retention (SPEC 2.5, 2.6), recurring cohorts, week_start and
-- quarters in cohort_retention and lifecycle (SPEC 2.6, 2.7), against
-- independent plain-SQL formulations of their definitions on the generated
-- data set; hand-checked cases on a small summary; invalid arguments; the
-- same results from parallel plans.
--
-- Expects the tables of the event generator (accounts, users, events) in
-- the current database and the extension installed.  Raises an exception
-- that names the function, the account and the arguments on any mismatch.
--
-- The oracle reads the contract literally, from the events themselves:
--   * day = occurred_at::date in the session TimeZone; rows with a NULL
--     user or time are skipped; rows after as_of are ignored;
--   * start(u) = u's first use of start_feature on or before as_of when it
--     is given (users who never used it are in no cohort), else u's first
--     active day on `feature` (any activity when NULL);
--   * "active" = activity on `feature`, any activity when it is NULL;
--   * periods: date_trunc for days, months and quarters; a week starting
--     on ISO weekday w holds d in [d - (isodow(d) - w + 7) % 7, + 7).
\ir lib/common.sql
-- not UTC: events near midnight fall on another day than in UTC
SET TimeZone = 'America/New_York';

-- ------------------------------------------------------------------
-- The oracle's view of the data: the triples, the accounts with at least
-- one, and the feature filters (lib/common.sql)
-- ------------------------------------------------------------------
SELECT pg_temp.create_triples();

-- feature filters: fid 0 is NULL (any activity), fid > 0 a feature, fid -1
-- a feature nobody used
SELECT pg_temp.create_filters();

CREATE FUNCTION pg_temp.fid(name text) RETURNS int LANGUAGE sql STABLE AS $$
    SELECT fid FROM filters WHERE feature IS NOT DISTINCT FROM name
$$;

-- the sorted distinct active days of each user under each filter, up to
-- any day (as_of cuts them where used)
CREATE TEMP TABLE ud AS
SELECT account_id, 0 AS fid, user_id, array_agg(DISTINCT day ORDER BY day) AS days
FROM triples GROUP BY 1, 3
UNION ALL
SELECT t.account_id, f.fid, t.user_id, array_agg(DISTINCT t.day ORDER BY t.day)
FROM triples t JOIN filters f ON f.fid > 0 AND f.feature = t.feature
GROUP BY 1, 2, 3;
CREATE INDEX ON ud (account_id, fid, user_id);
ANALYZE ud;

-- the same, a row an active day
CREATE TEMP VIEW ud_days AS
SELECT u.account_id, u.fid, u.user_id, d AS day FROM ud u, unnest(u.days) d;

CREATE TEMP TABLE as_ofs (as_of date PRIMARY KEY);
INSERT INTO as_ofs VALUES ('2024-12-31'), ('2025-06-30'), ('2025-12-28'), ('2026-03-31'),
                          ('2026-06-30');

-- the summaries, one per account (lib/common.sql)
SELECT pg_temp.create_summaries();

-- ------------------------------------------------------------------
-- The table of all comparisons (pg_temp.same and pg_temp.lit, the
-- comparison helpers: lib/common.sql)
-- ------------------------------------------------------------------
SELECT pg_temp.create_results(variant => false);

-- ------------------------------------------------------------------
-- retention(act, days, width, as_of, feature, cohort_from, cohort_to,
--           start_feature)
--   start     first use of start_feature on or before as_of (else first
--             active day on feature), in [cohort_from, cohort_to]
--   eligible  start + N + W - 1 <= as_of   (W NULL: start + N <= as_of)
--   retained  eligible and active on feature on d, start + N <= d <
--             start + N + W, d <= as_of
-- ------------------------------------------------------------------
CREATE TEMP TABLE ret_sets (sid int PRIMARY KEY, days int[], width int);
INSERT INTO ret_sets VALUES
    (1, '{0,1,7,30}', 1),
    (2, '{0,7,30,60,90}', 30),
    (3, '{0,1,28}', NULL),
    (4, '{90,0,7,7}', 7);

-- feature x start feature for every set, cohort bounds for set 2
CREATE TEMP TABLE ret_params AS
SELECT row_number() OVER (ORDER BY sid, fid, sfid NULLS FIRST, cohort_from, cohort_to)::int AS pid, *
FROM (SELECT s.sid, f.fid, st.sfid, b.cohort_from, b.cohort_to
        FROM ret_sets s,
             (SELECT pg_temp.fid(x) AS fid FROM unnest(ARRAY[NULL, 'dashboards', 'reports', 'exports',
                                                              'no such feature']) x) f,
             (SELECT CASE WHEN x IS NULL THEN NULL ELSE pg_temp.fid(x) END AS sfid
                FROM unnest(ARRAY[NULL, 'dashboards', 'reports', 'alerts', 'billing',
                                  'no such feature']) x) st,
             (VALUES (NULL::date, NULL::date), (date '2025-03-01', date '2025-08-31'),
                     (date '2026-01-01', NULL)) b(cohort_from, cohort_to)
       WHERE s.sid = 2 OR (b.cohort_from IS NULL AND b.cohort_to IS NULL)) p;

-- each cohort user: their start under the parameter set
CREATE TEMP TABLE o_ret_cohort AS
SELECT p.pid, x.as_of, s.account_id, s.user_id, s.days[1] AS start
FROM ret_params p
CROSS JOIN as_ofs x
JOIN LATERAL (SELECT u.account_id, u.user_id,
                     ARRAY(SELECT d FROM unnest(u.days) d WHERE d <= x.as_of ORDER BY d) AS days
                FROM ud u WHERE u.fid = coalesce(p.sfid, p.fid)) s ON cardinality(s.days) > 0
WHERE (p.cohort_from IS NULL OR s.days[1] >= p.cohort_from)
  AND (p.cohort_to IS NULL OR s.days[1] <= p.cohort_to);

-- eligible and retained per cohort user and checkpoint, rolled up per call
-- (o_ret), over the active days ud_days; the extension's rows (c_ret)
-- compared with them (lib/common.sql)
SELECT pg_temp.create_ret_oracle('ud_days');
SELECT pg_temp.check_retention();

-- retention_rate(act, day, width, as_of, feature, start_feature): the rate
-- of that checkpoint (no cohort bounds)
INSERT INTO results
SELECT 'retention_rate', o.account_id,
       pg_temp.ret_args(rs.days, rs.width, o.as_of, f.feature, p.cohort_from, p.cohort_to, sf.feature)
           || ', day ' || o.day,
       g.got::text, o.rate::text, pg_temp.same(g.got, o.rate), coalesce(o.rate > 0 AND o.rate < 1, false)
FROM o_ret o
JOIN ret_params p USING (pid)
JOIN ret_sets rs USING (sid)
JOIN filters f USING (fid)
LEFT JOIN filters sf ON sf.fid = p.sfid
JOIN summaries s USING (account_id),
LATERAL (SELECT retention_rate(s.act, o.day, rs.width, o.as_of, f.feature, sf.feature) AS got) g
WHERE p.cohort_from IS NULL AND p.cohort_to IS NULL;

-- ------------------------------------------------------------------
-- Calendar periods: ten kinds (spec), each week kind with its start day
-- ------------------------------------------------------------------
CREATE TEMP TABLE specs (spec int PRIMARY KEY, kind text, wdow int, step interval);
INSERT INTO specs VALUES
    (1, 'day', NULL, '1 day'),
    (2, 'week', 1, '7 days'), (3, 'week', 2, '7 days'), (4, 'week', 3, '7 days'),
    (5, 'week', 4, '7 days'), (6, 'week', 5, '7 days'), (7, 'week', 6, '7 days'),
    (8, 'week', 7, '7 days'),
    (9, 'month', NULL, '1 month'),
    (10, 'quarter', NULL, '3 months');

-- the first day of the period holding d
CREATE FUNCTION pg_temp.pstart(spec int, d date) RETURNS date LANGUAGE sql STABLE AS $$
    SELECT CASE s.kind WHEN 'day' THEN d
                       WHEN 'week' THEN d - (extract(isodow FROM d)::int - s.wdow + 7) % 7
                       ELSE date_trunc(s.kind, d::timestamp)::date END
    FROM specs s WHERE s.spec = $1
$$;

-- the latest period that has ended on or before as_of
CREATE FUNCTION pg_temp.last_ended(spec int, as_of date) RETURNS date LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN (p + s.step)::date - 1 <= as_of THEN p ELSE (p - s.step)::date END
    FROM specs s, LATERAL (SELECT pg_temp.pstart(spec, as_of) AS p) x
    WHERE s.spec = $1
$$;

-- each user's distinct periods under each filter and kind, ascending
-- (pg_temp.pstart written out)
CREATE TEMP TABLE up AS
SELECT u.account_id, u.fid, s.spec, u.user_id,
       ARRAY(SELECT DISTINCT CASE s.kind WHEN 'day' THEN d
                                         WHEN 'week' THEN d - (extract(isodow FROM d)::int - s.wdow + 7) % 7
                                         ELSE date_trunc(s.kind, d::timestamp)::date END
               FROM unnest(u.days) d ORDER BY 1) AS ps
FROM ud u CROSS JOIN specs s;
CREATE INDEX ON up (account_id, fid, spec, user_id);
ANALYZE up;

-- the spelling of week_start passed for each weekday: any case is allowed
-- (days, months and quarters are called with 'friday', which they ignore)
CREATE TEMP TABLE spellings (wdow int PRIMARY KEY, week_start text);
INSERT INTO spellings VALUES (1, 'monday'), (2, 'Tuesday'), (3, 'WEDNESDAY'), (4, 'thursday'),
                             (5, 'Friday'), (6, 'saturday'), (7, 'SunDay');

-- ------------------------------------------------------------------
-- cohort_retention(act, period, periods, as_of, feature, start_feature,
--                  recurring, week_start)
--   shown     the `periods` periods ending at L = last_ended(as_of)
--   cohorts   the period of start(u) (recurring: every period holding a
--             day on which u started: used start_feature, or was active
--             on feature without one), when shown
--   retained  cohort users active on feature in period cohort + k, for
--             k = 0 .. (L - cohort)
-- ------------------------------------------------------------------
CREATE TEMP TABLE cr_params AS
SELECT row_number() OVER (ORDER BY spec, default_week, periods, fid, sfid NULLS FIRST, recurring)::int AS cid, *
FROM (-- every week start, with and without a start feature, recurring or not
      SELECT s.spec, false AS default_week, 10 AS periods, f.fid, st.sfid, r.recurring
        FROM specs s,
             (SELECT pg_temp.fid(x) AS fid FROM unnest(ARRAY[NULL, 'reports']) x) f,
             (SELECT CASE WHEN x IS NULL THEN NULL ELSE pg_temp.fid(x) END AS sfid
                FROM unnest(ARRAY[NULL, 'dashboards']) x) st,
             (VALUES (false), (true)) r(recurring)
       WHERE s.kind = 'week'
      UNION ALL
      -- days, default weeks, months and quarters with more filters
      SELECT k.spec, k.default_week, k.periods, f.fid, st.sfid, r.recurring
        FROM (VALUES (1, false, 12), (2, true, 6), (9, false, 6), (9, false, 14),
                     (10, false, 3), (10, false, 6)) k(spec, default_week, periods),
             (SELECT pg_temp.fid(x) AS fid FROM unnest(ARRAY[NULL, 'dashboards', 'reports',
                                                              'no such feature']) x) f,
             (SELECT CASE WHEN x IS NULL THEN NULL ELSE pg_temp.fid(x) END AS sfid
                FROM unnest(ARRAY[NULL, 'reports', 'alerts', 'no such feature']) x) st,
             (VALUES (false), (true)) r(recurring)) p;

-- the periods shown: first f and last l
CREATE TEMP TABLE cr_bounds AS
SELECT cp.cid, x.as_of, b.l, (b.l - (cp.periods - 1) * s.step)::date AS f
FROM cr_params cp JOIN specs s USING (spec) CROSS JOIN as_ofs x,
LATERAL (SELECT pg_temp.last_ended(cp.spec, x.as_of) AS l) b;

-- cohort memberships
CREATE TEMP TABLE o_cr_member AS
SELECT cp.cid, b.as_of, u.account_id, u.user_id, c.cohort
FROM cr_params cp
JOIN cr_bounds b USING (cid)
JOIN up u ON u.fid = coalesce(cp.sfid, cp.fid) AND u.spec = cp.spec,
LATERAL (SELECT p AS cohort FROM unnest(u.ps) WITH ORDINALITY q(p, i)
          WHERE (cp.recurring OR q.i = 1)) c
WHERE c.cohort >= b.f AND c.cohort <= b.l;

CREATE TEMP TABLE o_cr AS
SELECT m.cid, m.account_id, m.as_of, m.cohort, (k.ord - 1)::int AS period,
       count(*) AS cohort_users,
       count(*) FILTER (WHERE a.ps @> ARRAY[k.p]) AS retained_users
FROM o_cr_member m
JOIN cr_params cp USING (cid)
JOIN cr_bounds b ON b.cid = m.cid AND b.as_of = m.as_of
JOIN specs s ON s.spec = cp.spec
LEFT JOIN up a ON a.account_id = m.account_id AND a.fid = cp.fid AND a.spec = cp.spec
              AND a.user_id = m.user_id,
LATERAL (SELECT g::date AS p, ord
           FROM generate_series(m.cohort::timestamp, b.l::timestamp, s.step) WITH ORDINALITY g(g, ord)) k
GROUP BY 1, 2, 3, 4, 5;

CREATE TEMP TABLE c_cr AS
SELECT cp.cid, s.account_id, x.as_of, r.*
FROM summaries s
JOIN accts USING (account_id)
CROSS JOIN as_ofs x
CROSS JOIN cr_params cp
JOIN specs sp ON sp.spec = cp.spec
JOIN filters f USING (fid)
LEFT JOIN filters sf ON sf.fid = cp.sfid
LEFT JOIN spellings w ON w.wdow = sp.wdow,
LATERAL cohort_retention(s.act, sp.kind, cp.periods, x.as_of, f.feature, sf.feature,
                         cp.recurring, coalesce(w.week_start, 'friday'))
        WITH ORDINALITY AS r(cohort, period, cohort_users, retained_users, rate, ord)
WHERE NOT cp.default_week
UNION ALL
-- the default week_start: the argument left out, by position and by name
SELECT cp.cid, s.account_id, x.as_of, r.*
FROM summaries s
JOIN accts USING (account_id)
CROSS JOIN as_ofs x
CROSS JOIN cr_params cp
JOIN specs sp ON sp.spec = cp.spec
JOIN filters f USING (fid)
LEFT JOIN filters sf ON sf.fid = cp.sfid,
LATERAL cohort_retention(s.act, sp.kind, cp.periods, x.as_of, f.feature, sf.feature, cp.recurring)
        WITH ORDINALITY AS r(cohort, period, cohort_users, retained_users, rate, ord)
WHERE cp.default_week AND cp.recurring
UNION ALL
SELECT cp.cid, s.account_id, x.as_of, r.*
FROM summaries s
JOIN accts USING (account_id)
CROSS JOIN as_ofs x
CROSS JOIN cr_params cp
JOIN specs sp ON sp.spec = cp.spec
JOIN filters f USING (fid)
LEFT JOIN filters sf ON sf.fid = cp.sfid,
LATERAL cohort_retention(s.act, period => sp.kind, periods => cp.periods, as_of => x.as_of,
                         start_feature => sf.feature, feature => f.feature)
        WITH ORDINALITY AS r(cohort, period, cohort_users, retained_users, rate, ord)
WHERE cp.default_week AND NOT cp.recurring;

-- c_cr against o_cr (lib/common.sql); non-trivial: a rate strictly
-- between 0 and 1
INSERT INTO results
SELECT 'cohort_retention', d.account_id,
       format('period => %L, periods => %s, as_of => %s, feature => %s, start_feature => %s, recurring => %s, week_start => %s, row %s',
              sp.kind, cp.periods, pg_temp.lit(d.as_of), pg_temp.lit(f.feature), pg_temp.lit(sf.feature),
              cp.recurring, CASE WHEN cp.default_week THEN '(default)' ELSE pg_temp.lit(coalesce(w.week_start, 'friday')) END, d.ord),
       d.got, d.want, d.ok, coalesce(d.retained_users > 0 AND d.retained_users < d.cohort_users, false)
FROM pg_temp.cohort_retention_comparisons() d
JOIN cr_params cp USING (cid)
JOIN specs sp ON sp.spec = cp.spec
JOIN filters f USING (fid)
LEFT JOIN filters sf ON sf.fid = cp.sfid
LEFT JOIN spellings w ON w.wdow = sp.wdow;

-- ------------------------------------------------------------------
-- lifecycle(act, period, periods, as_of, feature, week_start): one row for
-- each of the `periods` periods P ending at L, oldest first:
--   new           the user's first active period is P
--   returning     active in P and in P - 1
--   resurrecting  active in P, not in P - 1, in some period before P - 1
--   dormant       active in P - 1, not in P
-- ------------------------------------------------------------------
CREATE TEMP TABLE lc_params AS
SELECT row_number() OVER (ORDER BY spec, default_week, periods, fid)::int AS lid, *
FROM (SELECT s.spec, false AS default_week, 8 AS periods, f.fid
        FROM specs s, (SELECT pg_temp.fid(x) AS fid FROM unnest(ARRAY[NULL, 'reports']) x) f
       WHERE s.kind = 'week'
      UNION ALL
      SELECT k.spec, k.default_week, k.periods, f.fid
        FROM (VALUES (2, true, 8), (9, false, 6), (10, false, 4), (10, false, 8)) k(spec, default_week, periods),
             (SELECT pg_temp.fid(x) AS fid FROM unnest(ARRAY[NULL, 'reports', 'no such feature']) x) f) p;

CREATE TEMP TABLE lc_bounds AS
SELECT lp.lid, x.as_of, pg_temp.last_ended(lp.spec, x.as_of) AS l
FROM lc_params lp CROSS JOIN as_ofs x;

CREATE TEMP TABLE o_lc AS
SELECT lp.lid, a.account_id, x.as_of, p.p AS period_start, p.ord,
       count(u.user_id) FILTER (WHERE u.ps[1] = p.p) AS new_users,
       count(u.user_id) FILTER (WHERE u.ps @> ARRAY[p.p] AND u.ps @> ARRAY[p.prev]) AS returning_users,
       count(u.user_id) FILTER (WHERE u.ps @> ARRAY[p.p] AND NOT u.ps @> ARRAY[p.prev]
                                  AND u.ps[1] < p.prev) AS resurrecting_users,
       count(u.user_id) FILTER (WHERE u.ps @> ARRAY[p.prev] AND NOT u.ps @> ARRAY[p.p]) AS dormant_users
FROM lc_params lp
JOIN specs s ON s.spec = lp.spec
CROSS JOIN accts a
JOIN lc_bounds x ON x.lid = lp.lid
CROSS JOIN LATERAL (SELECT g::date AS p, (g - s.step)::date AS prev, ord
           FROM generate_series((x.l - (lp.periods - 1) * s.step)::timestamp, x.l::timestamp, s.step)
                WITH ORDINALITY g(g, ord)) p
LEFT JOIN up u ON u.account_id = a.account_id AND u.fid = lp.fid AND u.spec = lp.spec
GROUP BY 1, 2, 3, 4, 5;

CREATE TEMP TABLE c_lc AS
SELECT lp.lid, s.account_id, x.as_of, r.*
FROM summaries s
JOIN accts USING (account_id)
CROSS JOIN as_ofs x
CROSS JOIN lc_params lp
JOIN specs sp ON sp.spec = lp.spec
JOIN filters f USING (fid)
LEFT JOIN spellings w ON w.wdow = sp.wdow,
LATERAL lifecycle(s.act, sp.kind, lp.periods, x.as_of, f.feature, coalesce(w.week_start, 'friday'))
        WITH ORDINALITY AS r(period_start, new_users, returning_users, resurrecting_users,
                             dormant_users, ord)
WHERE NOT lp.default_week
UNION ALL
SELECT lp.lid, s.account_id, x.as_of, r.*
FROM summaries s
JOIN accts USING (account_id)
CROSS JOIN as_ofs x
CROSS JOIN lc_params lp
JOIN specs sp ON sp.spec = lp.spec
JOIN filters f USING (fid),
LATERAL lifecycle(s.act, sp.kind, lp.periods, x.as_of, f.feature)
        WITH ORDINALITY AS r(period_start, new_users, returning_users, resurrecting_users,
                             dormant_users, ord)
WHERE lp.default_week;

-- c_lc against o_lc (lib/common.sql)
INSERT INTO results
SELECT 'lifecycle', d.account_id,
       format('period => %L, periods => %s, as_of => %s, feature => %s, week_start => %s, row %s',
              sp.kind, lp.periods, pg_temp.lit(d.as_of), pg_temp.lit(f.feature),
              CASE WHEN lp.default_week THEN '(default)' ELSE pg_temp.lit(coalesce(w.week_start, 'friday')) END, d.ord),
       d.got, d.want, d.ok, d.nontrivial
FROM pg_temp.lifecycle_comparisons() d
JOIN lc_params lp USING (lid)
JOIN specs sp ON sp.spec = lp.spec
JOIN filters f USING (fid)
LEFT JOIN spellings w ON w.wdow = sp.wdow;

-- ------------------------------------------------------------------
-- Consistency: a start feature equal to the feature is the feature's own
-- retention; product-wide figures from one summary built by a parallel
-- plan equal the sums of the per-account rows (users belong to one
-- account); accessors run in parallel workers equal the serial run
-- ------------------------------------------------------------------
INSERT INTO results
SELECT 'retention, start_feature = feature', s.account_id,
       format('feature => start_feature => %L, as_of => %s', f.feature, pg_temp.lit(x.as_of)),
       a.r::text, b.r::text, a.r IS NOT DISTINCT FROM b.r, b.r IS NOT NULL
FROM summaries s JOIN accts USING (account_id) CROSS JOIN as_ofs x
CROSS JOIN (VALUES ('dashboards'), ('exports'), ('billing')) f(feature),
LATERAL (SELECT array_agg(t ORDER BY t.ord) AS r
           FROM retention(s.act, '{0,1,7,30}', 7, x.as_of, f.feature, start_feature => f.feature)
                WITH ORDINALITY t(day, cohort_users, eligible_users, retained_users, rate, ord)) a,
LATERAL (SELECT array_agg(t ORDER BY t.ord) AS r
           FROM retention(s.act, '{0,1,7,30}', 7, x.as_of, f.feature)
                WITH ORDINALITY t(day, cohort_users, eligible_users, retained_users, rate, ord)) b;

DO $$
BEGIN
    IF EXISTS (SELECT FROM events WHERE user_id IS NOT NULL
                GROUP BY user_id HAVING count(DISTINCT account_id) > 1) THEN
        RAISE EXCEPTION 'generated data has a user in several accounts: per-account sums are not product-wide figures';
    END IF;
END $$;

-- parallel plans: a regular table (temporary ones are never scanned in
-- parallel) and the settings that make the planner use workers
CREATE TABLE par_summaries AS SELECT * FROM summaries;
ANALYZE par_summaries;
CREATE TABLE par_events AS SELECT * FROM events;
ANALYZE par_events;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET min_parallel_index_scan_size = 0;
SET max_parallel_workers = 8;
SET max_parallel_workers_per_gather = 2;
SELECT set_config(CASE WHEN current_setting('server_version_num')::int >= 160000
                       THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END, 'on', false) AS forced;

-- (pg_temp.plan_of: lib/common.sql)

-- the product-wide summary, built by workers and combined
DO $$
DECLARE plan text;
BEGIN
    plan := pg_temp.plan_of('CREATE TABLE product AS SELECT activity_agg(user_id, occurred_at, feature) AS act FROM par_events',
                            run => true);
    IF plan !~ 'Partial Aggregate' OR plan !~ 'Workers Launched: [1-9]' THEN
        RAISE EXCEPTION E'the product-wide summary was not built in parallel:\n%', plan;
    END IF;
END $$;

CREATE TEMP TABLE par_queries (name text, q text);
INSERT INTO par_queries VALUES
 ('retention', $$SELECT r.day, sum(r.cohort_users) AS c, sum(r.eligible_users) AS e, sum(r.retained_users) AS r
   FROM %s s, retention(s.act, '{0,7,30,60}', 7, '2026-06-30', 'reports', '2025-02-01', NULL, 'dashboards') r GROUP BY 1$$),
 ('retention, any activity', $$SELECT r.day, sum(r.cohort_users) AS c, sum(r.eligible_users) AS e, sum(r.retained_users) AS r
   FROM %s s, retention(s.act, '{1,28}', NULL, '2026-03-31', start_feature => 'exports') r GROUP BY 1$$),
 ('cohort_retention, recurring, sunday weeks', $$SELECT r.cohort, r.period, sum(r.cohort_users) AS c, sum(r.retained_users) AS r
   FROM %s s, cohort_retention(s.act, 'week', 12, '2026-06-30', 'reports', 'dashboards', true, 'sunday') r GROUP BY 1, 2$$),
 ('cohort_retention, quarters', $$SELECT r.cohort, r.period, sum(r.cohort_users) AS c, sum(r.retained_users) AS r
   FROM %s s, cohort_retention(s.act, 'quarter', 6, '2026-06-30', start_feature => 'search') r GROUP BY 1, 2$$),
 ('lifecycle, wednesday weeks', $$SELECT r.period_start, sum(r.new_users) AS n, sum(r.returning_users) AS r,
          sum(r.resurrecting_users) AS z, sum(r.dormant_users) AS d
   FROM %s s, lifecycle(s.act, 'week', 10, '2026-06-30', week_start => 'wednesday') r GROUP BY 1$$),
 ('lifecycle, quarters', $$SELECT r.period_start, sum(r.new_users) AS n, sum(r.returning_users) AS r,
          sum(r.resurrecting_users) AS z, sum(r.dormant_users) AS d
   FROM %s s, lifecycle(s.act, 'quarter', 6, '2026-06-30', 'reports') r GROUP BY 1$$);

DO $$
DECLARE
    r      record;
    plan   text;
    serial text;
    par    text;
    whole  text;
BEGIN
    FOR r IN SELECT * FROM par_queries LOOP
        -- per account, in parallel workers
        plan := pg_temp.plan_of(format(r.q, 'par_summaries'), run => true);
        IF plan !~ 'Workers Launched: [1-9]' THEN
            RAISE EXCEPTION E'%: no parallel workers:\n%', r.name, plan;
        END IF;
        EXECUTE format('SELECT string_agg(x::text, '';'' ORDER BY x::text) FROM (%s) x',
                       format(r.q, 'par_summaries')) INTO par;
        -- per account, serial
        SET LOCAL max_parallel_workers_per_gather = 0;
        EXECUTE format('SELECT set_config(%L, ''off'', true)',
                       CASE WHEN current_setting('server_version_num')::int >= 160000
                            THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END);
        EXECUTE format('SELECT string_agg(x::text, '';'' ORDER BY x::text) FROM (%s) x',
                       format(r.q, 'summaries')) INTO serial;
        -- product-wide, from the summary built in parallel
        EXECUTE format('SELECT string_agg(x::text, '';'' ORDER BY x::text) FROM (%s) x',
                       format(r.q, 'product')) INTO whole;
        SET LOCAL max_parallel_workers_per_gather = 2;
        EXECUTE format('SELECT set_config(%L, ''on'', true)',
                       CASE WHEN current_setting('server_version_num')::int >= 160000
                            THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END);
        INSERT INTO results VALUES ('parallel = serial', NULL, r.name, par, serial,
                                    par IS NOT DISTINCT FROM serial AND serial IS NOT NULL, serial IS NOT NULL);
        INSERT INTO results VALUES ('product-wide = sum of accounts', NULL, r.name, whole, serial,
                                    whole IS NOT DISTINCT FROM serial AND serial IS NOT NULL, serial IS NOT NULL);
    END LOOP;
END $$;

RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET min_parallel_index_scan_size;
RESET max_parallel_workers;
RESET max_parallel_workers_per_gather;
SELECT set_config(CASE WHEN current_setting('server_version_num')::int >= 160000
                       THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END, 'off', false) AS unforced;
DROP TABLE par_summaries, par_events, product;

-- ------------------------------------------------------------------
-- Hand-checked cases on a small summary (days as dates, no time zone):
--   u1: signup Mon 2026-01-05; reports 01-06, 01-20
--   u2: reports Sat 2026-01-03; signup Wed 01-14; reports Mon 02-02
--   u3: reports Sat 2026-01-10 (never signs up)
--   u4: signup Sun 2026-02-01; activity without a feature Tue 02-03
--   u5: reports 2025-11-15, 2026-03-02
-- ------------------------------------------------------------------
CREATE TEMP TABLE hand AS
SELECT activity_agg(u, d, f) AS act
FROM (VALUES (1, date '2026-01-05', 'signup'), (1, '2026-01-06', 'reports'), (1, '2026-01-20', 'reports'),
             (2, '2026-01-03', 'reports'), (2, '2026-01-14', 'signup'), (2, '2026-02-02', 'reports'),
             (3, '2026-01-10', 'reports'),
             (4, '2026-02-01', 'signup'), (4, '2026-02-03', NULL),
             (5, '2025-11-15', 'reports'), (5, '2026-03-02', 'reports')) v(u, d, f);

CREATE TEMP TABLE hand_cases (what text, query text, want text);
INSERT INTO hand_cases VALUES
 -- starts 01-05, 01-14, 02-01; reports in [s, s+6]: u1 (01-06); in
 -- [s+7, s+13]: nobody; in [s+14, s+20]: u1 (01-20), u2 (02-02)
 ('retention, start_feature and feature',
  $$SELECT string_agg(format('%s:%s/%s/%s', day, cohort_users, eligible_users, retained_users), ' ' ORDER BY day)
      FROM hand, retention(act, '{0,7,14}', 7, '2026-02-28', 'reports', start_feature => 'signup')$$,
  '0:3/3/1 7:3/3/0 14:3/3/2'),
 -- any activity: day 0 is the start itself; u1 01-20 is in [s+14, s+20]
 ('retention, start_feature, any activity',
  $$SELECT string_agg(format('%s:%s/%s/%s', day, cohort_users, eligible_users, retained_users), ' ' ORDER BY day)
      FROM hand, retention(act, '{0,7,14}', 7, '2026-02-28', start_feature => 'signup')$$,
  '0:3/3/3 7:3/3/0 14:3/3/2'),
 -- cohort bounds on the start: u2 and u4; u4 (start 02-01) not eligible
 -- for day 28 (02-01 + 34 > 02-28)
 ('retention, start_feature, cohort bounds',
  $$SELECT string_agg(format('%s:%s/%s/%s', day, cohort_users, eligible_users, retained_users), ' ' ORDER BY day)
      FROM hand, retention(act, '{14,28}', 7, '2026-02-28', 'reports', '2026-01-10', '2026-02-01', 'signup')$$,
  '14:2/2/1 28:2/1/0'),
 ('retention_rate, start_feature',
  $$SELECT retention_rate(act, 14, 7, '2026-02-28', 'reports', 'signup')::numeric(6,4) FROM hand$$,
  '0.6667'),
 -- a start feature nobody used: an empty cohort on every row
 ('retention, unused start_feature',
  $$SELECT string_agg(format('%s:%s/%s/%s/%s', day, cohort_users, eligible_users, retained_users,
                             coalesce(rate::text, 'NULL')), ' ' ORDER BY day)
      FROM hand, retention(act, '{0,30}', as_of => '2026-02-28', start_feature => 'nothing')$$,
  '0:0/0/0/NULL 30:0/0/0/NULL'),
 ('retention_rate, unused start_feature',
  $$SELECT coalesce(retention_rate(act, 0, as_of => '2026-02-28', start_feature => 'nothing')::text, 'NULL') FROM hand$$,
  'NULL'),
 ('cohort_retention, unused start_feature',
  $$SELECT count(*)::text FROM hand, cohort_retention(act, 'day', 100, '2026-02-28', start_feature => 'nothing')$$,
  '0'),
 -- the start feature used, the feature never: cohorts, nobody retained
 ('retention, unused feature',
  $$SELECT string_agg(format('%s:%s/%s/%s', day, cohort_users, eligible_users, retained_users), ' ' ORDER BY day)
      FROM hand, retention(act, '{0}', 7, '2026-02-28', 'nothing', start_feature => 'signup')$$,
  '0:3/3/0'),
 -- ISO weeks, as_of a Saturday: the last ended week is 02-16 .. 02-22
 ('cohort_retention, start_feature, monday weeks',
  $$SELECT string_agg(format('%s+%s:%s/%s', to_char(cohort, 'MM-DD'), period, cohort_users, retained_users), ' '
                      ORDER BY cohort, period)
      FROM hand, cohort_retention(act, 'week', 8, '2026-02-28', 'reports', 'signup')$$,
  '01-05+0:1/1 01-05+1:1/0 01-05+2:1/1 01-05+3:1/0 01-05+4:1/0 01-05+5:1/0 01-05+6:1/0 '
  '01-12+0:1/0 01-12+1:1/0 01-12+2:1/0 01-12+3:1/1 01-12+4:1/0 01-12+5:1/0 '
  '01-26+0:1/0 01-26+1:1/0 01-26+2:1/0 01-26+3:1/0'),
 -- Sunday weeks: the week 02-22 .. 02-28 has ended on as_of
 ('cohort_retention, start_feature, sunday weeks',
  $$SELECT string_agg(format('%s+%s:%s/%s', to_char(cohort, 'MM-DD'), period, cohort_users, retained_users), ' '
                      ORDER BY cohort, period)
      FROM hand, cohort_retention(act, 'week', 8, '2026-02-28', 'reports', 'signup', week_start => 'Sunday')$$,
  '01-04+0:1/1 01-04+1:1/0 01-04+2:1/1 01-04+3:1/0 01-04+4:1/0 01-04+5:1/0 01-04+6:1/0 01-04+7:1/0 '
  '01-11+0:1/0 01-11+1:1/0 01-11+2:1/0 01-11+3:1/1 01-11+4:1/0 01-11+5:1/0 01-11+6:1/0 '
  '02-01+0:1/0 02-01+1:1/0 02-01+2:1/0 02-01+3:1/0'),
 -- first activity: January u1, u2, u3 (February: u2), February u4
 ('cohort_retention, months',
  $$SELECT string_agg(format('%s+%s:%s/%s', to_char(cohort, 'MM'), period, cohort_users, retained_users), ' '
                      ORDER BY cohort, period)
      FROM hand, cohort_retention(act, 'month', 3, '2026-02-28')$$,
  '01+0:3/3 01+1:3/1 02+0:1/1'),
 -- recurring: January u1, u2, u3; February u2, u4
 ('cohort_retention, recurring months',
  $$SELECT string_agg(format('%s+%s:%s/%s', to_char(cohort, 'MM'), period, cohort_users, retained_users), ' '
                      ORDER BY cohort, period)
      FROM hand, cohort_retention(act, 'month', 3, '2026-02-28', recurring => true)$$,
  '01+0:3/3 01+1:3/1 02+0:2/2'),
 -- recurring by signup, retained on reports: period 0 is not 100 %
 ('cohort_retention, recurring, start_feature',
  $$SELECT string_agg(format('%s+%s:%s/%s', to_char(cohort, 'MM'), period, cohort_users, retained_users), ' '
                      ORDER BY cohort, period)
      FROM hand, cohort_retention(act, 'month', 3, '2026-02-28', 'reports', 'signup', true)$$,
  '01+0:2/2 01+1:2/1 02+0:1/0'),
 -- quarters: u5 in 2025-Q4, back in 2026-Q1; the others start in 2026-Q1
 ('cohort_retention, quarters',
  $$SELECT string_agg(format('%s+%s:%s/%s', cohort, period, cohort_users, retained_users), ' '
                      ORDER BY cohort, period)
      FROM hand, cohort_retention(act, 'quarter', 2, '2026-03-31')$$,
  '2025-10-01+0:1/1 2025-10-01+1:1/1 2026-01-01+0:4/4'),
 ('lifecycle, quarters',
  $$SELECT string_agg(format('%s:%s/%s/%s/%s', period_start, new_users, returning_users, resurrecting_users,
                             dormant_users), ' ' ORDER BY period_start)
      FROM hand, lifecycle(act, 'quarter', 3, '2026-03-31')$$,
  '2025-07-01:0/0/0/0 2025-10-01:1/0/0/0 2026-01-01:4/1/0/0'),
 -- Saturday weeks up to Fri 01-23: u1 01-03 and 01-17 weeks, u2 01-03
 -- and 01-10, u3 01-10
 ('lifecycle, saturday weeks',
  $$SELECT string_agg(format('%s:%s/%s/%s/%s', to_char(period_start, 'MM-DD'), new_users, returning_users,
                             resurrecting_users, dormant_users), ' ' ORDER BY period_start)
      FROM hand, lifecycle(act, 'week', 4, '2026-01-24', week_start => 'saturday')$$,
  '12-27:0/0/0/0 01-03:2/0/0/0 01-10:1/1/0/1 01-17:0/0/1/2'),
 -- ISO weeks up to Sun 01-18: u2 12-29 and 01-12, u1 and u3 01-05
 ('lifecycle, monday weeks',
  $$SELECT string_agg(format('%s:%s/%s/%s/%s', to_char(period_start, 'MM-DD'), new_users, returning_users,
                             resurrecting_users, dormant_users), ' ' ORDER BY period_start)
      FROM hand, lifecycle(act, 'week', 4, '2026-01-24')$$,
  '12-22:0/0/0/0 12-29:1/0/0/0 01-05:2/0/0/1 01-12:0/0/1/2'),
 -- a NULL week_start or recurring, like a NULL period: no rows
 ('cohort_retention, NULL week_start',
  $$SELECT count(*)::text FROM hand, cohort_retention(act, as_of => '2026-02-28', week_start => NULL)$$, '0'),
 ('cohort_retention, NULL recurring',
  $$SELECT count(*)::text FROM hand, cohort_retention(act, as_of => '2026-02-28', recurring => NULL)$$, '0'),
 ('lifecycle, NULL week_start',
  $$SELECT count(*)::text FROM hand, lifecycle(act, as_of => '2026-02-28', week_start => NULL)$$, '0'),
 -- ... before the other arguments are checked
 ('cohort_retention, NULL week_start first',
  $$SELECT count(*)::text FROM hand, cohort_retention(act, 'year', as_of => '2026-02-28', week_start => NULL)$$, '0'),
 ('lifecycle, NULL week_start first',
  $$SELECT count(*)::text FROM hand, lifecycle(act, 'year', 0, '2026-02-28', week_start => NULL)$$, '0');

DO $$
DECLARE
    r   record;
    got text;
BEGIN
    FOR r IN SELECT * FROM hand_cases LOOP
        EXECUTE r.query INTO got;
        INSERT INTO results VALUES ('hand-checked: ' || r.what, NULL, r.query, got, r.want,
                                    got IS NOT DISTINCT FROM r.want, true);
    END LOOP;
END $$;

-- ------------------------------------------------------------------
-- Invalid arguments: SQLSTATE 22023, a message naming the argument
-- ------------------------------------------------------------------
CREATE TEMP TABLE bad_args (arg text, query text);
INSERT INTO bad_args VALUES
    ('week_start', $$SELECT * FROM cohort_retention(%s, 'week', as_of => '2026-06-30', week_start => 'mon')$$),
    ('week_start', $$SELECT * FROM cohort_retention(%s, 'week', as_of => '2026-06-30', week_start => '')$$),
    ('week_start', $$SELECT * FROM cohort_retention(%s, 'week', as_of => '2026-06-30', week_start => ' monday')$$),
    ('week_start', $$SELECT * FROM cohort_retention(%s, 'week', as_of => '2026-06-30', week_start => 'mondays')$$),
    ('week_start', $$SELECT * FROM cohort_retention(%s, 'week', as_of => '2026-06-30', week_start => '1')$$),
    ('week_start', $$SELECT * FROM cohort_retention(%s, 'month', as_of => '2026-06-30', week_start => 'lundi')$$),
    ('week_start', $$SELECT * FROM lifecycle(%s, 'week', as_of => '2026-06-30', week_start => 'sun')$$),
    ('week_start', $$SELECT * FROM lifecycle(%s, 'quarter', as_of => '2026-06-30', week_start => 'weekday')$$),
    ('period', $$SELECT * FROM cohort_retention(%s, 'year', as_of => '2026-06-30', week_start => 'sunday')$$),
    ('period', $$SELECT * FROM cohort_retention(%s, 'quarters', as_of => '2026-06-30')$$),
    ('period', $$SELECT * FROM cohort_retention(%s, 'quarterly', as_of => '2026-06-30', recurring => true)$$),
    ('period', $$SELECT * FROM lifecycle(%s, 'year', as_of => '2026-06-30')$$),
    ('period', $$SELECT * FROM lifecycle(%s, 'q', as_of => '2026-06-30', week_start => 'friday')$$),
    ('periods', $$SELECT * FROM cohort_retention(%s, 'quarter', 0, '2026-06-30', start_feature => 'reports')$$),
    ('periods', $$SELECT * FROM lifecycle(%s, 'quarter', -1, '2026-06-30')$$),
    ('days', $$SELECT * FROM retention(%s, '{-1}', as_of => '2026-06-30', start_feature => 'reports')$$),
    ('width', $$SELECT * FROM retention(%s, width => 0, as_of => '2026-06-30', start_feature => 'reports')$$),
    ('day', $$SELECT retention_rate(%s, -1, as_of => '2026-06-30', start_feature => 'reports')$$),
    ('width', $$SELECT retention_rate(%s, 1, 0, '2026-06-30', start_feature => 'reports')$$);

SELECT pg_temp.check_invalid_args('bad_args', (SELECT act FROM summaries WHERE act IS NOT NULL
                                                 ORDER BY account_id LIMIT 1),
                                  message_like => ' must be %');

-- ------------------------------------------------------------------
-- Verdict
-- ------------------------------------------------------------------
-- every comparison equal; every function compared, with non-trivial values
SELECT pg_temp.check_results('retention start',
    ARRAY['retention', 'retention_rate', 'cohort_retention', 'lifecycle',
          'retention, start_feature = feature', 'parallel = serial',
          'product-wide = sum of accounts']);

-- the cases that make each definition bite
SELECT pg_temp.check_exercised('retention start', $$VALUES
    ('retention, a start feature other than the feature, a rate in (0, 1)',
     EXISTS (SELECT FROM o_ret o JOIN ret_params p USING (pid)
              WHERE p.sfid IS NOT NULL AND p.sfid <> p.fid AND p.fid > 0 AND o.rate > 0 AND o.rate < 1)),
    ('retention, a start feature, any activity, a rate in (0, 1)',
     EXISTS (SELECT FROM o_ret o JOIN ret_params p USING (pid)
              WHERE p.sfid > 0 AND p.fid = 0 AND o.rate > 0 AND o.rate < 1)),
    ('retention, a start feature, cohort bounds that cut the cohort',
     EXISTS (SELECT FROM o_ret o JOIN ret_params p USING (pid)
              WHERE p.sfid > 0 AND p.cohort_from IS NOT NULL AND o.retained_users > 0
                AND o.cohort_users < (SELECT q.cohort_users FROM o_ret q JOIN ret_params pp USING (pid)
                                       WHERE pp.sid = p.sid AND pp.fid = p.fid AND pp.sfid = p.sfid
                                         AND pp.cohort_from IS NULL AND pp.cohort_to IS NULL
                                         AND q.account_id = o.account_id AND q.as_of = o.as_of
                                         AND q.ord = o.ord))),
    ('retention, a start feature, day 0 below 1',
     EXISTS (SELECT FROM o_ret o JOIN ret_params p USING (pid)
              WHERE p.sfid > 0 AND p.fid > 0 AND o.day = 0 AND o.rate < 1)),
    ('retention, 0 < eligible < cohort with a start feature',
     EXISTS (SELECT FROM o_ret o JOIN ret_params p USING (pid)
              WHERE p.sfid > 0 AND o.eligible_users > 0 AND o.eligible_users < o.cohort_users)),
    ('cohort_retention, a start feature, period 0 below 100 %',
     EXISTS (SELECT FROM o_cr JOIN cr_params c USING (cid)
              WHERE c.sfid > 0 AND o_cr.period = 0 AND retained_users < cohort_users AND retained_users > 0)),
    ('cohort_retention, recurring cohorts larger than first-time ones',
     EXISTS (SELECT FROM o_cr a JOIN cr_params ca USING (cid)
               JOIN cr_params cb ON cb.spec = ca.spec AND cb.default_week = ca.default_week
                                AND cb.periods = ca.periods AND cb.fid = ca.fid
                                AND cb.sfid IS NOT DISTINCT FROM ca.sfid AND NOT cb.recurring
               JOIN o_cr b ON b.cid = cb.cid AND b.account_id = a.account_id AND b.as_of = a.as_of
                          AND b.cohort = a.cohort AND b.period = a.period
              WHERE ca.recurring AND a.cohort_users > b.cohort_users AND a.period > 0
                AND a.retained_users > 0)),
    ('cohort_retention, recurring, a cohort of returning users only',
     EXISTS (SELECT FROM o_cr a JOIN cr_params ca USING (cid)
              WHERE ca.recurring AND a.period = 0
                AND NOT EXISTS (SELECT FROM o_cr b JOIN cr_params cb USING (cid)
                                 WHERE cb.spec = ca.spec AND cb.default_week = ca.default_week
                                   AND cb.periods = ca.periods AND cb.fid = ca.fid
                                   AND cb.sfid IS NOT DISTINCT FROM ca.sfid AND NOT cb.recurring
                                   AND b.account_id = a.account_id AND b.as_of = a.as_of
                                   AND b.cohort = a.cohort))),
    ('cohort_retention, quarters, k > 0 retained',
     EXISTS (SELECT FROM o_cr JOIN cr_params c USING (cid)
              WHERE c.spec = 10 AND o_cr.period > 0 AND retained_users > 0)),
    ('cohort_retention, every week start with retained users at k > 0',
     (SELECT count(DISTINCT c.spec) FROM o_cr JOIN cr_params c USING (cid) JOIN specs s USING (spec)
       WHERE s.kind = 'week' AND o_cr.period > 0 AND retained_users > 0) = 7),
    -- (the counts, not the dates, differ)
    ('cohort_retention, week starts give different triangles',
     (SELECT count(DISTINCT x.t) FROM (SELECT c.spec, string_agg(row(o.account_id, o.as_of, o.period, o.cohort_users, o.retained_users)::text, ';'
                                                         ORDER BY o.account_id, o.as_of, o.cohort, o.period) AS t
                                       FROM o_cr o JOIN cr_params c USING (cid)
                                      WHERE c.fid = 0 AND c.sfid IS NULL AND NOT c.recurring AND c.periods = 10
                                      GROUP BY c.spec) x) = 7),
    ('lifecycle, quarters with returning, resurrecting and dormant users',
     EXISTS (SELECT FROM o_lc JOIN lc_params l USING (lid) WHERE l.spec = 10 AND returning_users > 0)
     AND EXISTS (SELECT FROM o_lc JOIN lc_params l USING (lid) WHERE l.spec = 10 AND resurrecting_users > 0)
     AND EXISTS (SELECT FROM o_lc JOIN lc_params l USING (lid) WHERE l.spec = 10 AND dormant_users > 0)),
    ('lifecycle, week starts give different rows',
     (SELECT count(DISTINCT x.t) FROM (SELECT l.spec, string_agg(row(o.account_id, o.as_of, o.ord, o.new_users, o.returning_users,
                                                             o.resurrecting_users, o.dormant_users)::text, ';'
                                                         ORDER BY o.account_id, o.as_of, o.ord) AS t
                                       FROM o_lc o JOIN lc_params l USING (lid) JOIN specs s USING (spec)
                                      WHERE l.fid = 0 AND NOT l.default_week AND s.kind = 'week'
                                      GROUP BY l.spec) x) = 7),
    ('lifecycle, every week start with resurrecting users',
     (SELECT count(DISTINCT l.spec) FROM o_lc JOIN lc_params l USING (lid) JOIN specs s USING (spec)
       WHERE s.kind = 'week' AND resurrecting_users > 0) = 7)
$$);

SELECT * FROM pg_temp.results_summary();
