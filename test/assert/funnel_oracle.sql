--
-- funnel_oracle: funnel and time_to_first_use against independent
-- plain-SQL formulations of their definitions (doc/reference.md, "Funnels
-- and activation"; PL/pgSQL with exact numeric fractions for the
-- Kaplan-Meier estimate), on the generated data set; then hand-checked
-- edge cases, NULL and invalid arguments, and parallel plans.
--
-- Expects the tables of data/generate.sql (accounts, users, events) in the
-- current database and the extension installed.  Raises an exception that
-- names the function, the account and the arguments on any mismatch.
\ir lib/common.sql
SET TimeZone = 'UTC';

-- ------------------------------------------------------------------
-- The oracle's view of the data: distinct (account, user, feature, day),
-- and the accounts with at least one (lib/common.sql)
-- ------------------------------------------------------------------
SELECT pg_temp.create_triples();
CREATE INDEX ON triples (account_id, user_id, feature, day);
CREATE INDEX ON triples (feature, day);

-- the summaries, one per account (lib/common.sql)
SELECT pg_temp.create_summaries();

-- features by popularity: f[1] the most used
CREATE TEMP TABLE feats AS
SELECT array_agg(feature ORDER BY n DESC, feature) AS f
FROM (SELECT feature, count(*) AS n FROM triples WHERE feature IS NOT NULL GROUP BY 1) x;

DO $$
BEGIN
    IF (SELECT cardinality(f) FROM feats) < 5 THEN
        RAISE EXCEPTION 'generated data has fewer than 5 features';
    END IF;
END $$;

-- reference days: before all data, the middle, the end of a month, the end
-- of the generated data
CREATE TEMP TABLE as_ofs AS
SELECT DISTINCT v.as_of
FROM (SELECT min(day) AS lo FROM triples) b,
     LATERAL (VALUES (lo - 1), (lo + (date '2026-06-30' - lo) / 2),
                     (date '2026-03-31'), (date '2026-06-30')) v(as_of);

-- the table of all comparisons (pg_temp.same and pg_temp.lit, the
-- comparison helpers: lib/common.sql)
SELECT pg_temp.create_results(variant => false);

-- ------------------------------------------------------------------
-- funnel(act, steps, within, as_of, cohort_from, cohort_to)
--   entry(u)  the first day <= as_of on which u used steps[1]; only users
--             whose entry lies in [cohort_from, cohort_to] (NULL: open)
--   eligible  entry + within - 1 <= as_of
--   d1 = entry; dk = the first day >= d(k-1) on which u used steps[k],
--             if dk <= entry + within - 1; else u stops at step k - 1
--   per step: eligible, reached, reached / eligible, and
--             percentile_disc(0.5) of dk - entry over those who reached it
-- ------------------------------------------------------------------
CREATE TEMP TABLE step_sets (sid int, steps text[]);
INSERT INTO step_sets
SELECT v.sid, v.steps
FROM feats, LATERAL (VALUES
    (1, ARRAY[f[1]]),
    (2, ARRAY[f[1], f[2]]),
    (3, ARRAY[f[2], f[1]]),
    (4, ARRAY[f[1], f[2], f[3]]),
    (5, ARRAY[f[1], f[1], f[2]]),               -- a repeated step: the same day
    (6, ARRAY[f[1], f[2], f[1], f[3]]),         -- a feature again, later
    (7, ARRAY[f[1], f[2], f[3], f[4], f[5]]),
    (8, ARRAY[f[1], 'no such feature', f[2]]),  -- a step nobody reaches
    (9, ARRAY['no such feature', f[1]]),        -- nobody enters
    (10, ARRAY[f[3], f[5], f[5], f[2]])) v(sid, steps);

CREATE TEMP TABLE fparams (pid serial, sid int, within int, as_of date,
                           cohort_from date, cohort_to date);
INSERT INTO fparams (sid, within, as_of, cohort_from, cohort_to)
SELECT s.sid, w.within, x.as_of, NULL::date, NULL::date
FROM step_sets s CROSS JOIN (VALUES (1), (7), (30), (90)) w(within) CROSS JOIN as_ofs x
UNION ALL
SELECT s.sid, 30, date '2026-06-30', c.cf, c.ct
FROM step_sets s
CROSS JOIN (VALUES (date '2025-03-01', date '2025-09-30'), (NULL, date '2025-06-30'),
                   (date '2026-01-01', NULL), (date '2026-06-15', date '2026-06-15')) c(cf, ct);

