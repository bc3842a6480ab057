--
-- retention: retention, retention_rate, feature_retention,
-- cohort_retention, lifecycle, time_to_feature, usage_trend, dormant_users
-- and abandonment_rate on tiny, hand-checked data sets.
--
-- Every expected number below is derived by hand in the comments.  The
-- days are given as dates, so the session TimeZone plays no part.
SET DateStyle = 'ISO, YMD';

-- ==================================================================
-- Data set A: five users in early 2026, features core, reports, API,
-- alerts and activity without a feature ("-").
-- ==================================================================
CREATE TEMP TABLE a_rows (user_id bigint, feature text, day date);
INSERT INTO a_rows VALUES
    (1, 'core',    '2026-01-01'), (1, 'core', '2026-01-02'), (1, 'reports', '2026-01-08'),
    (1, 'core',    '2026-01-31'), (1, 'core', '2026-03-05'),
    (2, 'core',    '2026-01-01'),                              -- only ever day 0
    (3, 'reports', '2026-01-05'), (3, 'core', '2026-01-06'), (3, 'API', '2026-01-20'),
    (3, NULL,      '2026-02-10'),
    (4, 'core',    '2026-02-20'), (4, 'alerts', '2026-02-20'), -- only after A
    (5, NULL,      '2026-01-10'), (5, 'core', '2026-02-14');
-- Most calls use as_of A = 2026-02-15.  Activity on or before A:
--   user  first day (start)   active days (features)
--   1     01-01               01-01 (core) 01-02 (core) 01-08 (reports) 01-31 (core)
--                             [03-05 (core) is after A: ignored]
--   2     01-01               01-01 (core)
--   3     01-05               01-05 (reports) 01-06 (core) 01-20 (API) 02-10 (-)
--   4     -                   [02-20 (core, alerts) is after A: not in any cohort]
--   5     01-10               01-10 (-) 02-14 (core)
-- Day offsets from the start: 01-01 + 30 = 01-31, 01-01 + 36 = 02-06,
-- 01-01 + 40 = 02-10, 01-05 + 30 = 02-04, 01-05 + 36 = 02-10,
-- 01-05 + 40 = 02-14, 01-10 + 30 = 02-09, 01-10 + 36 = 02-15 (= A),
-- 01-10 + 40 = 02-19 (> A).
CREATE TEMP TABLE a AS SELECT activity_agg(user_id, day, feature) AS act FROM a_rows;

-- ------------------------------------------------------------------
-- retention, width 1 (classic N-day retention), at A.  Cohort: users
-- 1, 2, 3, 5 (start <= A): 4.  Eligible: start + N <= A.
--   N 0:  all 4 eligible; everyone is active on their start      4/4 = 1
--   N 1:  all eligible; active on start + 1: 1 (01-02), 3 (01-06);
--         not 2 (01-02), 5 (01-11)                              2/4 = 0.5
--   N 7:  all eligible; start + 7: 1 (01-08 reports) yes; 2 (01-08),
--         3 (01-12), 5 (01-17) no                               1/4 = 0.25
--   N 30: all eligible (5: 02-09 <= A); start + 30: 1 (01-31) yes; 2
--         (01-31), 3 (02-04), 5 (02-09) no                      1/4 = 0.25
--   N 40: eligible 1 (02-10), 2 (02-10), 3 (02-14); not 5 (02-19 > A);
--         none active that day                                  0/3 = 0
SELECT * FROM retention((SELECT act FROM a), '{0,1,7,30,40}', 1, '2026-02-15');

