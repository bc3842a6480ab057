--
-- team_health: champion, champion_share, effective_users, frequency,
-- seat_activation, adoption_stage and the health functions on tiny,
-- hand-checked inputs, and every invalid argument and malformed health
-- model.
--
-- Every expected number below is derived by hand in the comments.
SET DateStyle = 'ISO, YMD';
SET TimeZone = 'UTC';

-- try(query): the query's single value as text, or its error as
-- "SQLSTATE: message", so that one row can show a failure
CREATE FUNCTION pg_temp.try(query text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    result text;
BEGIN
    EXECUTE query INTO result;
    RETURN coalesce(result, 'NULL');
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- ==================================================================
-- Team-level adoption
-- ==================================================================
CREATE TEMP TABLE tiny (account text, user_id bigint, day date, feature text);
INSERT INTO tiny VALUES
    -- one user, 7: days 03-02, 03-04 (twice, two features), 03-09, and
    -- 03-12 after the as_of 2026-03-10 used below (written A)
    ('solo',  7,   '2026-03-02', 'reports'),
    ('solo',  7,   '2026-03-04', 'reports'),
    ('solo',  7,   '2026-03-04', 'alerts'),
    ('solo',  7,   '2026-03-09', 'alerts'),
    ('solo',  7,   '2026-03-12', 'reports'),
    -- equal users 1, 2, 3: each active on 03-08 and 03-09
    ('equal', 1,   '2026-03-08', 'reports'),
    ('equal', 1,   '2026-03-09', 'alerts'),
    ('equal', 2,   '2026-03-08', 'reports'),
    ('equal', 2,   '2026-03-09', 'alerts'),
    ('equal', 3,   '2026-03-08', 'reports'),
    ('equal', 3,   '2026-03-09', NULL),
    -- a tie: 9 and 10 on three days each in (03-03, A], 100 on one;
    -- 10 again on 03-11, after A
    ('tie',   9,   '2026-03-06', 'reports'),
    ('tie',   9,   '2026-03-07', 'reports'),
    ('tie',   9,   '2026-03-08', 'alerts'),
    ('tie',   10,  '2026-03-05', 'reports'),
    ('tie',   10,  '2026-03-08', 'reports'),
    ('tie',   10,  '2026-03-10', 'alerts'),
    ('tie',   10,  '2026-03-11', 'alerts'),
    ('tie',   100, '2026-03-10', 'reports');

CREATE TEMP TABLE s AS
SELECT account, activity_agg(user_id, day, feature) AS act FROM tiny GROUP BY account;

-- champion, A, 7 days: window (03-03, 03-10]
--   solo:  7 on 03-04, 03-09 (03-12 is after A): 2 days, share 2/2 = 1,
--          last day up to A 03-09 (not 03-12)
--   equal: 1, 2, 3 on 2 days each: a tie, the smallest id 1 wins;
--          share 2/6 = 0.3333333333333333, last day 03-09
--   tie:   9 on 3 days, 10 on 3 (03-05, 03-08, 03-10), 100 on 1: 9 and 10
--          tie, 9 < 10 wins; share 3/7 = 0.42857142857142855, last day 03-08
SELECT account, (champion(act, '2026-03-10', 7)).* FROM s ORDER BY account;

-- champion_share = the champion's share (above); effective_users =
-- (sum x)^2 / sum x^2:
--   solo:  x = {2}:       4 / 4 = 1
--   equal: x = {2, 2, 2}: 36 / 12 = 3
--   tie:   x = {3, 3, 1}: 49 / 19 = 2.5789473684210527
SELECT account, champion_share(act, '2026-03-10', 7) AS champion_share,
       effective_users(act, '2026-03-10', 7) AS effective_users
FROM s ORDER BY account;

-- Other windows of the tie account:
--   A, 2 days (03-08, 03-10] = {03-09, 03-10}: 10 on 03-10, 100 on 03-10,
--     9 not at all: 10 and 100 tie at 1, 10 wins; share 1/2 = 0.5; shares
--     {1, 1}: effective 4/2 = 2
--   A, 30 days: the same days as 7 (all activity is after 03-03): as above
--   03-11, 7 days (03-04, 03-11]: 10 now on 4 days (03-05, 03-08, 03-10,
--     03-11): 10 alone on top; share 4/(3+4+1) = 0.5; last day 03-11;
--     effective 64 / (9 + 16 + 1) = 64/26 = 2.4615384615384617
--   03-07, 1 day {03-07}: only 9: share 1, effective 1, last day 03-07
SELECT w.as_of, w.days, c.*, champion_share(act, w.as_of, w.days) AS share_fn,
       effective_users(act, w.as_of, w.days) AS effective_users
FROM s, (VALUES (date '2026-03-10', 2), ('2026-03-10', 30), ('2026-03-11', 7),
                ('2026-03-07', 1)) w(as_of, days),
     LATERAL champion(act, w.as_of, w.days) c
WHERE account = 'tie' ORDER BY w.as_of, w.days;

-- The tie rule follows the user-id type (A, 7 days, 9 and 10 tied):
--   bigint / integer: numeric order, 9 < 10: '9'
--   text:  byte order, '10' < '9' ('1' < '9'): '10', whose last day up
--          to A is 03-10
--   uuid:  md5('9') = 45c48cce-... < md5('10') = d3d94468-...: the uuid of 9
--   integer with both signs (ids 9 -> -9, 10 -> 10): -9 < 10 (a comparison
--          of unsigned bytes would put 10 first): '-9'
-- active_days 3 and share 3/7 whatever the type.
SELECT id_type, (champion(act, '2026-03-10', 7)).*
FROM (SELECT 'bigint' AS id_type, activity_agg(user_id, day, feature) AS act FROM tiny WHERE account = 'tie'
      UNION ALL
      SELECT 'integer', activity_agg(user_id::integer, day, feature) FROM tiny WHERE account = 'tie'
      UNION ALL
      SELECT 'integer, signed', activity_agg(CASE user_id WHEN 9 THEN -9 ELSE user_id END::integer, day, feature)
        FROM tiny WHERE account = 'tie'
      UNION ALL
      SELECT 'text', activity_agg(user_id::text, day, feature) FROM tiny WHERE account = 'tie'
      UNION ALL
      SELECT 'uuid', activity_agg(md5(user_id::text)::uuid, day, feature) FROM tiny WHERE account = 'tie') q
ORDER BY id_type;
SELECT md5('9')::uuid AS uuid_of_9;

-- A champion gone dark: solo, as_of 03-31, 30 days (03-01, 03-31]: 7 on
-- 03-02, 03-04, 03-09, 03-12 = 4 days, last day 03-12 < 03-31 - 14 = 03-17.
SELECT c.*, c.last_day < date '2026-03-31' - 14 AS gone_dark
FROM s, LATERAL champion(act, '2026-03-31', 30) c WHERE account = 'solo';

-- Nobody active: as_of 03-01 is before all activity: a row of NULLs,
-- NULL shares.  A NULL as_of, NULL days or NULL value: NULL.
SELECT account, c.*, champion_share(act, '2026-03-01', 30) AS share_fn,
       effective_users(act, '2026-03-01', 30) AS effective_users
FROM s, LATERAL champion(act, '2026-03-01', 30) c ORDER BY account;
SELECT (champion(act, NULL, 7)).*, champion_share(act, NULL, 7) AS cs_as_of,
       champion_share(act, '2026-03-10', NULL) AS cs_days,
       effective_users(act, NULL, 7) AS eu_as_of,
       effective_users(act, '2026-03-10', NULL) AS eu_days
FROM s WHERE account = 'tie';
SELECT (champion(NULL::activity, '2026-03-10', 7)).*,
       champion_share(NULL::activity, '2026-03-10', 7) AS cs,
       effective_users(NULL::activity, '2026-03-10', 7) AS eu;

-- frequency, tie account, A, 7 days: x = {9: 3, 10: 3, 100: 1}, so
-- k = 1: 1 user, k = 3: 2 users, every other k of 1 .. 7: 0
SELECT * FROM frequency((SELECT act FROM s WHERE account = 'tie'), '2026-03-10', 7);

-- by feature, A, 7 days:
--   reports: 9 on 03-06, 03-07 (2 days); 10 on 03-05, 03-08 (2); 100 on
--            03-10 (1): k=1 -> 1, k=2 -> 2, k=3 -> 0
--   alerts:  9 on 03-08 (1); 10 on 03-10 (1; 03-11 is after A): k=1 -> 2
--   'no such feature': all 0
-- (3 days shown: the rows for k > 3 are 0 in every case)
SELECT f.feature, r.*
FROM s, (VALUES ('reports'), ('alerts'), ('no such feature')) f(feature),
     LATERAL frequency(act, '2026-03-10', 7, f.feature) r
WHERE account = 'tie' AND r.active_days <= 3
ORDER BY f.feature, r.active_days;

-- frequency, solo, A, 30 days: 7 on 03-02, 03-04, 03-09: 3 days, so the
-- row k = 3 has 1 user and the other 29 rows 0 (30 rows in all, though the
-- value spans only 11 days)
SELECT count(*) AS rows, sum(users) AS users, max(active_days) AS last_k,
       string_agg(active_days::text, ',') FILTER (WHERE users > 0) AS nonzero_k
FROM frequency((SELECT act FROM s WHERE account = 'solo'), '2026-03-10', 30);

-- Nobody active (as_of before all activity): 3 rows of 0.  A NULL as_of or
-- NULL days: no rows.
SELECT * FROM frequency((SELECT act FROM s WHERE account = 'equal'), '2026-03-01', 3);
SELECT (SELECT count(*) FROM frequency(act, NULL, 7)) AS null_as_of,
       (SELECT count(*) FROM frequency(act, '2026-03-10', NULL)) AS null_days,
       (SELECT count(*) FROM frequency(NULL::activity, '2026-03-10', 7)) AS null_act
FROM s WHERE account = 'tie';

-- seat_activation, tie account: users active on or before as_of / seats.
--   A: 9, 10, 100 -> 3 users; 10 seats: 0.3; 2 seats: 1.5 (not clamped);
--   03-05: only 10 (03-05) -> 1/2 = 0.5;  03-04: nobody -> 0/2 = 0;
--   0 seats: NULL; NULL seats or as_of: NULL
SELECT seat_activation(act, 10, '2026-03-10') AS a_10,
       seat_activation(act, 2, '2026-03-10') AS a_2,
       seat_activation(act, 2, '2026-03-05') AS d05_2,
       seat_activation(act, 2, '2026-03-04') AS d04_2,
       seat_activation(act, 0, '2026-03-10') AS seats_0,
       seat_activation(act, NULL, '2026-03-10') AS seats_null,
       seat_activation(act, 2, NULL) AS as_of_null
FROM s WHERE account = 'tie';

-- Invalid arguments (22023, naming the argument and the range)
SELECT pg_temp.try($$SELECT champion(act, '2026-03-10', 0)::text FROM s WHERE account = 'tie'$$) AS champion_days_0,
       pg_temp.try($$SELECT champion_share(act, '2026-03-10', -1) FROM s WHERE account = 'tie'$$) AS champion_share_days,
       pg_temp.try($$SELECT effective_users(act, '2026-03-10', 0) FROM s WHERE account = 'tie'$$) AS effective_users_days;
SELECT pg_temp.try($$SELECT count(*) FROM s, frequency(act, '2026-03-10', 0) WHERE account = 'tie'$$) AS frequency_days_0,
       pg_temp.try($$SELECT seat_activation(act, -1, '2026-03-10') FROM s WHERE account = 'tie'$$) AS seats_negative,
       pg_temp.try($$SELECT champion_share(act, 'infinity', 7) FROM s WHERE account = 'tie'$$) AS as_of_infinite;

-- adoption_stage(active_users, seats, active_teams, teams
--                [, company_wide_teams 0.5, company_wide_seats 0.4]):
-- the first rule that holds (doc/reference.md, adoption_stage)
SELECT a.*, adoption_stage(a.active_users, a.seats, a.active_teams, a.teams) AS stage
FROM (VALUES
    (0, 10, 0, 3),   -- no active user: none
    (1, 10, 1, 3),   -- one: champion (whatever the teams)
    (1, 10, 0, 0),   -- one user, no teams: champion
    (5, 10, 1, 3),   -- 5 users, all in one team: role_based
    (2, 10, 0, 0),   -- 2 users, no team known: 0 <= 1 active team, role_based
    (4, 10, 2, 4),   -- 2 >= 0.5 * 4 and 4 >= 0.4 * 10, both exactly: company_wide
    (3, 10, 2, 4),   -- 3 < 4 seats: cross_team
    (5, 10, 2, 5),   -- 2 < 2.5 teams: cross_team
    (9, 0, 3, 3),    -- 0 seats: 9 >= 0: company_wide
    (12, 10, 3, 3)   -- more active users than seats: company_wide
) a(active_users, seats, active_teams, teams);

-- thresholds by name: 3 >= 0.3 * 10 -> company_wide; teams 1: 2 >= 1 * 2
-- and 3 >= 0.3 * 10 -> company_wide; teams 1 with 2 of 3: cross_team;
-- thresholds 0, 0: any 2 active teams -> company_wide
SELECT adoption_stage(3, 10, 2, 4, company_wide_seats => 0.3) AS seats_03,
       adoption_stage(3, 10, 2, 2, company_wide_teams => 1, company_wide_seats => 0.3) AS all_teams,
       adoption_stage(3, 10, 2, 3, company_wide_teams => 1) AS not_all_teams,
       adoption_stage(2, 1000, 2, 100, 0, 0) AS zero_thresholds;

-- STRICT: any NULL argument gives NULL
SELECT adoption_stage(NULL, 10, 1, 2) AS a, adoption_stage(1, NULL, 1, 2) AS b,
       adoption_stage(1, 10, NULL, 2) AS c, adoption_stage(1, 10, 1, NULL) AS d,
       adoption_stage(1, 10, 1, 2, NULL) AS e, adoption_stage(1, 10, 1, 2, 0.5, NULL) AS f;

-- invalid arguments: 22023 naming the argument
SELECT q AS call, pg_temp.try('SELECT adoption_stage' || q) AS result
FROM (VALUES ('(-1, 10, 1, 2)'),
             ('(2, -1, 1, 2)'),
             ('(2, 10, -1, 2)'),
             ('(2, 10, 1, -1)'),
             ('(2, 10, 3, 2)'),
             ('(2, 10, 1, 0)'),
             ('(2, 10, 1, 2, 1.5)'),
             ('(2, 10, 1, 2, -0.1)'),
             ('(2, 10, 1, 2, ''NaN'')'),
             ('(2, 10, 1, 2, 0.5, 2)'),
             ('(2, 10, 1, 2, 0.5, ''-infinity'')')) v(q);

-- ==================================================================
-- Health scores
-- ==================================================================
-- One component a, red 0, green 10: score = clamp(a / 10, 0, 1) * 100;
-- grades 40 / 70 by default.
--   a = 0 (exactly red): 0, red      a = 10 (exactly green): 100, green
--   a = 5: 50, yellow                a = -3: clamped to 0, red
--   a = 20: clamped to 100, green
--   a = 4: 0.4 * 100 rounds to exactly 40; red is "below 40": yellow
--   a = 7: 0.7 * 100 rounds to exactly 70; green is "at or above": green
--   a = 3.99: 0.399 * 100 = 39.9 (39.900000000000006 in binary floating
--             point), red
--   a = 6.99: 69.9, yellow
SELECT a, health_score(jsonb_build_object('a', a), m) AS score,
       health_grade(jsonb_build_object('a', a), m) AS grade
FROM (VALUES ('{"components": {"a": {"red": 0, "green": 10}}}'::jsonb)) mm(m),
     (VALUES (0), (10), (5), (-3), (20), (4), (7), (3.99), (6.99)) v(a)
ORDER BY a;

-- "Lower is better": red 5 > green 1 (open tickets).  score =
-- clamp((b - 5) / (1 - 5), 0, 1) * 100:
--   b = 5: 0 (at red)   b = 1: 100 (at green)   b = 2: -3 / -4 = 0.75: 75
--   b = 0: 1.25 -> 100  b = 7: -0.5 -> 0         b = 3: 0.5: 50
SELECT b, health_score(jsonb_build_object('b', b), m) AS score,
       health_grade(jsonb_build_object('b', b), m) AS grade
FROM (VALUES ('{"components": {"b": {"weight": 2, "red": 5, "green": 1}}}'::jsonb)) mm(m),
     (VALUES (5), (1), (2), (0), (7), (3)) v(b)
ORDER BY b;

-- Weights: a weight 3, b weight 1 (default), both red 0 green 100.
--   a = 100, b = 0:  (3 * 100 + 1 * 0) / 4 = 75
--   a = 0, b = 100:  100 / 4 = 25
--   a = 50, b = 50:  50
-- Missing b (absent, or JSON null):
--   skip (default): weights renormalised over a: 300 / 3 = 100
--   zero: b scores 0 and counts: 300 / 4 = 75
--   error: ERROR, signal "b" is missing
CREATE TEMP TABLE ab (policy text, m jsonb);
INSERT INTO ab
SELECT p, jsonb_build_object('missing', p, 'components',
          '{"a": {"weight": 3, "red": 0, "green": 100}, "b": {"red": 0, "green": 100}}'::jsonb)
FROM unnest(ARRAY['skip', 'zero', 'error']) p;
INSERT INTO ab VALUES ('(default)',
    '{"components": {"a": {"weight": 3, "red": 0, "green": 100}, "b": {"red": 0, "green": 100}}}');

SELECT policy, sig::text AS signals, pg_temp.try(format('SELECT health_score(%L, %L)', sig, m)) AS score,
       pg_temp.try(format('SELECT health_grade(%L, %L)', sig, m)) AS grade
FROM ab, (VALUES ('{"a": 100, "b": 0}'::jsonb), ('{"a": 0, "b": 100}'), ('{"a": 50, "b": 50}'),
                 ('{"a": 100}'), ('{"a": 100, "b": null}')) v(sig)
ORDER BY policy, sig::text;

-- All components missing, under each policy:
--   skip: no component counts: score NULL, grade NULL; the breakdown shows
--         both components with value, score and contribution NULL
--   zero: both score 0 and count: score 0, grade red; contributions 0
--   error: ERROR naming the first missing component (in name order): a
SELECT policy, sig::text AS signals, pg_temp.try(format('SELECT health_score(%L, %L)', sig, m)) AS score,
       pg_temp.try(format('SELECT health_grade(%L, %L)', sig, m)) AS grade
FROM ab, (VALUES ('{}'::jsonb), ('{"a": null, "b": null}'), ('{"c": 1}')) v(sig)
ORDER BY policy, sig::text;
SELECT policy, b.* FROM ab, LATERAL health_breakdown('{"a": null}', m) b
WHERE policy IN ('skip', 'zero') ORDER BY policy, component;
SELECT health_breakdown('{"a": 1}', m) FROM ab WHERE policy = 'error';

-- Weight 0: the component is shown and scored but adds nothing.
--   a = 100 (weight 1), z = 0 (weight 0): 100 / 1 = 100
--   only z present (skip): the counted weights sum to 0: score NULL, and
--   z's row has its score (50) but no contribution
SELECT health_score(sig, m) AS score, health_grade(sig, m) AS grade
FROM (VALUES ('{"components": {"a": {"red": 0, "green": 100},
                               "z": {"weight": 0, "red": 0, "green": 100}}}'::jsonb)) mm(m),
     (VALUES ('{"a": 100, "z": 0}'::jsonb), ('{"z": 50}')) v(sig);
SELECT * FROM health_breakdown('{"z": 50}',
    '{"components": {"a": {"red": 0, "green": 100}, "z": {"weight": 0, "red": 0, "green": 100}}}');

-- Grades: red 50, green 50 (a single boundary): 49.9 red, 50 green;
-- red 0, green 100: 0 yellow (not below 0), 99.9 yellow, 100 green.
SELECT a, health_grade(jsonb_build_object('a', a),
                       '{"components": {"a": {"red": 0, "green": 100}}, "grades": {"red": 50, "green": 50}}') AS g_50_50,
       health_grade(jsonb_build_object('a', a),
                    '{"components": {"a": {"red": 0, "green": 100}}, "grades": {"red": 0, "green": 100}}') AS g_0_100
FROM (VALUES (49.9), (50), (0), (99.9), (100)) v(a) ORDER BY a;

-- The example model of doc/reference.md (Health scores), with
--   adoption_rate 0.5: (0.5 - 0.2) / (0.6 - 0.2) = 0.75: 75, weight 3
--   dau_mau 0.1: (0.1 - 0.05) / (0.25 - 0.05) = 0.25: 25, weight 2
--   nps 30: 30 / 50 = 0.6: 60, weight 1
--   open_sev1 1: (1 - 3) / (0 - 3) = 2/3: 66.66666666666666, weight 2
-- (in binary floating point the first three are exact, 75, 25 and 60)
--   score = (225 + 50 + 60 + 133.333...) / 8 = 468.333... / 8
--         = 58.541666666666664: yellow (40 <= score < 70)
--   contributions: 225/8 = 28.125, 50/8 = 6.25, 60/8 = 7.5,
--                  133.333.../8 = 16.666666666666664; they sum to the score
-- The rows come in component name order.
CREATE TEMP TABLE spec AS SELECT
'{"components": {
   "adoption_rate":   {"weight": 3, "red": 0.2, "green": 0.6},
   "dau_mau":         {"weight": 2, "red": 0.05, "green": 0.25},
   "nps":             {"weight": 1, "red": 0,   "green": 50},
   "open_sev1":       {"weight": 2, "red": 3,   "green": 0}},
 "grades": {"red": 40, "green": 70},
 "missing": "skip"}'::jsonb AS m;