CREATE TEMP TABLE o_entry AS
SELECT p.pid, t.account_id, t.user_id, min(t.day) AS entry
FROM fparams p JOIN step_sets s USING (sid)
JOIN triples t ON t.feature = s.steps[1] AND t.day <= p.as_of
GROUP BY 1, 2, 3;
DELETE FROM o_entry e USING fparams p
 WHERE p.pid = e.pid AND (e.entry < p.cohort_from OR e.entry > p.cohort_to
                          OR e.entry + p.within - 1 > p.as_of);
ANALYZE o_entry;

CREATE TEMP TABLE o_reach AS
WITH RECURSIVE reach AS (
    SELECT e.pid, e.account_id, e.user_id, e.entry, 1 AS k, e.entry AS d
    FROM o_entry e
    UNION ALL
    SELECT r.pid, r.account_id, r.user_id, r.entry, r.k + 1, n.d
    FROM reach r
    JOIN fparams p USING (pid)
    JOIN step_sets s USING (sid),
    LATERAL (SELECT min(t.day) AS d FROM triples t
              WHERE t.account_id = r.account_id AND t.user_id = r.user_id
                AND t.feature = s.steps[r.k + 1]
                AND t.day >= r.d AND t.day <= r.entry + p.within - 1) n
    WHERE r.k < cardinality(s.steps) AND n.d IS NOT NULL)
SELECT * FROM reach;

CREATE TEMP TABLE o_eligible AS
SELECT pid, account_id, count(*) AS eligible FROM o_entry GROUP BY 1, 2;

CREATE TEMP TABLE o_funnel AS
SELECT p.pid, a.account_id, k.k AS step, s.steps[k.k] AS feature,
       coalesce(min(n.eligible), 0) AS eligible,
       count(r.user_id) AS reached,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY r.d - r.entry) AS median
FROM fparams p JOIN step_sets s USING (sid)
CROSS JOIN accts a
CROSS JOIN LATERAL generate_series(1, cardinality(s.steps)) k(k)
LEFT JOIN o_eligible n ON n.pid = p.pid AND n.account_id = a.account_id
LEFT JOIN o_reach r ON r.pid = p.pid AND r.account_id = a.account_id AND r.k = k.k
GROUP BY p.pid, a.account_id, k.k, s.steps;

CREATE TEMP TABLE g_funnel AS
SELECT p.pid, m.account_id, f.*
FROM fparams p JOIN step_sets s USING (sid)
CROSS JOIN summaries m,
LATERAL funnel(m.act, s.steps, p.within, p.as_of, p.cohort_from, p.cohort_to) f;

INSERT INTO results
SELECT 'funnel', o.account_id,
       format('steps => %s, within => %s, as_of => %s, cohort_from => %s, cohort_to => %s',
              pg_temp.lit(s.steps), p.within, pg_temp.lit(p.as_of),
              pg_temp.lit(p.cohort_from), pg_temp.lit(p.cohort_to)),
       row(g.step, g.feature, g.eligible_users, g.reached_users, g.rate, g.median_days)::text,
       row(o.step, o.feature, o.eligible, o.reached,
           o.reached::float8 / nullif(o.eligible, 0), o.median)::text,
       g.step IS NOT DISTINCT FROM o.step AND g.feature IS NOT DISTINCT FROM o.feature
       AND g.eligible_users IS NOT DISTINCT FROM o.eligible
       AND g.reached_users IS NOT DISTINCT FROM o.reached
       AND pg_temp.same(g.rate, o.reached::float8 / nullif(o.eligible, 0))
       AND pg_temp.same(g.median_days, o.median),
       o.reached > 0
FROM o_funnel o
JOIN fparams p USING (pid)
JOIN step_sets s USING (sid)
LEFT JOIN g_funnel g ON g.pid = o.pid AND g.account_id = o.account_id AND g.step = o.step;

