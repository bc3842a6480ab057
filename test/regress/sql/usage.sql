--
-- usage: the usage accessors on a tiny, hand-checked data set.
--
-- Every expected number below is derived by hand in the comments.
--
-- The session TimeZone matters: a timestamptz becomes a day the way ::date
-- does, in the session TimeZone.  America/New_York is UTC-5 until
-- 2026-03-08 02:00 and UTC-4 from then on.
SET TimeZone = 'America/New_York';
SET DateStyle = 'ISO, YMD';

CREATE TEMP TABLE tiny (user_id bigint, feature text, occurred_at timestamptz);
INSERT INTO tiny VALUES
    (1,    'reports', '2026-03-01 10:00-05'),  -- T1 (1, reports, 03-01)
    (1,    'reports', '2026-03-01 15:00-05'),  -- T1 again: same triple
    (1,    'alerts',  '2026-03-05 09:00-05'),  -- T2 (1, alerts,  03-05)
    (2,    'reports', '2026-03-05 12:00-05'),  -- T3 (2, reports, 03-05)
    (2,    'reports', '2026-03-05 18:00-05'),  -- T3 again: same triple
    (2,    NULL,      '2026-03-09 08:00-04'),  -- T4 (2, no feature, 03-09)
    (3,    'alerts',  '2026-03-10 03:00+00'),  -- T5 (3, alerts,  03-09): 23:00 on
                                               --    03-09 in New York (03-10 in UTC)
    (NULL, 'reports', '2026-03-09 12:00-04'),  -- NULL user: skipped
    (1,    'reports', NULL),                   -- NULL day: skipped
    (1,    'reports', '2026-03-12 10:00-04');  -- T6 (1, reports, 03-12): after the
                                               --    as_of 2026-03-10 used below
-- So the summary is the set of six triples
--   T1 (1, reports, 03-01)   T2 (1, alerts, 03-05)   T3 (2, reports, 03-05)
--   T4 (2, -,       03-09)   T5 (3, alerts, 03-09)   T6 (1, reports, 03-12)
-- Most calls use as_of = 2026-03-10 (written A below), where the windows are
--   days 1:  (03-09, 03-10] = {03-10}        no triple
--   days 2:  (03-08, 03-10] = {03-09, 03-10}  T4 T5            users {2,3}
--   days 7:  (03-03, 03-10]                   T2 T3 T4 T5      users {1,2,3}
--   days 30: (02-08, 03-10]                   T1 T2 T3 T4 T5   users {1,2,3}
CREATE TEMP TABLE s AS
SELECT activity_agg(user_id, occurred_at, feature) AS act FROM tiny;

-- Equal sets give identical values: the deduplicated rows, in reverse
-- order, with the days as dates, give the same text.
SELECT (SELECT act::text FROM s) =
       (SELECT activity_agg(user_id, d, feature)::text
          FROM (SELECT DISTINCT user_id, feature, occurred_at::date AS d
                  FROM tiny WHERE user_id IS NOT NULL AND occurred_at IS NOT NULL
                 ORDER BY d DESC, user_id DESC) q) AS same_text;

-- The text form: "<format version>:<base64 of the stored bytes>".  The
-- bytes, in hex, decoded with the layout of format version 1:
--   01            version 1
--   02            user ids are bigint
--   03 02 06      3 users, 2 features, 6 triples
--   a8 95 01      min_day, zigzag 19112 = 9556 days after 2000-01-01: 2026-03-01
--   0b            max_day - min_day = 11: 2026-03-12
--   02 00 00      user ids: zigzag 2 = 1, then 2 and 3 (delta - 1 = 0)
--   06 "alerts" 07 "reports"          features 1 and 2
--   user 1: 02 pairs: 01 00 04     alerts, 1 day, 03-01 + 4 = 03-05         (T2)
--                     00 01 00 0a  reports, 2 days, 03-01 and 03-01 + 11    (T1, T6)
--   user 2: 02 pairs: 00 00 08     no feature, 1 day, 03-09                 (T4)
--                     01 00 04     reports (1 + 0 + 1), 1 day, 03-05        (T3)
--   user 3: 01 pair:  01 00 08     alerts, 1 day, 03-09                     (T5)
SELECT act::text AS text_form,
       encode(decode(split_part(act::text, ':', 2), 'base64'), 'hex') AS stored_bytes,
       encode(activity_send(act), 'hex') = encode(decode(split_part(act::text, ':', 2), 'base64'), 'hex') AS send_is_stored