SELECT health_score(sig, m) AS score, health_grade(sig, m) AS grade
FROM spec, (VALUES ('{"adoption_rate": 0.5, "dau_mau": 0.1, "nps": 30, "open_sev1": 1}'::jsonb)) v(sig);
SELECT b.* FROM spec,
     LATERAL health_breakdown('{"adoption_rate": 0.5, "dau_mau": 0.1, "nps": 30, "open_sev1": 1}', m) b;
SELECT round(sum(contribution)::numeric, 12) AS sum_of_contributions FROM spec,
     LATERAL health_breakdown('{"adoption_rate": 0.5, "dau_mau": 0.1, "nps": 30, "open_sev1": 1}', m) b;

-- The same account without an NPS answer (nps absent):
--   skip: (225 + 50 + 133.333...) / 7 = 58.33333333333333, yellow
--   zero: (225 + 50 + 0 + 133.333...) / 8 = 51.041666666666664, yellow
--   error: ERROR, signal "nps" is missing
-- and an account red everywhere (adoption 0.1, dau_mau 0.01, nps -10,
-- 5 open sev1: every component below red, clamped to 0): 0, red; signals
-- that are not components (extra) are ignored.
SELECT p AS policy,
       pg_temp.try(format('SELECT health_score(%L, %L)', sig, m || jsonb_build_object('missing', p))) AS score,
       pg_temp.try(format('SELECT health_grade(%L, %L)', sig, m || jsonb_build_object('missing', p))) AS grade