INSERT INTO results
SELECT 'funnel rows', NULL, 'every call', (SELECT count(*) FROM g_funnel)::text,
       (SELECT count(*) FROM o_funnel)::text,
       (SELECT count(*) FROM g_funnel) = (SELECT count(*) FROM o_funnel), true;

-- one row per step, in order, and no more
INSERT INTO results
SELECT 'funnel rows', m.account_id, format('steps => %s', pg_temp.lit(s.steps)),
       g.steps::text, s.steps::text, g.steps = s.steps AND g.ordered, true
FROM summaries m CROSS JOIN step_sets s,
     LATERAL (SELECT array_agg(f.feature ORDER BY ord) AS steps, bool_and(f.step = ord) AS ordered
                FROM funnel(m.act, s.steps, as_of => '2026-06-30') WITH ORDINALITY f(step, feature, e, r, rate, md, ord)) g
WHERE m.act IS NOT NULL;

-- ------------------------------------------------------------------
-- time_to_first_use(act, feature, as_of, start_feature)
--   start(u)  the first day <= as_of on which u was active (any activity),
--             or used start_feature when given; users = those with a start
--   T(u)      the first day d with start <= d <= as_of on which u used
--             feature (any activity when NULL) - start: an event; else
--             censored at as_of - start
--   Kaplan-Meier: at each event time t, S *= (r_t - d_t) / r_t, exactly;
--   the p-quantile is the smallest event time with S <= 1 - p, or, where
--   S equals 1 - p exactly, the midpoint of that time and the next event
--   time (the largest observed time when none follows)
-- ------------------------------------------------------------------
-- (pg_temp.kaplan_meier: lib/common.sql)

CREATE TEMP TABLE tparams (tid serial, feature text, start_feature text, as_of date);
INSERT INTO tparams (feature, start_feature, as_of)
SELECT fe.x, st.x, a.as_of
FROM feats,
     LATERAL (VALUES (f[1]), (f[2]), (f[5]), ('no such feature'), (NULL)) fe(x),
     LATERAL (VALUES (NULL), (f[1]), (f[3]), ('no such feature')) st(x),
     as_ofs a;

CREATE TEMP TABLE o_tfu_user AS
SELECT p.tid, s.account_id, s.user_id, s.start,
       coalesce(u.first - s.start, p.as_of - s.start) AS t, u.first IS NOT NULL AS reached
FROM tparams p
JOIN LATERAL (SELECT t.account_id, t.user_id, min(t.day) AS start FROM triples t
               WHERE t.day <= p.as_of
                 AND (p.start_feature IS NULL OR t.feature = p.start_feature)
               GROUP BY 1, 2) s ON true,
LATERAL (SELECT min(t.day) AS first FROM triples t
          WHERE t.account_id = s.account_id AND t.user_id = s.user_id
            AND (p.feature IS NULL OR t.feature = p.feature)
            AND t.day >= s.start AND t.day <= p.as_of) u;

CREATE TEMP TABLE o_tfu AS
SELECT p.tid, a.account_id, count(u.user_id) AS users,
       count(u.user_id) FILTER (WHERE u.reached) AS reached,
       (pg_temp.kaplan_meier(array_agg(u.t) FILTER (WHERE u.user_id IS NOT NULL),
                             array_agg(u.reached) FILTER (WHERE u.user_id IS NOT NULL))).*
FROM tparams p CROSS JOIN accts a
LEFT JOIN o_tfu_user u ON u.tid = p.tid AND u.account_id = a.account_id
GROUP BY 1, 2;

INSERT INTO results
SELECT 'time_to_first_use', o.account_id,
       format('feature => %s, as_of => %s, start_feature => %s',
              pg_temp.lit(p.feature), pg_temp.lit(p.as_of), pg_temp.lit(p.start_feature)),
       row(g.users, g.reached, g.median_days, g.p90_days)::text,
       row(o.users, o.reached, o.median, o.p90)::text,
       g.users IS NOT DISTINCT FROM o.users AND g.reached IS NOT DISTINCT FROM o.reached
       AND pg_temp.same(g.median_days, o.median) AND pg_temp.same(g.p90_days, o.p90),
       o.median IS NOT NULL