FROM s;

-- A value written by this format version reads back with the same figures
-- (later releases must keep reading it).
SELECT user_count(v) AS users, active_users(v, '2026-03-10', 7) AS a7,
       first_day(v, 'reports') AS first_reports, last_day(v) AS last_all,
       v::text = (SELECT act::text FROM s) AS same
FROM (SELECT '1:AQIDAgaolQELAwIAAAZhbGVydHMHcmVwb3J0cwIBAAQAAQAKAgAACAEABAEBAAg='::activity AS v) q;

-- user_count: distinct users ever, up to as_of when given.
--   all:                     users 1, 2, 3                          -> 3
--   reports:                 T1 T3 T6 -> {1,2}                      -> 2
--   alerts:                  T2 T5    -> {1,3}                      -> 2
--   no such feature:                                                -> 0
--   as_of 03-04:             T1       -> {1}                        -> 1
--   alerts, as_of 03-08:     T2       -> {1}                        -> 1
--   as_of 02-01 (before all data):                                  -> 0
--   as_of NULL: no bound                                            -> 3
SELECT user_count(act)                                        AS all_users,
       user_count(act, 'reports')                             AS reports,
       user_count(act, feature => 'alerts')                   AS alerts,
       user_count(act, 'nope')                                AS nope,
       user_count(act, as_of => '2026-03-04')                 AS upto_0304,
       user_count(act, 'alerts', '2026-03-08')                AS alerts_upto_0308,
       user_count(act, as_of => '2026-02-01')                 AS before_data,
       user_count(act, as_of => NULL)                         AS no_bound
FROM s;

-- active_users: distinct users active in (as_of - days, as_of].
--   A, 1:    nothing on 03-10                                     -> 0
--   A, 2:    T4 T5 -> {2,3}                                       -> 2
--   A, 7:    T2 T3 T4 T5 -> {1,2,3}                               -> 3
--   A, 30:   T1..T5 -> {1,2,3}                                    -> 3
--   03-09, 1: T4 T5 -> {2,3} (T5 is 03-09 in New York)             -> 2
--   03-12, 1: T6 -> {1}                                           -> 1
--   03-01, 1: T1 -> {1} (the window includes as_of)               -> 1
--   02-28, 30: before all data                                    -> 0
--   2027-01-01, 90: long after the data                           -> 0
SELECT active_users(act, '2026-03-10', 1)   AS a1,
       active_users(act, '2026-03-10', 2)   AS a2,
       active_users(act, '2026-03-10', 7)   AS a7,
       active_users(act, '2026-03-10', 30)  AS a30,
       active_users(act, '2026-03-09', 1)   AS d0309,
       active_users(act, '2026-03-12', 1)   AS d0312,
       active_users(act, '2026-03-01', 1)   AS d0301,
       active_users(act, '2026-02-28', 30)  AS before_data,
       active_users(act, '2027-01-01', 90)  AS after_data
FROM s;

-- active_users on one feature; the window excludes its first end:
--   reports, A, 7:      T3 -> {2}                                 -> 1
--   reports, A, 30:     T1 T3 -> {1,2}                            -> 2
--   alerts, A, 2:       T5 -> {3}                                 -> 1
--   nope, A, 30:                                                  -> 0
--   reports, 03-05, 4:  (03-01, 03-05] holds T3 only -> {2}       -> 1
--   reports, 03-05, 5:  (02-28, 03-05] holds T1 T3 -> {1,2}       -> 2
--   named arguments, days defaults to 30: as reports, A, 30       -> 2
SELECT active_users(act, '2026-03-10', 7, 'reports')          AS reports7,
       active_users(act, '2026-03-10', 30, 'reports')         AS reports30,
       active_users(act, '2026-03-10', 2, 'alerts')           AS alerts2,
       active_users(act, '2026-03-10', 30, 'nope')            AS nope30,
       active_users(act, '2026-03-05', 4, 'reports')          AS reports_0305_4,
       active_users(act, '2026-03-05', 5, 'reports')          AS reports_0305_5,
       active_users(act, feature => 'reports', as_of => '2026-03-10') AS named