FROM spec, unnest(ARRAY['skip', 'zero', 'error']) p,
     (VALUES ('{"adoption_rate": 0.5, "dau_mau": 0.1, "open_sev1": 1}'::jsonb)) v(sig);
SELECT health_score(sig, m) AS score, health_grade(sig, m) AS grade FROM spec,
     (VALUES ('{"adoption_rate": 0.1, "dau_mau": 0.01, "nps": -10, "open_sev1": 5, "extra": "text"}'::jsonb)) v(sig);
-- zero: the missing nps row has score 0 and contribution 0, the others
-- contribute over 8: 28.125, 6.25, 16.666666666666664
SELECT b.* FROM spec,
     LATERAL health_breakdown('{"adoption_rate": 0.5, "dau_mau": 0.1, "open_sev1": 1}',
                              m || '{"missing": "zero"}') b;

-- The error itself, with its hint
SELECT health_score('{"adoption_rate": 0.5}', m || '{"missing": "error"}') FROM spec;

-- A NULL argument: NULL (STRICT)
SELECT health_score(NULL, m) AS s1, health_score('{}', NULL) AS s2,
       health_grade(NULL, m) AS g, (SELECT count(*) FROM health_breakdown(NULL, m)) AS b
FROM spec;

-- A huge model: 10000 components c1 .. c10000, red 0, green 10, weight 1,
-- and the signal ci = i % 11 (0 .. 10), scoring 10 * (i % 11).  i = 1 ..
-- 9999 is 909 full cycles of the residues 0 .. 10 (sum 55 each), i = 10000
-- has residue 1: sum of scores = 10 * (909 * 55 + 1) = 499960, mean
-- 49.996: yellow.  The breakdown has 10000 rows, in name order ('c1',
-- 'c10', 'c100', 'c1000', 'c10000', 'c1001', ...).
CREATE TEMP TABLE huge AS
SELECT jsonb_build_object('components',
           jsonb_object_agg('c' || i, jsonb_build_object('red', 0, 'green', 10))) AS m,
       jsonb_object_agg('c' || i, i % 11) AS sig