FROM o_tfu o
JOIN tparams p USING (tid)
JOIN summaries s USING (account_id),
LATERAL time_to_first_use(s.act, p.feature, p.as_of, p.start_feature) g;

-- ------------------------------------------------------------------
-- Hand-checked cases, as_of 2026-01-31:
--   user  days (features)
--   1     01-01 signup, setup; 01-03 invite; 01-10 report
--   2     01-02 signup; 01-04 invite; 01-05 setup; 01-06 report
--   3     01-05 signup
--   4     01-02 setup; 01-06 signup (setup only before signing up)
--   5     01-28 signup
-- ------------------------------------------------------------------
CREATE TEMP TABLE h_rows (user_id int, feature text, day date);
INSERT INTO h_rows VALUES
    (1, 'signup', '2026-01-01'), (1, 'setup', '2026-01-01'), (1, 'invite', '2026-01-03'),
    (1, 'report', '2026-01-10'),
    (2, 'signup', '2026-01-02'), (2, 'invite', '2026-01-04'), (2, 'setup', '2026-01-05'),
    (2, 'report', '2026-01-06'),
    (3, 'signup', '2026-01-05'),
    (4, 'setup', '2026-01-02'), (4, 'signup', '2026-01-06'),
    (5, 'signup', '2026-01-28');
CREATE TEMP TABLE h AS SELECT activity_agg(user_id, day, feature) AS act FROM h_rows;

CREATE TEMP TABLE h_funnel (name text, steps text[], within int, as_of date,
                            cohort_from date, cohort_to date, want text);
INSERT INTO h_funnel VALUES
    -- within 7: 5 is too young (01-28 + 6 > 01-31); setup: 1 the same day
    -- (0), 2 after 3 days, 4 only before entering; invite: 1 after 2 days,
    -- 2 only before setup; report: 1 on 01-10, past 01-07: never reached
    ('a step never reached', '{signup,setup,invite,report}', 7, '2026-01-31', NULL, NULL,
     '(1,signup,4,4,1,0) (2,setup,4,2,0.5,0) (3,invite,4,1,0.25,2) (4,report,4,0,0,)'),
    -- within 30: only entries up to 01-02 are observed whole (1 and 2);
    -- 1 reaches report 9 days after entering
    ('a 30-day window', '{signup,setup,invite,report}', 30, '2026-01-31', NULL, NULL,
     '(1,signup,2,2,1,0) (2,setup,2,2,1,0) (3,invite,2,1,0.5,2) (4,report,2,1,0.5,9)'),
    -- as_of 01-10 with 30 days: nobody's window has been observed whole
    ('all users too young', '{signup,setup,invite,report}', 30, '2026-01-10', NULL, NULL,
     '(1,signup,0,0,,) (2,setup,0,0,,) (3,invite,0,0,,) (4,report,0,0,,)'),
    -- within 1: the entry day only; every entry is observed; 1 sets up
    -- the same day
    ('a one-day window', '{signup,setup,invite,report}', 1, '2026-01-31', NULL, NULL,
     '(1,signup,5,5,1,0) (2,setup,5,1,0.2,0) (3,invite,5,0,0,) (4,report,5,0,0,)'),
    ('a first step nobody used', '{trial,signup}', 7, '2026-01-31', NULL, NULL,
     '(1,trial,0,0,,) (2,signup,0,0,,)'),
    -- a repeated step is reached on the same day
    ('a repeated step', '{signup,signup,setup}', 7, '2026-01-31', NULL, NULL,
     '(1,signup,4,4,1,0) (2,signup,4,4,1,0) (3,setup,4,2,0.5,0)'),
    -- entries 01-02 .. 01-05: users 2 and 3
    ('cohort bounds', '{signup,setup,invite,report}', 7, '2026-01-31', '2026-01-02', '2026-01-05',
     '(1,signup,2,2,1,0) (2,setup,2,1,0.5,3) (3,invite,2,0,0,) (4,report,2,0,0,)'),
    ('one step', '{setup}', 7, '2026-01-31', NULL, NULL, '(1,setup,3,3,1,0)');

INSERT INTO results
SELECT 'funnel, hand-checked: ' || c.name, NULL, pg_temp.lit(c.steps), g.got, c.want,
       g.got IS NOT DISTINCT FROM c.want, true