-- width 7, N 30: bracket [start + 30, start + 36], eligible when
-- start + 36 <= A:
--   1: [01-31, 02-06] eligible, active 01-31                    retained
--   2: [01-31, 02-06] eligible, not active                      not
--   3: [02-04, 02-10] eligible, active 02-10 (no feature)       retained
--   5: [02-09, 02-15] eligible (the bracket ends on A itself), 02-14
--                                                               retained
--   -> cohort 4, eligible 4, retained 3, rate 0.75
-- width NULL (unbounded), eligible when start + N <= A, retained when
-- active on some day in [start + N, A]:
--   N 30: 1 (01-31), 3 (02-10), 5 (02-14); not 2               3/4 = 0.75
--   N 40: eligible 1, 2, 3 (as above); 1's 03-05 is after A and does not
--         count; 3's last day 02-10 < 02-14                     0/3 = 0
SELECT 'width 7' AS width, * FROM retention((SELECT act FROM a), '{30}', 7, '2026-02-15')
UNION ALL
SELECT 'unbounded', * FROM retention((SELECT act FROM a), '{30,40}', NULL, '2026-02-15');

-- The same unbounded N 40 a little later, as_of 2026-03-31: cohort 1, 2,
-- 3, 5 and now 4 (start 02-20) = 5; eligible: start + 40 <= 03-31, so
-- start <= 02-19: 1, 2, 3, 5; retained: 1 (03-05 >= 02-10), 3? no (02-10 <
-- 02-14), 5? no (02-14 < 02-19), 2 no                           1/4 = 0.25
SELECT * FROM retention((SELECT act FROM a), '{40}', NULL, '2026-03-31');

-- The defaults (days {30,60,90}, width 30) at as_of 2026-03-31:
--   cohort 5 (all users).
--   N 30: eligible when start + 59 <= 03-31, i.e. start <= 01-31: 1, 2,
--         3, 5 (4 started 02-20); brackets [start + 30, start + 59]:
--         1 [01-31, 03-01] 01-31 yes; 2 no; 3 [02-04, 03-05] 02-10 yes;
--         5 [02-09, 03-10] 02-14 yes                        3/4 = 0.75
--   N 60: eligible when start + 89 <= 03-31, i.e. start <= 01-01: 1, 2;
--         1 [03-02, 03-31] 03-05 yes; 2 no                    1/2 = 0.5
--   N 90: start + 119 <= 03-31 needs start <= 2025-12-02: nobody eligible,
--         rate NULL
SELECT * FROM retention((SELECT act FROM a), as_of => '2026-03-31');

-- On a feature, both the start and the activity are on that feature.
-- core, at A: starts 1 (01-01), 2 (01-01), 3 (01-06), 5 (02-14): cohort 4
--   N 0: all eligible, all retained                              4/4 = 1
--   N 1: all eligible (5: 02-15 = A); core on start + 1: 1 (01-02) only;
--        3's 01-07 and 5's 02-15 have nothing                    1/4 = 0.25
--   N 7: eligible 1, 2, 3 (5: 02-21 > A); core on start + 7: 1's 01-08 is
--        reports, not core: nobody                               0/3 = 0
-- reports, at A: starts 1 (01-08), 3 (01-05): cohort 2
--   N 0: 2/2 = 1;  N 1: both eligible, no reports on 01-09 or 01-06: 0/2
--   N 7: both eligible (01-15, 01-12), no reports then: 0/2 = 0
-- a feature nobody used: cohort 0, eligible 0, rate NULL on every row
SELECT f AS feature, r.*
FROM unnest(ARRAY['core', 'reports', 'nope']) WITH ORDINALITY u(f, o),
     LATERAL retention((SELECT act FROM a), '{0,1,7}', 1, '2026-02-15', f) r
ORDER BY o;

-- Named arguments and cohort bounds (inclusive; a NULL bound is open):
--   cohort 01-02 .. 01-09: user 3 (start 01-05) only: cohort 1;
--     N 0 1/1; N 1: 3 is active on 01-06                        1/1 = 1
--   cohort .. 01-01: users 1, 2: cohort 2; N 0 2/2, N 1: 1 only   1/2
--   cohort 01-06 ..: user 5 (start 01-10): cohort 1; N 0 1/1; N 1 0/1
--   cohort 01-09 .. 01-02 (empty): cohort 0, rates NULL
SELECT 'from 01-02 to 01-09' AS cohort, *
FROM retention((SELECT act FROM a), days => '{0,1}', width => 1, as_of => '2026-02-15',
               cohort_from => '2026-01-02', cohort_to => '2026-01-09')