FROM generate_series(1, 10000) i;
SELECT round(health_score(sig, m)::numeric, 9) AS score, health_grade(sig, m) AS grade,
       (SELECT count(*) FROM health_breakdown(sig, m)) AS rows,
       (SELECT string_agg(component, ',') FROM (SELECT component FROM health_breakdown(sig, m) LIMIT 6) b) AS first_rows
FROM huge;

-- ------------------------------------------------------------------
-- Malformed models: 22023 'invalid health model: ...', naming the
-- component where there is one.  Signals {"a": 1}.
-- ------------------------------------------------------------------
SELECT model, pg_temp.try(format('SELECT health_score(%L, %L)', '{"a": 1}', model)) AS result
FROM (VALUES
    -- not an object, or nothing to score
    ('{}'),
    ('[]'),
    ('"a"'),
    ('null'),
    ('{"components": {}}'),
    ('{"components": []}'),
    ('{"components": null}'),
    ('{"grades": {"red": 40, "green": 70}}'),
    -- a component that is not an object
    ('{"components": {"a": 1}}'),
    ('{"components": {"a": [0, 1]}}'),
    ('{"components": {"a": null}}'),
    -- weights
    ('{"components": {"a": {"weight": -1, "red": 0, "green": 1}}}'),
    ('{"components": {"a": {"weight": -0.001, "red": 0, "green": 1}}}'),
    ('{"components": {"a": {"weight": "3", "red": 0, "green": 1}}}'),
    ('{"components": {"a": {"weight": null, "red": 0, "green": 1}}}'),
    ('{"components": {"a": {"weight": 0, "red": 0, "green": 1}}}'),
    ('{"components": {"a": {"weight": 0, "red": 0, "green": 1}, "b": {"weight": 0, "red": 0, "green": 1}}}'),
    -- red and green
    ('{"components": {"a": {"red": 1, "green": 1}}}'),
    ('{"components": {"a": {"red": 0, "green": -0}}}'),
    ('{"components": {"a": {"red": 0.5, "green": 0.50}}}'),
    ('{"components": {"a": {"green": 1}}}'),
    ('{"components": {"a": {"red": 0}}}'),
    ('{"components": {"a": {}}}'),
    ('{"components": {"a": {"red": "low", "green": 1}}}'),
    ('{"components": {"a": {"red": 0, "green": true}}}'),
    -- unknown keys
    ('{"components": {"a": {"red": 0, "green": 1, "threshold": 5}}}'),
    ('{"components": {"a": {"red": 0, "green": 1}}, "component": {}}'),
    ('{"components": {"a": {"red": 0, "green": 1}}, "grades": {"red": 40, "amber": 55}}'),
    -- grades
    ('{"components": {"a": {"red": 0, "green": 1}}, "grades": {"red": 80, "green": 70}}'),
    ('{"components": {"a": {"red": 0, "green": 1}}, "grades": {"red": 80}}'),
    ('{"components": {"a": {"red": 0, "green": 1}}, "grades": {"red": "40"}}'),
    ('{"components": {"a": {"red": 0, "green": 1}}, "grades": [40, 70]}'),
    -- missing
    ('{"components": {"a": {"red": 0, "green": 1}}, "missing": "ignore"}'),
    ('{"components": {"a": {"red": 0, "green": 1}}, "missing": "SKIP"}'),
    ('{"components": {"a": {"red": 0, "green": 1}}, "missing": null}'),
    -- the problem is named in the second component too
    ('{"components": {"a": {"red": 0, "green": 1}, "b": {"weight": -2, "red": 0, "green": 1}}}')
) v(model);