FROM h_funnel c, h,
     LATERAL (SELECT string_agg(f::text, ' ' ORDER BY f.step) AS got
                FROM funnel(h.act, c.steps, c.within, c.as_of, c.cohort_from, c.cohort_to) f) g;

-- time_to_first_use, as_of 01-31:
--   report from the first active day: starts 1: 01-01, 2: 01-02, 3: 01-05,
--     4: 01-02, 5: 01-28; times e9, e4, c26, c29, c3.  t 4: S = 3/4; t 9:
--     S = 3/4 * 2/3 = 1/2 exactly, no event follows: median (9 + 29) / 2
--   report from setup: starts 1: 01-01, 2: 01-05, 4: 01-02; e9, e1, c29:
--     t 1: S = 2/3; t 9: S = 1/3: median 9
--   setup from invite: 1 (01-03) never sets up again: c28; 2 (01-04) sets
--     up 01-05: e1; t 1: S = 1/2 exactly: median (1 + 28) / 2
CREATE TEMP TABLE h_tfu (name text, feature text, start_feature text, want text);
INSERT INTO h_tfu VALUES
    ('from the first active day', 'report', NULL, '(5,2,19,)'),
    ('from a start feature', 'report', 'setup', '(3,2,9,)'),
    ('a flat end at 0.5', 'setup', 'invite', '(2,1,14.5,)'),
    ('a start feature nobody used', 'report', 'trial', '(0,0,,)'),
    ('a feature nobody used', 'trial', NULL, '(5,0,,)'),
    ('any activity', NULL, 'setup', '(3,3,0,0)');

INSERT INTO results
SELECT 'time_to_first_use, hand-checked: ' || c.name, NULL,
       format('%s, %s', pg_temp.lit(c.feature), pg_temp.lit(c.start_feature)),
       t::text, c.want, t::text IS NOT DISTINCT FROM c.want, true
FROM h_tfu c, h, LATERAL time_to_first_use(h.act, c.feature, '2026-01-31', c.start_feature) t;

-- ------------------------------------------------------------------
-- NULL arguments: no rows (funnel) or NULL (time_to_first_use)
-- ------------------------------------------------------------------
INSERT INTO results
SELECT 'NULL argument', NULL, q.query, q.got::text, q.want, q.got::text IS NOT DISTINCT FROM q.want, false
FROM h, LATERAL (VALUES
    ('funnel(NULL, ...)', (SELECT count(*) FROM funnel(NULL::activity, '{signup}', as_of => '2026-01-31'))::text, '0'),
    ('funnel(within => NULL)', (SELECT count(*) FROM funnel(h.act, '{signup}', NULL, '2026-01-31'))::text, '0'),
    ('funnel(as_of => NULL)', (SELECT count(*) FROM funnel(h.act, '{signup}', 7, NULL))::text, '0'),
    ('time_to_first_use(NULL, ...)',
     (time_to_first_use(NULL::activity, 'report', '2026-01-31') IS NULL)::text, 'true'),
    ('time_to_first_use(as_of => NULL)',
     (time_to_first_use(h.act, 'report', NULL) IS NULL)::text, 'true')) q(query, got, want);

-- ------------------------------------------------------------------
-- Invalid arguments: SQLSTATE 22023, the message naming the argument
-- ------------------------------------------------------------------
CREATE TEMP TABLE bad_args (arg text, query text);
INSERT INTO bad_args VALUES
    ('steps', 'SELECT * FROM funnel(%s, NULL, as_of => ''2026-06-30'')'),
    ('steps', 'SELECT * FROM funnel(%s, ''{}'', as_of => ''2026-06-30'')'),
    ('steps', 'SELECT * FROM funnel(%s, ''{signup,NULL}'', as_of => ''2026-06-30'')'),
    ('steps', 'SELECT * FROM funnel(%s, ''{NULL}'', as_of => ''2026-06-30'')'),
    ('steps', 'SELECT * FROM funnel(%s, ''{{a,b},{c,d}}'', as_of => ''2026-06-30'')'),
    ('within', 'SELECT * FROM funnel(%s, ''{signup}'', 0, ''2026-06-30'')'),
    ('within', 'SELECT * FROM funnel(%s, ''{signup}'', -30, ''2026-06-30'')'),
    ('as_of', 'SELECT * FROM funnel(%s, ''{signup}'', 30, ''infinity'')'),
    ('as_of', 'SELECT * FROM time_to_first_use(%s, ''report'', ''-infinity'')');