FROM s;

-- stickiness = (distinct (user, day) in the window) / days / active users.
--   A, 7:   (1,03-05) (2,03-05) (2,03-09) (3,03-09) = 4; 4/7/3 = 4/21 -> 0.190476190476
--   A, 30:  those and (1,03-01) = 5; 5/30/3 = 1/18                  -> 0.055555555556
--   A, 2:   (2,03-09) (3,03-09) = 2; 2/2/2                          -> 0.5
--   A, 1:   no active user                                          -> NULL
--   reports, A, 7:   (2,03-05) = 1; 1/7/1 = 1/7                     -> 0.142857142857
--   reports, A, 30:  (1,03-01) (2,03-05) = 2; 2/30/2 = 1/30         -> 0.033333333333
--   03-05, 5: (1,03-01) (1,03-05) (2,03-05) = 3; 3/5/2               -> 0.3
SELECT round(stickiness(act, '2026-03-10', 7)::numeric, 12)             AS s7,
       round(stickiness(act, '2026-03-10', 30)::numeric, 12)            AS s30,
       round(stickiness(act, '2026-03-10', 2)::numeric, 12)             AS s2,
       round(stickiness(act, '2026-03-10', 1)::numeric, 12)             AS s1,
       round(stickiness(act, '2026-03-10', 7, 'reports')::numeric, 12)  AS reports7,
       round(stickiness(act, '2026-03-10', 30, 'reports')::numeric, 12) AS reports30,
       round(stickiness(act, '2026-03-05', 5)::numeric, 12)             AS s_0305_5
FROM s;

-- adoption_rate = active users / seats, not clamped.
--   4 seats, A, 7:  3/4                                             -> 0.75
--   2 seats, A, 7:  3/2 (more active users than seats)              -> 1.5
--   0 seats:                                                        -> NULL
--   NULL seats:                                                     -> NULL
--   4 seats, A, 7, alerts: T2 T5 -> {1,3}; 2/4                      -> 0.5
--   10 seats, A, 1: 0/10                                            -> 0
--   3 seats, A, 30, reports: {1,2}; 2/3                             -> 0.666666666667
SELECT round(adoption_rate(act, 4, '2026-03-10', 7)::numeric, 12)             AS r4,
       round(adoption_rate(act, 2, '2026-03-10', 7)::numeric, 12)             AS r2,
       round(adoption_rate(act, 0, '2026-03-10', 7)::numeric, 12)             AS r0,
       round(adoption_rate(act, NULL, '2026-03-10', 7)::numeric, 12)          AS rnull,
       round(adoption_rate(act, 4, '2026-03-10', 7, 'alerts')::numeric, 12)   AS alerts,
       round(adoption_rate(act, 10, '2026-03-10', 1)::numeric, 12)            AS nobody,
       round(adoption_rate(act, seats => 3, as_of => '2026-03-10',
                           feature => 'reports')::numeric, 12)                AS named
FROM s;

-- feature_adoption_rate = users active on the feature / users active at all.
--   reports, A, 7:   {2} of {1,2,3}                                 -> 0.333333333333
--   alerts, A, 7:    {1,3} of {1,2,3}                               -> 0.666666666667
--   alerts, A, 2:    {3} of {2,3}                                   -> 0.5
--   reports, A, 1:   nobody active (denominator 0)                  -> NULL
--   nope, A, 30:     0 of 3                                         -> 0
SELECT round(feature_adoption_rate(act, 'reports', '2026-03-10', 7)::numeric, 12) AS reports7,
       round(feature_adoption_rate(act, 'alerts', '2026-03-10', 7)::numeric, 12)  AS alerts7,
       round(feature_adoption_rate(act, 'alerts', '2026-03-10', 2)::numeric, 12)  AS alerts2,
       round(feature_adoption_rate(act, 'reports', '2026-03-10', 1)::numeric, 12) AS reports1,
       round(feature_adoption_rate(act, 'nope', '2026-03-10', 30)::numeric, 12)   AS nope30
FROM s;