-- The same errors from health_grade and health_breakdown, and the message
-- as the client sees it
SELECT pg_temp.try($$SELECT health_grade('{"a": 1}', '{"components": {"a": {"red": 1, "green": 1}}}')$$) AS grade,
       pg_temp.try($$SELECT count(*) FROM health_breakdown('{"a": 1}', '{"components": {"a": {"red": 1, "green": 1}}}')$$) AS breakdown;
SELECT health_score('{"a": 1}', '{"components": {"a": {"weight": -1, "red": 0, "green": 1}}}');

-- A huge malformed model: 10000 components, one of them (c7777) with
-- red = green; the error names it.
SELECT pg_temp.try(format('SELECT health_score(%L, %L)', '{}',
           jsonb_build_object('components', jsonb_object_agg('c' || i,
               jsonb_build_object('red', CASE WHEN i = 7777 THEN 10 ELSE 0 END, 'green', 10)))))
       AS huge_malformed
FROM generate_series(1, 10000) i;

-- ------------------------------------------------------------------
-- Bad signals: 22023
-- ------------------------------------------------------------------
SELECT sig, pg_temp.try(format('SELECT health_score(%L, %L)', sig,
                               '{"components": {"a": {"red": 0, "green": 1}}}')) AS result
FROM (VALUES
    ('{"a": "5"}'),          -- a string, even of digits
    ('{"a": true}'),
    ('{"a": [1]}'),
    ('{"a": {"value": 1}}'),
    ('[1]'),                 -- not an object
    ('5'),
    ('"a"'),
    ('null'),                -- the JSON null document, not SQL NULL
    ('{"b": "x", "a": 1}')   -- a non-number that is not a component: ignored, score 100
) v(sig);