SELECT pg_temp.check_invalid_args('bad_args', (SELECT act FROM h), message_like => ' %');

-- ------------------------------------------------------------------
-- Parallel plans: the summaries aggregated partially in workers, and the
-- functions run in a worker, give the serial results
-- ------------------------------------------------------------------
CREATE TEMP TABLE par_queries (name text, q text);
INSERT INTO par_queries
SELECT v.name, format(v.q, pg_temp.lit(f[1]), pg_temp.lit(f[2]), pg_temp.lit(f[3]), pg_temp.lit(f[4]))
FROM feats, (VALUES
    ('funnel', $q$SELECT s.account_id, f::text AS val
       FROM (SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act
               FROM events GROUP BY account_id) s,
            funnel(s.act, ARRAY[%1$s, %2$s, %3$s, %4$s], 30, '2026-06-30') f$q$),
    ('time_to_first_use', $q$SELECT s.account_id, t::text AS val
       FROM (SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act
               FROM events GROUP BY account_id) s,
            time_to_first_use(s.act, %2$s, '2026-06-30', %1$s) t$q$)) v(name, q);

CREATE TABLE par_events AS SELECT * FROM events;   -- regular tables, for the workers
ANALYZE par_events;
CREATE TABLE par_summaries AS
SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act FROM par_events GROUP BY account_id;
ANALYZE par_summaries;

-- a CREATE TABLE AS run under EXPLAIN ANALYZE gives the plan that made the
-- table (pg_temp.plan_of: lib/common.sql)
DO $$
DECLARE
    r     record;
    plan  text;
    knob  text := CASE WHEN current_setting('server_version_num')::int >= 160000
                       THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END;
    n     bigint;
    q1    text;
    q2    text;
BEGIN
    PERFORM set_config('parallel_setup_cost', '0', true);
    PERFORM set_config('parallel_tuple_cost', '0', true);
    PERFORM set_config('min_parallel_table_scan_size', '0', true);
    PERFORM set_config('parallel_leader_participation', 'off', true);
    PERFORM set_config('max_parallel_workers', '8', true);
    FOR r IN SELECT * FROM par_queries LOOP
        -- summaries aggregated partially by workers
        q1 := replace(r.q, 'FROM events', 'FROM par_events');
        -- stored summaries, the functions run in a worker
        q2 := regexp_replace(r.q, '\(SELECT account_id, activity_agg.*GROUP BY account_id\)', 'par_summaries');
        PERFORM set_config('max_parallel_workers_per_gather', '0', true);
        EXECUTE format('CREATE TEMP TABLE ser AS %s', q1);
        PERFORM set_config('max_parallel_workers_per_gather', '2', true);
        plan := pg_temp.plan_of(format('CREATE TABLE par1 AS %s', q1), run => true);
        INSERT INTO results VALUES ('parallel: ' || r.name, NULL, 'plan with partial aggregation',
                                    plan, 'Partial Aggregate, workers launched',
                                    plan ~ 'Partial (Hash|Group)?Aggregate' AND plan ~ 'Workers Launched: [1-9]', true);
        PERFORM set_config(knob, 'on', true);
        plan := pg_temp.plan_of(format('CREATE TABLE par2 AS %s', q2), run => true);
        PERFORM set_config(knob, 'off', true);
        INSERT INTO results VALUES ('parallel: ' || r.name, NULL, 'plan with ' || knob,
                                    plan, 'workers launched', plan ~ 'Workers Launched: [1-9]', true);
        SELECT count(*) INTO n FROM ((TABLE ser EXCEPT ALL TABLE par1) UNION ALL (TABLE par1 EXCEPT ALL TABLE ser)) d;
        INSERT INTO results VALUES ('parallel: ' || r.name, NULL, 'partial aggregation vs serial',
                                    n || ' differing rows', '0', n = 0, true);
        SELECT count(*) INTO n FROM ((TABLE ser EXCEPT ALL TABLE par2) UNION ALL (TABLE par2 EXCEPT ALL TABLE ser)) d;
        INSERT INTO results VALUES ('parallel: ' || r.name, NULL, knob || ' vs serial',
                                    n || ' differing rows', '0', n = 0, true);
        SELECT count(*) INTO n FROM ser;
        INSERT INTO results VALUES ('parallel: ' || r.name, NULL, 'rows', n::text, '> 0', n > 0, true);
        DROP TABLE ser;
        DROP TABLE par1;
        DROP TABLE par2;
    END LOOP;