-- feature defaults to NULL (any activity), as in every accessor: the rate
-- is then 1 when anyone is active, NULL when nobody is; abandonment_rate
-- without feature: users with no activity at all in the quiet window /
-- users up to as_of (A, 3 days: (03-07, 03-10] holds T4 T5, so of {1,2,3}
-- user 1 is quiet -> 0.333333333333)
SELECT feature_adoption_rate(act, as_of => '2026-03-10', days => 7)      AS any7,
       feature_adoption_rate(act, as_of => '2026-03-10', days => 1)      AS any1,
       round(abandonment_rate(act, as_of => '2026-03-10', quiet_days => 3)::numeric, 12) AS quiet3,
       abandonment_rate(act, as_of => '2026-03-10', quiet_days => 3)
           = abandonment_rate(act, NULL, '2026-03-10', 3)              AS same_as_null
FROM s;

-- depth = distinct (user, feature) pairs with a feature in the window /
-- users active in the window (activity without a feature counts as active).
--   A, 7:   (1,alerts) (2,reports) (3,alerts) = 3; T4 has no feature; 3/3 -> 1
--   A, 2:   (3,alerts) = 1; active {2,3}; 1/2                       -> 0.5
--   A, 30:  (1,reports) (1,alerts) (2,reports) (3,alerts) = 4; 4/3  -> 1.333333333333
--   A, 1:   no active user                                          -> NULL
--   03-12, 1: (1,reports); 1/1                                      -> 1
--   03-09, 1: (3,alerts) = 1; active {2,3}; 1/2                     -> 0.5
SELECT round(depth(act, '2026-03-10', 7)::numeric, 12)  AS d7,
       round(depth(act, '2026-03-10', 2)::numeric, 12)  AS d2,
       round(depth(act, '2026-03-10', 30)::numeric, 12) AS d30,
       round(depth(act, '2026-03-10', 1)::numeric, 12)  AS d1,
       round(depth(act, '2026-03-12', 1)::numeric, 12)  AS d_0312,
       round(depth(act, '2026-03-09', 1)::numeric, 12)  AS d_0309
FROM s;

-- features(A, 7, seats 4): features used up to A, by name.  Active at all
-- in the window: {1,2,3}.
--   alerts:  users {1,3} = 2; active T2 T5 -> 2; 2/3 = 0.666666666667;
--            penetration 2/4 = 0.5; first 03-05; last 03-09
--   reports: users {1,2} = 2 (T6 is after A); active T3 -> 1; 1/3;
--            penetration 1/4 = 0.25; first 03-01; last 03-05 (T6 is after A)
SELECT feature, users, active_users,
       round(adoption_rate::numeric, 12) AS adoption_rate,
       round(penetration::numeric, 12) AS penetration, first_day, last_day
FROM s, features(act, '2026-03-10', 7, seats => 4);

-- features(03-12, 1), no seats.  Active at all on 03-12: {1} (T6).
--   alerts:  users 2; active 0; 0/1 = 0; penetration NULL; 03-05 .. 03-09
--   reports: users 2; active 1; 1/1 = 1; penetration NULL; 03-01 .. 03-12
SELECT feature, users, active_users,
       round(adoption_rate::numeric, 12) AS adoption_rate,
       round(penetration::numeric, 12) AS penetration, first_day, last_day
FROM s, features(act, '2026-03-12', 1);

-- features(A, 1, seats 0): nobody active, so adoption_rate NULL, and 0 seats
-- give a NULL penetration.
--   alerts:  users 2; active 0; NULL; NULL; 03-05 .. 03-09
--   reports: users 2; active 0; NULL; NULL; 03-01 .. 03-05
SELECT feature, users, active_users,
       round(adoption_rate::numeric, 12) AS adoption_rate,
       round(penetration::numeric, 12) AS penetration, first_day, last_day
FROM s, features(act, '2026-03-10', 1, 0);

-- features(03-03, 30, seats 2): only reports has been used by 03-03 (T1).
--   reports: users 1; active 1; 1/1 = 1; 1/2 = 0.5; 03-01 .. 03-01
SELECT feature, users, active_users,
       round(adoption_rate::numeric, 12) AS adoption_rate,
       round(penetration::numeric, 12) AS penetration, first_day, last_day
FROM s, features(act, '2026-03-03', 30, 2);

-- features before all data: no row.
SELECT count(*) AS no_rows FROM s, features(act, '2026-02-01', 30);