UNION ALL
SELECT 'to 01-01', *
FROM retention((SELECT act FROM a), days => '{0,1}', width => 1, as_of => '2026-02-15',
               cohort_to => '2026-01-01')
UNION ALL
SELECT 'from 01-06', *
FROM retention((SELECT act FROM a), days => '{0,1}', width => 1, as_of => '2026-02-15',
               cohort_from => '2026-01-06')
UNION ALL
SELECT 'from 01-09 to 01-02', *
FROM retention((SELECT act FROM a), days => '{0,1}', width => 1, as_of => '2026-02-15',
               cohort_from => '2026-01-09', cohort_to => '2026-01-02');

-- One row per element, in array order, duplicates repeated (N 1 is 2/4
-- and N 0 is 4/4, as above); an empty array gives no rows.
SELECT * FROM retention((SELECT act FROM a), '{1,0,1}', 1, '2026-02-15');
SELECT count(*) AS empty_days FROM retention((SELECT act FROM a), '{}', 1, '2026-02-15');

-- as_of before all data: cohort 0 on every row, rates NULL.
SELECT * FROM retention((SELECT act FROM a), '{0,30}', 1, '2025-12-31');

-- retention_rate is the rate of one checkpoint (no cohort bounds):
--   N 7, width 1       0.25 (above)
--   N 30, width 7      0.75
--   N 40, unbounded    0
--   N 100, width 1     start + 100 > A for everyone: NULL
--   N 1, width 1, core 0.25
--   day NULL           NULL
SELECT retention_rate(act, 7, 1, '2026-02-15')              AS n7_w1,
       retention_rate(act, 30, 7, '2026-02-15')             AS n30_w7,
       retention_rate(act, 40, NULL, '2026-02-15')          AS n40_unbounded,
       retention_rate(act, 100, 1, '2026-02-15')            AS n100_w1,
       retention_rate(act, 1, 1, '2026-02-15', 'core')      AS core_n1_w1,
       retention_rate(act, NULL, 1, '2026-02-15')           AS day_null
FROM a;

-- feature_retention: retention on every feature used on or before as_of,
-- features in byte order ('API' < 'alerts' < 'core' < 'reports': upper
-- case sorts first), rows in the order of days.  At A, days {0,7}, width 1:
--   API:     start 3 (01-20): N 0 1/1; N 7 (01-27 <= A) not used: 0/1
--   core:    as above: N 0 4/4; N 7 0/3
--   reports: as above: N 0 2/2; N 7 0/2
--   alerts is only used after A: no rows; activity without a feature
--   gives no rows.
SELECT * FROM feature_retention((SELECT act FROM a), '{0,7}', 1, '2026-02-15');
-- At 2026-03-31 alerts appears (user 4, start 02-20): N 0 1/1; N 7
-- (02-27) not used: 0/1.  core now has 5 users (4 starts 02-20); N 7:
-- 1, 2, 3, 4, 5 all eligible (5: 02-21), none retained: 0/5.
SELECT feature, day, cohort_users, eligible_users, retained_users, rate
FROM feature_retention((SELECT act FROM a), '{0,7}', 1, '2026-03-31')
WHERE feature IN ('alerts', 'core');