END $$;

-- ------------------------------------------------------------------
-- Verdict
-- ------------------------------------------------------------------
-- every comparison equal; every function compared, with non-trivial values
-- (how many: the floors below)
SELECT pg_temp.check_results('funnel', ARRAY['funnel', 'time_to_first_use']);

-- the cases that make each definition bite
SELECT pg_temp.check_exercised('funnel', $$VALUES
    ('funnel, non-trivial comparisons',
     (SELECT count(*) FROM results WHERE fn = 'funnel' AND nontrivial) > 100),
    ('funnel, 5 steps with the 5th reached',
     EXISTS (SELECT FROM o_funnel WHERE step = 5 AND reached > 0)),
    ('funnel, a later step reached by some, not all',
     EXISTS (SELECT FROM o_funnel WHERE step > 1 AND reached > 0 AND reached < eligible)),
    ('funnel, a later step reached on the entry day by most',
     EXISTS (SELECT FROM o_funnel o JOIN fparams p USING (pid) JOIN step_sets s USING (sid)
              WHERE o.step = 2 AND s.steps[1] <> s.steps[2] AND o.median = 0)),
    ('funnel, a median above 0',
     EXISTS (SELECT FROM o_funnel WHERE median > 0)),
    ('funnel, an even count of reached users',
     EXISTS (SELECT FROM o_funnel WHERE reached > 0 AND reached % 2 = 0 AND step > 1 AND median > 0)),
    ('funnel, users entered but too young',
     EXISTS (SELECT FROM fparams p JOIN step_sets s USING (sid)
              WHERE p.within = 90 AND EXISTS (
                  SELECT FROM triples t WHERE t.feature = s.steps[1]
                     AND t.day <= p.as_of AND t.day > p.as_of - 89))),
    ('funnel, cohort bounds that cut the cohort',
     EXISTS (SELECT FROM o_funnel o JOIN fparams p USING (pid)
              WHERE p.cohort_from IS NOT NULL AND p.cohort_to IS NOT NULL AND o.eligible > 0)),
    ('time_to_first_use, non-trivial comparisons',
     (SELECT count(*) FROM results WHERE fn = 'time_to_first_use' AND nontrivial) > 20),
    ('time_to_first_use, censored users and a median',
     EXISTS (SELECT FROM o_tfu WHERE reached > 0 AND reached < users AND median IS NOT NULL)),
    ('time_to_first_use, a p90',
     EXISTS (SELECT FROM o_tfu WHERE p90 > 0)),
    ('time_to_first_use, a midpoint',
     EXISTS (SELECT FROM o_tfu WHERE median <> floor(median) OR p90 <> floor(p90))),
    ('time_to_first_use, with a start feature',
     EXISTS (SELECT FROM o_tfu JOIN tparams p USING (tid)
              WHERE p.start_feature <> 'no such feature' AND median > 0)),
    ('time_to_first_use, a feature used before the start only',
     EXISTS (SELECT FROM o_tfu_user u JOIN tparams p USING (tid)
              WHERE p.start_feature IS NOT NULL AND NOT u.reached
                AND EXISTS (SELECT FROM triples t WHERE t.account_id = u.account_id
                               AND t.user_id = u.user_id AND t.feature = p.feature
                               AND t.day < u.start)))
$$);

DROP TABLE par_events;
DROP TABLE par_summaries;

SELECT split_part(fn, ':', 1) AS fn, count(*) AS comparisons, count(*) FILTER (WHERE nontrivial) AS nontrivial
FROM results GROUP BY 1 ORDER BY 1;