-- first_day / last_day have no as_of: T6 counts.
--   all: 03-01 .. 03-12; alerts: 03-05 .. 03-09 (T5 is 03-09 in New York);
--   reports: 03-01 .. 03-12; no such feature: NULL .. NULL
SELECT first_day(act) AS first_all, last_day(act) AS last_all,
       first_day(act, 'alerts') AS first_alerts, last_day(act, 'alerts') AS last_alerts,
       first_day(act, feature => 'reports') AS first_reports,
       last_day(act, feature => 'reports') AS last_reports,
       first_day(act, 'nope') AS first_nope, last_day(act, 'nope') AS last_nope
FROM s;

-- The same rows read in UTC: T5 becomes 03-10, so alerts last on 03-10 and
-- A, 1 sees user 3.
SET TimeZone = 'UTC';
SELECT last_day(activity_agg(user_id, occurred_at, feature), 'alerts') AS last_alerts_utc,
       active_users(activity_agg(user_id, occurred_at, feature), '2026-03-10', 1) AS a1_utc
FROM tiny;
SET TimeZone = 'America/New_York';

-- NULL arguments: a NULL summary, as_of or days give NULL.
SELECT user_count(NULL::activity)                          AS uc,
       active_users(NULL::activity, '2026-03-10', 7)       AS au,
       stickiness(NULL::activity, '2026-03-10', 7)         AS st,
       adoption_rate(NULL::activity, 4, '2026-03-10', 7)   AS ar,
       feature_adoption_rate(NULL::activity, 'alerts', '2026-03-10', 7) AS far,
       depth(NULL::activity, '2026-03-10', 7)              AS dp,
       first_day(NULL::activity)                           AS fd,
       last_day(NULL::activity)                            AS ld;
SELECT active_users(act, NULL, 7)                     AS au_asof,
       active_users(act, '2026-03-10', NULL)          AS au_days,
       stickiness(act, NULL, 7)                       AS st_asof,
       stickiness(act, '2026-03-10', NULL)            AS st_days,
       adoption_rate(act, 4, NULL, 7)                 AS ar_asof,
       adoption_rate(act, 4, '2026-03-10', NULL)      AS ar_days,
       feature_adoption_rate(act, 'alerts', NULL, 7)  AS far_asof,
       depth(act, '2026-03-10', NULL)                 AS dp_days
FROM s;
SELECT count(*) AS no_rows FROM features(NULL::activity, '2026-03-10', 7);

-- Over zero rows, or only rows with a NULL user or day, the summary is NULL.
SELECT activity_agg(user_id, occurred_at, feature) IS NULL AS zero_rows
FROM tiny WHERE false;
SELECT activity_agg(user_id, occurred_at, feature) IS NULL AS only_null_rows
FROM tiny WHERE user_id IS NULL OR occurred_at IS NULL;

-- Without a feature column every triple has no feature.  Users {1,2,3};
-- A, 7: active {1,2,3}, no (user, feature) pair, so depth 0/3 = 0; no
-- feature rows; no user of 'reports'.
SELECT user_count(act) AS users, active_users(act, '2026-03-10', 7) AS a7,
       depth(act, '2026-03-10', 7) AS depth7, user_count(act, 'reports') AS reports,
       (SELECT count(*) FROM features(act, '2026-03-10', 30)) AS feature_rows
FROM (SELECT activity_agg(user_id, occurred_at) AS act FROM tiny) q;

-- The other user-id types give the same figures: users 3; A, 7: 3 active,
-- stickiness 4/21, depth 1; reports users 2.
SELECT id_type, user_count(act) AS users, active_users(act, '2026-03-10', 7) AS a7,
       round(stickiness(act, '2026-03-10', 7)::numeric, 12) AS s7,
       round(depth(act, '2026-03-10', 7)::numeric, 12) AS d7,
       user_count(act, 'reports') AS reports
FROM (SELECT 'integer' AS id_type, activity_agg(user_id::int, occurred_at, feature) AS act FROM tiny
      UNION ALL
      SELECT 'text', activity_agg('user-' || user_id, occurred_at, feature) FROM tiny
      UNION ALL
      SELECT 'uuid', activity_agg(md5(user_id::text)::uuid, occurred_at::date, feature) FROM tiny) q
ORDER BY id_type;

RESET TimeZone;
RESET DateStyle;