RESET DateStyle;
RESET TimeZone;

-- ------------------------------------------------------------------
-- Numbers beyond float8, and overflowing arithmetic: errors that name
-- the component or signal, never Infinity or NaN
-- ------------------------------------------------------------------
SELECT health_score('{"a": 1}', '{"components": {"a": {"weight": 1e308, "red": 0, "green": 1}}}');
SELECT health_score('{"a": 1, "b": 1}', '{"components": {"a": {"weight": 1e308, "red": 0, "green": 1}, "b": {"weight": 1e308, "red": 0, "green": 1}}}');
SELECT health_score('{"a": 1e400}', '{"components": {"a": {"red": 0, "green": 1}}}');
SELECT health_score('{"a": 1}', '{"components": {"a": {"weight": 1e400, "red": 0, "green": 1}}}');
-- a weight too small for float8 is 0
SELECT health_score('{"a": 1, "b": 0}', '{"components": {"a": {"weight": 1e-400, "red": 0, "green": 1}, "b": {"red": 0, "green": 1}}}');
SELECT health_score('{"a": 0}', '{"components": {"a": {"red": -1e308, "green": 1e308}}}');
-- an unknown key is reported as unknown whatever its value
SELECT health_score('{"a": 1}', '{"components": {"a": {"red": 0, "green": 1, "note": "x"}}}');

-- ------------------------------------------------------------------
-- The examples of the reference's "Evaluating and fitting health models",
-- with the outputs it shows
-- ------------------------------------------------------------------
SELECT score_auc(score, renewed) AS auc
FROM (VALUES (80.0, true), (65, true), (65, false), (40, false), (90, true), (NULL, false)) v(score, renewed);

WITH rows AS (
    SELECT i, jsonb_build_object('adoption_rate', (i % 10) / 10.0, 'open_tickets', i % 4) AS signals,
           (i % 10) >= 3 + (i % 4) AS renewed
    FROM generate_series(1, 200) i)
SELECT jsonb_pretty(health_fit(signals, renewed,
         '{"components": {"adoption_rate": {"weight": 1, "red": 0.2, "green": 0.6},
                          "open_tickets": {"weight": 1, "red": 3, "green": 0}},
           "fit": {"l2": 1}}'))
FROM rows;