-- ------------------------------------------------------------------
-- time_to_feature at A: users 1, 2, 3, 5 (4 starts after A).
--   first day f0, first days of the distinct features (on or before A):
--   1: f0 01-01; core 01-01, reports 01-08
--   2: f0 01-01; core 01-01
--   3: f0 01-05; reports 01-05, core 01-06, API 01-20
--   5: f0 01-10 (no feature); core 02-14
-- n = 1: times 1: 0, 2: 0, 3: 0, 5: 35 (02-14 - 01-10), all reached.
--        Kaplan-Meier: t 0: S = 1 - 3/4 = 0.25 <= 0.5: median 0;
--        t 35: S = 0.25 * (1 - 1/1) = 0 <= 0.1: p90 35.
-- n = 2: 1 reaches at 7 (01-08 - 01-01), 3 at 1 (01-06 - 01-05); 2 is
--        censored at 45 (A - 01-01), 5 at 36 (A - 01-10): reached 2.
--        t 1: at risk 4, S = 3/4; t 7: at risk 3, S = 3/4 * 2/3 = 0.5
--        exactly, and no event follows: S stays at 0.5 up to the largest
--        observed time, 45, so the median is the midpoint (7 + 45) / 2 =
--        26 (R's survival and SAS); S never reaches 0.1: p90 NULL.
-- n = 3: 3 reaches at 15 (01-20 - 01-05); the others censored (45, 45,
--        36).  t 15: S = 3/4: median and p90 NULL.
-- n = 4: nobody has 4 features: all censored, reached 0, NULLs.
SELECT n, t.*
FROM generate_series(1, 4) n, LATERAL time_to_feature((SELECT act FROM a), n, '2026-02-15') t;
-- as_of 2026-03-31, n = 2: user 4 joins (f0 02-20; core and alerts on
-- 02-20: time 0); 2 censored at 89, 5 at 80.  Times 0 (e), 1 (e), 7 (e),
-- 80 (c), 89 (c): S = 4/5, then 4/5 * 3/4 = 0.6, then 0.6 * 2/3 = 0.4:
-- median 7, p90 NULL; users 5, reached 3.
SELECT * FROM time_to_feature((SELECT act FROM a), 2, '2026-03-31');
-- as_of before all data: no users.
SELECT * FROM time_to_feature((SELECT act FROM a), 1, '2025-12-31');

-- ------------------------------------------------------------------
-- usage_trend: active user-days in (as_of - days, as_of] / those in
-- (as_of - 2 days, as_of - days], minus 1.
--   A, 30:  (01-16, 02-15]: 1 01-31, 3 01-20, 3 02-10, 5 02-14 = 4;
--           (12-17, 01-16]: 1 x3 (01-01, 01-02, 01-08), 2 x1, 3 x2
--           (01-05, 01-06), 5 x1 (01-10) = 7         4/7 - 1 = -3/7
--   A, 30, core: now 1 01-31, 5 02-14 = 2; before 1 01-01, 1 01-02,
--           2 01-01, 3 01-06 = 4                      2/4 - 1 = -0.5
--   A, 7:   (02-08, 02-15]: 2; (02-01, 02-08]: none   NULL
--   01-06, 3: (01-03, 01-06]: 3 01-05, 3 01-06 = 2; (12-31, 01-03]:
--           1 01-01, 1 01-02, 2 01-01 = 3             2/3 - 1 = -1/3
--   01-02, 1: 01-02: user 1 = 1; 01-01: users 1, 2 = 2    1/2 - 1 = -0.5
--   03-31, 30: (03-01, 03-31]: 1 03-05 = 1; (01-30, 03-01]: 1 01-31,
--           3 02-10, 5 02-14, 4 02-20 = 4 (the user-day counts once
--           although 4 used two features)             1/4 - 1 = -0.75
--   nope:   NULL
SELECT usage_trend(act, '2026-02-15', 30)               AS a_30,
       usage_trend(act, '2026-02-15', 30, 'core')       AS a_30_core,
       usage_trend(act, '2026-02-15', 7)                AS a_7,
       usage_trend(act, '2026-01-06', 3)                AS d0106_3,
       usage_trend(act, '2026-01-02', 1)                AS d0102_1,
       usage_trend(act, '2026-03-31', 30)               AS d0331_30,
       usage_trend(act, '2026-02-15', 30, 'nope')       AS nope
FROM a;

-- dormant_users: active on some day <= as_of - quiet_days, on none in
-- (as_of - quiet_days, as_of].
--   A, 14:  active <= 02-01: 1, 2, 3, 5; in (02-01, 02-15]: 3 (02-10),
--           5 (02-14); so 1, 2                                    2
--   A, 1:   active <= 02-14: 1, 2, 3, 5; on 02-15: nobody         4
--   A, 40:  active <= 01-06: 1, 2, 3; in (01-06, 02-15]: 1 (01-08,
--           01-31), 3 (01-20, 02-10); so 2                        1
--   A, 14, core: core <= 02-01: 1, 2, 3; core in (02-01, 02-15]:
--           nobody (3's 02-10 has no feature; 5 starts core 02-14)  3
--   03-10, 14: active <= 02-24: all 5; in (02-24, 03-10]: 1 (03-05)  4
--   as_of before all data                                         0
--   nope                                                          0
--   the default quiet_days is 14: as A, 14                        2
SELECT dormant_users(act, '2026-02-15', 14)             AS a_14,
       dormant_users(act, '2026-02-15', 1)              AS a_1,
       dormant_users(act, '2026-02-15', 40)             AS a_40,
       dormant_users(act, '2026-02-15', 14, 'core')     AS a_14_core,
       dormant_users(act, '2026-03-10', 14)             AS d0310_14,
       dormant_users(act, '2025-12-31', 14)             AS before_data,
       dormant_users(act, '2026-02-15', 14, 'nope')     AS nope,
       dormant_users(act, '2026-02-15')                 AS default_quiet
FROM a;

-- abandonment_rate: users of the feature on or before as_of with no use
-- of it in (as_of - quiet_days, as_of] / users of the feature.
--   core, A, 14:    users 1, 2, 3, 5; core in (02-01, 02-15]: 5 only   3/4
--   reports, A, 30: users 1, 3; no reports in (01-16, 02-15]           2/2 = 1
--   core, A, 1:     core on 02-15: nobody                              4/4 = 1
--   core, 02-14, 1: users 1, 2, 3, 5; 5 used core on 02-14             3/4
--   alerts, A:      used only after A: no users                        NULL
--   alerts, 03-31, 30: user 4 (02-20), not in (03-01, 03-31]           1/1 = 1
--   nope:           NULL
--   NULL feature:   any activity (doc/reference.md, Conventions): users 1, 2, 3, 5; active in
--                   (02-01, 02-15]: 3, 5                               2/4 = 0.5
SELECT abandonment_rate(act, 'core', '2026-02-15', 14)      AS core_a_14,
       abandonment_rate(act, 'reports', '2026-02-15', 30)   AS reports_a_30,
       abandonment_rate(act, 'core', '2026-02-15', 1)       AS core_a_1,
       abandonment_rate(act, 'core', '2026-02-14', 1)       AS core_0214_1,
       abandonment_rate(act, 'alerts', '2026-02-15')        AS alerts_a,
       abandonment_rate(act, 'alerts', '2026-03-31', 30)    AS alerts_0331,
       abandonment_rate(act, 'nope', '2026-02-15')          AS nope,
       abandonment_rate(act, NULL, '2026-02-15', 14)        AS any_a_14
FROM a;

-- ==================================================================
-- Data set B: month ends and a leap day (2024), for monthly and daily
-- periods.
-- ==================================================================
CREATE TEMP TABLE b AS
SELECT activity_agg(user_id, day, 'core') AS act
FROM (VALUES (1, date '2024-01-31'), (1, '2024-02-29'), (1, '2024-04-01'),
             (2, '2024-02-01'), (2, '2024-02-29'), (2, '2024-03-01'),
             (3, '2024-02-29'),
             (4, '2024-03-31'), (4, '2024-04-30')) v(user_id, day);
-- user  start   months active
--   1   01-31   Jan, Feb (02-29), Apr (04-01)
--   2   02-01   Feb, Mar (03-01)
--   3   02-29   Feb
--   4   03-31   Mar, Apr (04-30)

-- cohort_retention by month, as_of 2024-04-30 (April has ended: L = Apr).
-- periods 4: cohorts Jan .. Apr.
--   Jan (user 1), size 1: k 0 Jan 1; k 1 Feb 1; k 2 Mar 0; k 3 Apr 1
--   Feb (users 2, 3), size 2: k 0 2; k 1 Mar: 2 -> 1/2; k 2 Apr: 0
--   Mar (user 4), size 1: k 0 1; k 1 Apr 1
--   Apr: nobody starts in April: no rows
SELECT * FROM cohort_retention((SELECT act FROM b), 'month', 4, '2024-04-30');
-- periods 3: cohorts Feb .. Apr only: user 1's January cohort is left out.
SELECT * FROM cohort_retention((SELECT act FROM b), 'month', 3, '2024-04-30');
-- as_of 2024-04-29: April has not ended, L = Mar; periods 4: Dec .. Mar.
--   Jan: k 0 1, k 1 1, k 2 0;  Feb: k 0 2, k 1 1;  Mar: k 0 1
-- (user 1's 04-01 and user 4's 04-30 lie in April, after L)
SELECT * FROM cohort_retention((SELECT act FROM b), 'month', 4, '2024-04-29');
-- periods 1 at 2024-03-31 (the last day of March): the March cohort only,
-- user 4: one row k 0 size 1.
SELECT * FROM cohort_retention((SELECT act FROM b), 'month', 1, '2024-03-31');
-- by day, as_of 2024-02-01, periods 3: cohorts 01-30, 01-31, 02-01.
--   01-30: nobody; 01-31 (user 1): k 0 1, k 1 (02-01) 0; 02-01 (user 2): k 0 1
SELECT * FROM cohort_retention((SELECT act FROM b), 'day', 3, '2024-02-01');
-- a feature nobody used: no rows
SELECT count(*) AS nope_rows FROM cohort_retention((SELECT act FROM b), 'month', 4, '2024-04-30', 'nope');

-- lifecycle by month, as_of 2024-04-30, periods 4 (Jan .. Apr):
--   Jan: active 1.          new 1 (user 1)
--   Feb: active 1, 2, 3.    new 2 (2, 3); returning 1 (user 1)
--   Mar: active 2, 4.       new 1 (4); returning 1 (2); dormant 2 (1, 3:
--                           active in Feb, not in Mar)
--   Apr: active 1, 4.       returning 1 (4); resurrecting 1 (user 1: not in
--                           Mar, but in Jan and Feb); dormant 1 (user 2)
SELECT * FROM lifecycle((SELECT act FROM b), 'month', 4, '2024-04-30');
-- by day, as_of 2024-03-01, periods 3 (02-28, 02-29, 03-01):
--   02-28: nobody active, nobody active on 02-27: all zeros
--   02-29: active 1, 2, 3. new 1 (user 3); returning 0 (nobody on 02-28);
--          resurrecting 2 (users 1 and 2, active before 02-28)
--   03-01: active 2. returning 1 (user 2); dormant 2 (users 1, 3)
SELECT * FROM lifecycle((SELECT act FROM b), 'day', 3, '2024-03-01');

-- ==================================================================
-- Data set C: ISO weeks across the 2026/2027 year boundary.  2026-12-31 is
-- a Thursday in the week of Monday 2026-12-28; 2027-01-03 is the Sunday of
-- that week; 2027-01-04 is a Monday.
-- ==================================================================
CREATE TEMP TABLE c AS
SELECT activity_agg(user_id, day, 'core') AS act
FROM (VALUES (1, date '2026-12-31'), (1, '2027-01-04'), (1, '2027-01-15'),
             (2, '2027-01-03'), (2, '2027-01-05'), (2, '2027-01-20'),
             (3, '2027-01-10')) v(user_id, day);
-- user  start   weeks active (by their Monday)
--   1   12-31   12-28, 01-04, 01-11 (01-15)
--   2   01-03   12-28, 01-04 (01-05), 01-18 (01-20)
--   3   01-10   01-04 (01-10 is the Sunday of that week)

-- cohort_retention by week, as_of Sunday 2027-01-10 (that week has ended),
-- periods 2: cohorts 12-28 (users 1, 2) and 01-04 (user 3).
--   12-28: k 0 2; k 1 (01-04 .. 01-10): 1 on 01-04, 2 on 01-05: 2
--   01-04: k 0 1
SELECT * FROM cohort_retention((SELECT act FROM c), 'week', 2, '2027-01-10');
-- as_of Saturday 2027-01-09: the week of 01-04 has not ended, L = 12-28;
-- cohorts 12-21 (nobody) and 12-28: one row, k 0, size 2.
SELECT * FROM cohort_retention((SELECT act FROM c), 'week', 2, '2027-01-09');
-- as_of Sunday 2027-01-24, periods 4 (12-28 .. 01-18):
--   12-28: k 0 2; k 1 2; k 2 (01-11) user 1: 1; k 3 (01-18) user 2: 1
--   01-04: k 0 1 (user 3); k 1 0; k 2 0
SELECT * FROM cohort_retention((SELECT act FROM c), 'week', 4, '2027-01-24');

-- lifecycle by week, as_of Sunday 2027-01-24, periods 4:
--   12-28: active 1, 2.      new 2
--   01-04: active 1, 2, 3.   new 1 (user 3); returning 2 (1, 2)
--   01-11: active 1.         returning 1 (1); dormant 2 (2, 3)
--   01-18: active 2.         resurrecting 1 (2: not in 01-11, in 12-28);
--                            dormant 1 (1)
SELECT * FROM lifecycle((SELECT act FROM c), 'week', 4, '2027-01-24');
-- as_of Saturday 2027-01-23: L = 01-11; periods 4 (12-21 .. 01-11): the
-- week of 12-21 has a row of zeros; user 2's 01-20 lies after L.
SELECT * FROM lifecycle((SELECT act FROM c), 'week', 4, '2027-01-23');
-- a feature nobody used: one row of zeros per period
SELECT * FROM lifecycle((SELECT act FROM c), 'week', 2, '2027-01-24', 'nope');
-- usage_trend across the year boundary, as_of 2027-01-05, days 2:
-- (01-03, 01-05]: 1 on 01-04, 2 on 01-05 = 2; (01-01, 01-03]: 2 on 01-03
-- = 1: 2/1 - 1 = 1 (a rise).
SELECT usage_trend(act, '2027-01-05', 2) AS trend FROM c;

-- ==================================================================
-- NULL arguments: a NULL summary, as_of or days array gives NULL or no
-- rows.
-- ==================================================================
SELECT (SELECT count(*) FROM retention(NULL::activity, as_of => '2026-02-15'))         AS ret_null_act,
       (SELECT count(*) FROM retention((SELECT act FROM a), as_of => NULL))            AS ret_null_as_of,
       (SELECT count(*) FROM retention((SELECT act FROM a), NULL, as_of => '2026-02-15')) AS ret_null_days,
       (SELECT count(*) FROM feature_retention(NULL::activity, as_of => '2026-02-15')) AS fret_null_act,
       (SELECT count(*) FROM feature_retention((SELECT act FROM a), as_of => NULL))    AS fret_null_as_of,
       (SELECT count(*) FROM cohort_retention(NULL::activity, as_of => '2026-02-15'))  AS coh_null_act,
       (SELECT count(*) FROM cohort_retention((SELECT act FROM a), as_of => NULL))     AS coh_null_as_of,
       (SELECT count(*) FROM lifecycle(NULL::activity, as_of => '2026-02-15'))         AS lc_null_act,
       (SELECT count(*) FROM lifecycle((SELECT act FROM a), as_of => NULL))            AS lc_null_as_of;
SELECT retention_rate(NULL::activity, 30, as_of => '2026-02-15')     AS rr_null_act,
       retention_rate(act, 30, as_of => NULL)                        AS rr_null_as_of,
       time_to_feature(NULL::activity, as_of => '2026-02-15') IS NULL AS ttf_null_act,
       time_to_feature(act, as_of => NULL) IS NULL                   AS ttf_null_as_of,
       usage_trend(NULL::activity, '2026-02-15')                     AS ut_null_act,
       usage_trend(act, NULL)                                        AS ut_null_as_of,
       dormant_users(NULL::activity, '2026-02-15')                   AS du_null_act,
       dormant_users(act, NULL)                                      AS du_null_as_of,
       abandonment_rate(NULL::activity, 'core', '2026-02-15')        AS ab_null_act,
       abandonment_rate(act, 'core', NULL)                           AS ab_null_as_of
FROM a;

-- ==================================================================
-- Invalid arguments: SQLSTATE 22023 and a message naming the argument and
-- its range.
-- ==================================================================
CREATE FUNCTION pg_temp.error_of(stmt text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    st  text;
    msg text;
BEGIN
    EXECUTE stmt;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RETURN st || ': ' || msg;
END $$;

SELECT call, pg_temp.error_of('SELECT * FROM (SELECT act FROM a) s, LATERAL ' || call) AS error
FROM (VALUES
    ('retention(act, ''{30,-1}'', as_of => ''2026-02-15'')'),
    ('retention(act, ''{0,NULL}'', as_of => ''2026-02-15'')'),
    ('retention(act, width => 0, as_of => ''2026-02-15'')'),
    ('retention(act, width => -30, as_of => ''2026-02-15'')'),
    ('retention_rate(act, -1, as_of => ''2026-02-15'')'),
    ('retention_rate(act, 30, 0, ''2026-02-15'')'),
    ('feature_retention(act, ''{-7}'', as_of => ''2026-02-15'')'),
    ('feature_retention(act, width => 0, as_of => ''2026-02-15'')'),
    ('cohort_retention(act, ''year'', as_of => ''2026-02-15'')'),
    ('cohort_retention(act, ''month'', 0, ''2026-02-15'')'),
    ('cohort_retention(act, ''week'', -1, ''2026-02-15'')'),
    ('lifecycle(act, ''year'', as_of => ''2026-02-15'')'),
    ('lifecycle(act, ''day'', 0, ''2026-02-15'')'),
    ('time_to_feature(act, 0, ''2026-02-15'')'),
    ('time_to_feature(act, -2, ''2026-02-15'')'),
    ('usage_trend(act, ''2026-02-15'', 0)'),
    ('dormant_users(act, ''2026-02-15'', 0)'),
    ('dormant_users(act, ''2026-02-15'', -14)'),
    ('abandonment_rate(act, ''core'', ''2026-02-15'', 0)')) v(call);

-- periods reaching back past the start of the calendar (4714-11-24 BC, a
-- Monday): rows from the period after the one holding that day, up to the
-- last ended by as_of (128 days from 4714-11-25 BC to 4713-03-31 BC; weeks
-- from 4714-12-01 BC; months from December 4714 BC; one quarter)
SELECT p.period, count(*) AS periods, min(l.period_start), max(l.period_start),
       sum(l.new_users) AS new_users, sum(l.dormant_users) AS dormant_users
FROM (VALUES ('day'), ('week'), ('month'), ('quarter')) p(period),
     lifecycle((SELECT activity_agg(1, d) FROM (VALUES (date '4714-11-24 BC'), (date '4714-12-26 BC')) v(d)),
               p.period, 2147483647, date '4713-03-31 BC') l
GROUP BY 1 ORDER BY 1;

RESET DateStyle;
