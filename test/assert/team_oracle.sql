--
-- team_oracle: champion, champion_share, effective_users, frequency,
-- seat_activation, the team-as-actor recipe, adoption_stage and the health
-- functions (health_score, health_grade, health_breakdown) against
-- independent plain-SQL formulations of their definitions, on the
-- generated data set.
--
-- Expects the tables of data/generate.sql (accounts, users, events) in the
-- current database and the extension installed.  Raises an exception that
-- names the function, the account (or signal row) and the arguments on any
-- mismatch.
--
-- The oracle reads the definitions of doc/reference.md (Conventions,
-- Team-level adoption, Health scores) literally:
--   * a summary is the set of distinct (user, feature, day) triples of a
--     group, day = occurred_at::date in the session TimeZone, rows with a
--     NULL user or day skipped;
--   * the window of (as_of, days) is (as_of - days, as_of]; rows after
--     as_of are ignored; a NULL as_of or days gives NULL (no rows for
--     frequency);
--   * x(u) = the distinct days user u is active in the window;
--     champion = the user with the largest x (ties: the smallest user id in
--     the id type's own order: numeric for integers, byte order for text
--     and uuid), share = x / sum(x), last_day = their last active day up to
--     as_of; champion_share = max(x) / sum(x); effective_users =
--     sum(x)^2 / sum(x^2); all NULL when nobody is active;
--   * frequency: for k = 1 .. days, the users with x = k (0 where none);
--   * seat_activation = users active on or before as_of / seats (NULL for
--     0 or NULL seats);
--   * adoption_stage: the first of its rules (doc/reference.md) that holds;
--   * a health component scores clamp((v - red) / (green - red), 0, 1) * 100;
--     the score is the weighted mean over the counted components (present
--     ones; under "zero" also the missing ones, scoring 0).
\ir lib/common.sql
-- not UTC, and a half-hour offset: the evening (UTC) events of American
-- accounts fall on the next day here
SET TimeZone = 'Asia/Kolkata';

-- ------------------------------------------------------------------
-- Edge rows added to the generated events
-- ------------------------------------------------------------------
-- rows with a NULL user or a NULL time in real accounts (skipped), and an
-- account whose rows all have a NULL user (its summary is NULL)
SELECT pg_temp.add_skipped_events('dashboards', '2026-01-15 12:00+05:30');
-- A hand-made account -2 (no row in accounts: no seats) whose users tie:
--   999999999 and 1000000000 are active on the same two days,
--   1000000001 on one of them.  The smallest id differs between the id
--   types of the summaries below: bigint 999999999; integer (even ids
--   negated) -1000000000; text ('é999999999', 'Z1000000000' and
--   'a1000000001': 'Z1000000000' first in byte order, last in a linguistic
--   one).  The three users are also in the users table, the first two in
--   the same department, the third without one (a NULL actor in the team
--   summary, skipped).
INSERT INTO events (account_id, user_id, feature, occurred_at) VALUES
    (-2, 999999999,  'dashboards', '2026-06-27 10:00+05:30'),
    (-2, 999999999,  'reports',    '2026-06-28 10:00+05:30'),
    (-2, 1000000000, 'reports',    '2026-06-27 23:59:59.999999+05:30'),
    (-2, 1000000000, NULL,         '2026-06-28 00:00:00+05:30'),
    (-2, 1000000001, 'dashboards', '2026-06-28 11:00+05:30');
INSERT INTO users (user_id, account_id, role, department, invited_at) VALUES
    (999999999,  -2, 'member', 'data', '2026-06-01'),
    (1000000000, -2, 'member', 'data', '2026-06-01'),
    (1000000001, -2, 'member', NULL,   '2026-06-01');

-- The data must exercise what is tested here.
SELECT pg_temp.require_data(features => 3, accounts => 4);
DO $$
BEGIN
    IF (SELECT max(n) FROM (SELECT count(DISTINCT department) AS n FROM users
                             GROUP BY account_id) d) < 3 THEN
        RAISE EXCEPTION 'generated data has no account with 3 teams';
    END IF;
END $$;

-- ------------------------------------------------------------------
-- The oracle's view of the data: the set of triples, and the accounts
-- that have one, with their seats
-- ------------------------------------------------------------------
SELECT pg_temp.create_triples();

-- active (user, day) pairs, whatever the feature
CREATE TEMP TABLE user_days AS
SELECT DISTINCT account_id, user_id, day FROM triples;
ANALYZE user_days;

-- reference days: before all data, the first day, inside, the last day,
-- after the end
CREATE TEMP TABLE as_ofs AS
SELECT v.as_of
FROM (SELECT min(day) AS lo, max(day) AS hi FROM triples) b,
     LATERAL (VALUES (lo - 1), (lo), (lo + (hi - lo) / 3), (lo + 2 * (hi - lo) / 3),
                     (hi - 2), (hi), (hi + 20)) v(as_of);

-- windows; 600 days is longer than the whole data set
CREATE TEMP TABLE windows AS
SELECT as_of, days FROM as_ofs, (VALUES (1), (2), (7), (30), (90), (600)) d(days);

-- feature filters: NULL (any activity), every feature used, one nobody used
CREATE TEMP TABLE feats AS
SELECT NULL::text AS feature
UNION ALL SELECT DISTINCT feature FROM events WHERE feature IS NOT NULL
UNION ALL SELECT 'no such feature';

-- ------------------------------------------------------------------
-- The user ids of each variant, as the summary holds them, with the
-- id's text form and its rank in the id type's own order
--   bigint   user_id
--   integer  user_id, negated when even (both signs in every account)
--   text     'Z', 'a' or 'é' (by user_id % 3) || user_id: byte order
--            differs from numeric order and from a linguistic collation
--   uuid     md5(user_id::text)::uuid
-- ------------------------------------------------------------------
CREATE FUNCTION pg_temp.int_id(u bigint) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT (CASE WHEN u % 2 = 0 THEN -u ELSE u END)::integer $$;
CREATE FUNCTION pg_temp.text_id(u bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT (ARRAY['é', 'Z', 'a'])[u % 3 + 1] || u $$;
CREATE FUNCTION pg_temp.uuid_id(u bigint) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$ SELECT md5(u::text)::uuid $$;

CREATE TEMP TABLE ids AS SELECT DISTINCT user_id FROM triples;

CREATE TEMP TABLE user_map AS
SELECT 'bigint' AS variant, user_id, user_id::text AS id_text,
       row_number() OVER (ORDER BY user_id) AS rank
FROM ids
UNION ALL
SELECT 'integer', user_id, pg_temp.int_id(user_id)::text,
       row_number() OVER (ORDER BY pg_temp.int_id(user_id))
FROM ids
UNION ALL
SELECT 'text', user_id, pg_temp.text_id(user_id),
       row_number() OVER (ORDER BY pg_temp.text_id(user_id) COLLATE "C")
FROM ids
UNION ALL
SELECT 'uuid', user_id, pg_temp.uuid_id(user_id)::text,
       row_number() OVER (ORDER BY pg_temp.uuid_id(user_id))
FROM ids;
CREATE INDEX ON user_map (variant, user_id);
ANALYZE user_map;

-- ------------------------------------------------------------------
-- The summaries, built once per account and user-id type
-- ------------------------------------------------------------------
CREATE TEMP TABLE summaries AS
SELECT 'bigint' AS variant, account_id,
       activity_agg(user_id, occurred_at, feature) AS act
FROM events GROUP BY account_id
UNION ALL
SELECT 'integer', account_id,
       activity_agg(pg_temp.int_id(user_id), occurred_at::date, feature)
FROM events GROUP BY account_id
UNION ALL
SELECT 'text', account_id,
       activity_agg(pg_temp.text_id(user_id), occurred_at, feature)
FROM events GROUP BY account_id
UNION ALL
SELECT 'uuid', account_id,
       activity_agg(pg_temp.uuid_id(user_id), occurred_at::date, feature)
FROM events GROUP BY account_id;

-- ------------------------------------------------------------------
-- Comparison helpers and the table of all comparisons
-- ------------------------------------------------------------------
-- (pg_temp.same and pg_temp.args: lib/common.sql)

-- scores in [0, 100]: an absolute tolerance (sums in another order)
CREATE FUNCTION pg_temp.near(got float8, want float8) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN got IS NULL OR want IS NULL THEN got IS NULL AND want IS NULL
                ELSE abs(got - want) <= 1e-9 END
$$;

SELECT pg_temp.create_results();

-- ------------------------------------------------------------------
-- x per (account, window, feature filter, user): the distinct days the
-- user is active (on the feature) in the window
-- ------------------------------------------------------------------
CREATE TEMP TABLE o_ux AS
SELECT d.account_id, w.as_of, w.days, NULL::text AS feature, d.user_id,
       count(*) AS x
FROM user_days d JOIN windows w ON d.day > w.as_of - w.days AND d.day <= w.as_of
GROUP BY 1, 2, 3, 4, 5
UNION ALL
SELECT t.account_id, w.as_of, w.days, t.feature, t.user_id,
       count(DISTINCT t.day)
FROM triples t JOIN windows w ON t.day > w.as_of - w.days AND t.day <= w.as_of
WHERE t.feature IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;
CREATE INDEX ON o_ux (account_id, as_of, days);
ANALYZE o_ux;

-- the windows compared, NULL as_of and NULL days included
CREATE TEMP TABLE cwindows AS
SELECT as_of, days FROM windows
UNION ALL SELECT NULL, 30
UNION ALL SELECT (SELECT max(as_of) FROM as_ofs), NULL;

-- ------------------------------------------------------------------
-- champion(act, as_of, days): all four fields
-- ------------------------------------------------------------------
CREATE TEMP TABLE want_champion AS
SELECT DISTINCT ON (x.account_id, x.as_of, x.days, m.variant)
       x.account_id, x.as_of, x.days, m.variant,
       m.id_text AS user_id, x.x AS active_days,
       x.x::float8 / sum(x.x) OVER (PARTITION BY x.account_id, x.as_of, x.days, m.variant) AS share,
       (SELECT max(d.day) FROM user_days d
         WHERE d.account_id = x.account_id AND d.user_id = x.user_id
           AND d.day <= x.as_of) AS last_day,
       -- users sharing the champion's x
       count(*) OVER (PARTITION BY x.account_id, x.as_of, x.days, m.variant, x.x) AS tied
FROM o_ux x JOIN user_map m USING (user_id)
WHERE x.feature IS NULL
ORDER BY x.account_id, x.as_of, x.days, m.variant, x.x DESC, m.rank;

INSERT INTO results
SELECT 'champion', s.variant, s.account_id, pg_temp.args(w.as_of, w.days),
       row(g.user_id, g.active_days, g.share, g.last_day)::text,
       row(o.user_id, o.active_days, o.share, o.last_day)::text
           || CASE WHEN o.tied > 1 THEN format(' (%s tied)', o.tied) ELSE '' END,
       g.user_id IS NOT DISTINCT FROM o.user_id
       AND g.active_days IS NOT DISTINCT FROM o.active_days::int
       AND pg_temp.same(g.share, o.share)
       AND g.last_day IS NOT DISTINCT FROM o.last_day,
       o.user_id IS NOT NULL
FROM summaries s JOIN accts USING (account_id)
     CROSS JOIN cwindows w
     LEFT JOIN want_champion o
            ON o.account_id = s.account_id AND o.as_of = w.as_of AND o.days = w.days
           AND o.variant = s.variant,
     LATERAL champion(s.act, w.as_of, w.days) g;

-- ------------------------------------------------------------------
-- champion_share = max(x) / sum(x); effective_users = sum(x)^2 / sum(x^2)
-- ------------------------------------------------------------------
CREATE TEMP TABLE want_spread AS
SELECT account_id, as_of, days,
       max(x)::float8 / sum(x)::float8 AS champion_share,
       sum(x)::float8 ^ 2 / sum(x * x)::float8 AS effective_users,
       count(*) AS users
FROM o_ux WHERE feature IS NULL
GROUP BY 1, 2, 3;

-- champion_share and effective_users, each against its column of want_spread
INSERT INTO results
SELECT f.fn, s.variant, s.account_id, pg_temp.args(w.as_of, w.days),
       g.got::text, g.want::text, pg_temp.same(g.got, g.want), g.want IS NOT NULL
FROM summaries s JOIN accts USING (account_id)
     CROSS JOIN cwindows w
     LEFT JOIN want_spread o
            ON o.account_id = s.account_id AND o.as_of = w.as_of AND o.days = w.days
     CROSS JOIN (VALUES ('champion_share'), ('effective_users')) f(fn),
     LATERAL (SELECT CASE f.fn WHEN 'champion_share' THEN champion_share(s.act, w.as_of, w.days)
                               ELSE effective_users(s.act, w.as_of, w.days) END AS got,
                     CASE f.fn WHEN 'champion_share' THEN o.champion_share
                               ELSE o.effective_users END AS want) g;

-- ------------------------------------------------------------------
-- frequency(act, as_of, days, feature): every row, k = 1 .. days, in order
-- ------------------------------------------------------------------
CREATE TEMP TABLE fwindows AS
SELECT w.as_of, w.days, f.feature
FROM windows w, feats f
WHERE w.days < 600 OR f.feature IS NULL;

CREATE TEMP TABLE want_frequency AS
SELECT a.account_id, w.as_of, w.days, w.feature, k.k AS active_days,
       coalesce(n.users, 0) AS users
FROM accts a CROSS JOIN fwindows w
     CROSS JOIN LATERAL generate_series(1, w.days) k(k)
     LEFT JOIN (SELECT account_id, as_of, days, feature, x, count(*) AS users
                  FROM o_ux GROUP BY 1, 2, 3, 4, 5) n
            ON n.account_id = a.account_id AND n.as_of = w.as_of AND n.days = w.days
           AND n.feature IS NOT DISTINCT FROM w.feature AND n.x = k.k;

CREATE TEMP TABLE got_frequency AS
SELECT s.variant, s.account_id, w.as_of, w.days, w.feature, r.active_days, r.users, r.ord
FROM summaries s JOIN accts USING (account_id)
     CROSS JOIN fwindows w,
     LATERAL frequency(s.act, w.as_of, w.days, w.feature)
             WITH ORDINALITY AS r(active_days, users, ord)
WHERE s.variant IN ('bigint', 'uuid');
ANALYZE want_frequency;
ANALYZE got_frequency;

INSERT INTO results
SELECT 'frequency', coalesce(g.variant, v.variant), coalesce(g.account_id, o.account_id),
       pg_temp.args(coalesce(g.as_of, o.as_of), coalesce(g.days, o.days),
                    coalesce(g.feature, o.feature))
           || '; row for active_days ' || coalesce(g.active_days, o.active_days),
       CASE WHEN g.variant IS NOT NULL THEN format('users %s, row %s', g.users, g.ord) END,
       CASE WHEN o.account_id IS NOT NULL THEN format('users %s, row %s', o.users, o.active_days) END,
       g.variant IS NOT NULL AND o.account_id IS NOT NULL
       AND g.users = o.users AND g.ord = o.active_days,
       coalesce(o.users > 0, false)
FROM (VALUES ('bigint'), ('uuid')) v(variant)
     CROSS JOIN want_frequency o
     FULL JOIN got_frequency g
            ON g.variant = v.variant AND g.account_id = o.account_id AND g.as_of = o.as_of
           AND g.days = o.days AND g.feature IS NOT DISTINCT FROM o.feature
           AND g.active_days = o.active_days;

-- frequency with a NULL as_of or NULL days: no rows
INSERT INTO results
SELECT 'frequency', s.variant, s.account_id, pg_temp.args(w.as_of, w.days, f.feature) || '; row count',
       g.n::text, '0', g.n = 0, false
FROM summaries s JOIN accts USING (account_id),
     (VALUES (NULL::date, 30), ((SELECT max(as_of) FROM as_ofs), NULL::int)) w(as_of, days),
     (VALUES (NULL::text), ('dashboards')) f(feature),
     LATERAL (SELECT count(*) AS n FROM frequency(s.act, w.as_of, w.days, f.feature)) g;

-- ------------------------------------------------------------------
-- seat_activation(act, seats, as_of) = users active on or before as_of /
-- seats; NULL for 0 or NULL seats or a NULL as_of
-- ------------------------------------------------------------------
INSERT INTO results
SELECT 'seat_activation', s.variant, s.account_id,
       format('seats => %s, as_of => %s', coalesce(k.seats::text, 'NULL'),
              coalesce(quote_literal(u.as_of::text), 'NULL')),
       g.got::text, x.want::text, pg_temp.same(g.got, x.want), coalesce(x.want > 0, false)
FROM summaries s JOIN accts a USING (account_id),
     (SELECT as_of FROM as_ofs UNION ALL SELECT NULL) u,
     LATERAL (SELECT a.seats::bigint AS seats
              UNION ALL SELECT v.seats FROM (VALUES (0::bigint), (NULL), (1), (3)) v(seats)) k,
     LATERAL (SELECT CASE WHEN k.seats IS NULL OR k.seats = 0 OR u.as_of IS NULL THEN NULL
                          ELSE (SELECT count(DISTINCT d.user_id) FROM user_days d
                                 WHERE d.account_id = s.account_id AND d.day <= u.as_of)::float8
                               / k.seats END AS want) x,
     LATERAL (SELECT seat_activation(s.act, k.seats, u.as_of) AS got) g;

-- ------------------------------------------------------------------
-- The team as the actor (doc/reference.md, Recipes): a summary built with the department
-- as the id gives active teams with active_users
-- ------------------------------------------------------------------
CREATE TEMP TABLE team_summaries AS
SELECT e.account_id, activity_agg(u.department, e.occurred_at, e.feature) AS act
FROM events e JOIN users u USING (user_id)
GROUP BY e.account_id;

-- teams active in the window (on the feature), from the events themselves
CREATE TEMP TABLE team_triples AS
SELECT DISTINCT e.account_id, u.department, e.feature, e.occurred_at::date AS day
FROM events e JOIN users u USING (user_id)
WHERE e.occurred_at IS NOT NULL;
CREATE INDEX ON team_triples (account_id, day);
ANALYZE team_triples;

CREATE TEMP TABLE o_teams AS
SELECT a.account_id, w.as_of, w.days, f.feature,
       (SELECT count(DISTINCT t.department)
          FROM team_triples t
         WHERE t.account_id = a.account_id
           AND t.day > w.as_of - w.days AND t.day <= w.as_of
           AND (f.feature IS NULL OR t.feature = f.feature)) AS active_teams
FROM accts a, windows w, feats f
WHERE w.days < 600;

INSERT INTO results
SELECT 'active_users (team as actor)', 'department', o.account_id,
       pg_temp.args(o.as_of, o.days, o.feature),
       g.got::text, o.active_teams::text,
       coalesce(g.got, 0) = o.active_teams AND (g.got IS NOT NULL OR t.act IS NULL),
       o.active_teams > 0
FROM o_teams o LEFT JOIN team_summaries t USING (account_id),
     LATERAL (SELECT active_users(t.act, o.as_of, o.days, o.feature) AS got) g;

-- ------------------------------------------------------------------
-- adoption_stage over every account and window, its inputs computed by the
-- extension (active users, active teams) and by the oracle (the rule)
-- ------------------------------------------------------------------
CREATE TEMP TABLE thresholds AS
SELECT * FROM (VALUES (0.5::float8, 0.4::float8), (0.3, 0.2), (1, 1), (0, 0), (0.75, 0.1))
    v(teams_share, seats_share);

CREATE FUNCTION pg_temp.stage(active bigint, seats bigint, active_teams bigint, teams bigint,
                              teams_share float8, seats_share float8) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN active = 0 THEN 'none'
                WHEN active = 1 THEN 'champion'
                WHEN active_teams <= 1 THEN 'role_based'
                WHEN active_teams >= teams_share * teams
                     AND active >= seats_share * seats THEN 'company_wide'
                ELSE 'cross_team' END
$$;

CREATE TEMP TABLE stage_inputs AS
SELECT a.account_id, coalesce(a.seats, 0)::bigint AS seats, w.as_of, w.days,
       coalesce((SELECT count(DISTINCT d.user_id) FROM user_days d
                  WHERE d.account_id = a.account_id
                    AND d.day > w.as_of - w.days AND d.day <= w.as_of), 0) AS active,
       o.active_teams,
       (SELECT count(DISTINCT u.department) FROM users u
         WHERE u.account_id = a.account_id) AS teams
FROM accts a
     JOIN o_teams o ON o.account_id = a.account_id AND o.feature IS NULL
     JOIN windows w ON w.as_of = o.as_of AND w.days = o.days;

DO $$
BEGIN
    IF EXISTS (SELECT FROM stage_inputs WHERE active_teams > teams) THEN
        RAISE EXCEPTION 'team oracle: an account has more active teams than teams';
    END IF;
END $$;

INSERT INTO results
SELECT 'adoption_stage', 'accounts', i.account_id,
       format('%s; adoption_stage(%s, %s, %s, %s, %s, %s)', pg_temp.args(i.as_of, i.days),
              i.active, i.seats, i.active_teams, i.teams, h.teams_share, h.seats_share),
       g.got, x.want, g.got IS NOT DISTINCT FROM x.want, x.want <> 'none'
FROM stage_inputs i
     LEFT JOIN summaries s ON s.account_id = i.account_id AND s.variant = 'bigint'
     LEFT JOIN team_summaries t ON t.account_id = i.account_id
     CROSS JOIN thresholds h,
     LATERAL (SELECT pg_temp.stage(i.active, i.seats, i.active_teams, i.teams,
                                   h.teams_share, h.seats_share) AS want) x,
     LATERAL (SELECT adoption_stage(coalesce(active_users(s.act, i.as_of, i.days), 0),
                                    i.seats,
                                    coalesce(active_users(t.act, i.as_of, i.days), 0)::int,
                                    i.teams::int, h.teams_share, h.seats_share) AS got) g;

-- and over a grid of small inputs: 0 seats, 0 teams, every active_teams
-- from 0 to teams, the default thresholds (arguments left out) too
INSERT INTO results
SELECT 'adoption_stage', 'grid', NULL,
       format('adoption_stage(%s, %s, %s, %s, %s, %s)', u.n, s.n, at.n, t.n,
              coalesce(h.teams_share::text, 'default'), coalesce(h.seats_share::text, 'default')),
       g.got, x.want, g.got IS NOT DISTINCT FROM x.want, x.want <> 'none'
FROM generate_series(0, 6) u(n), (VALUES (0), (1), (4), (5), (10)) s(n),
     generate_series(0, 4) t(n), LATERAL generate_series(0, t.n) at(n),
     (SELECT teams_share, seats_share FROM thresholds UNION ALL SELECT NULL, NULL) h,
     LATERAL (SELECT pg_temp.stage(u.n, s.n, at.n, t.n, coalesce(h.teams_share, 0.5),
                                   coalesce(h.seats_share, 0.4)) AS want) x,
     LATERAL (SELECT CASE WHEN h.teams_share IS NULL
                          THEN adoption_stage(u.n, s.n, at.n, t.n)
                          ELSE adoption_stage(u.n, s.n, at.n, t.n, h.teams_share, h.seats_share)
                     END AS got) g;

-- ------------------------------------------------------------------
-- Health scores (doc/reference.md, Health scores)
-- ------------------------------------------------------------------
-- The models: the example of doc/reference.md under each missing policy (and with the
-- policy left out: skip), and a second one with weights and grades left
-- out (1; 40 / 70), a weight of 0, a "lower is better" component and
-- components on no signal at all.
CREATE TEMP TABLE models (name text, policy text, model jsonb);
INSERT INTO models
SELECT 'spec/' || coalesce(p.policy, 'default'), coalesce(p.policy, 'skip'),
       '{"components": {
           "adoption_rate":   {"weight": 3, "red": 0.2, "green": 0.6},
           "dau_mau":         {"weight": 2, "red": 0.05, "green": 0.25},
           "nps":             {"weight": 1, "red": 0,   "green": 50},
           "open_sev1":       {"weight": 2, "red": 3,   "green": 0}},
         "grades": {"red": 40, "green": 70}}'::jsonb
       || CASE WHEN p.policy IS NULL THEN '{}'::jsonb
               ELSE jsonb_build_object('missing', p.policy) END
FROM (VALUES (NULL), ('skip'), ('zero'), ('error')) p(policy);
INSERT INTO models
SELECT 'plain/' || p.policy, p.policy,
       jsonb_build_object('missing', p.policy, 'components',
       '{"adoption_rate": {"red": 0.1, "green": 0.5},
         "dau_mau":       {"weight": 0, "red": 0.3, "green": 0.05},
         "nps":           {"weight": 1.5, "red": -100, "green": 100},
         "Z_unused":      {"weight": 0.25, "red": 1, "green": 2},
         "open_sev1":     {"weight": 2, "red": 10, "green": 1}}'::jsonb)
FROM (VALUES ('skip'), ('zero'), ('error')) p(policy);

-- the components as the oracle reads them
CREATE TEMP TABLE model_components AS
SELECT m.name, m.policy, c.key AS component,
       coalesce((c.value ->> 'weight')::float8, 1) AS weight,
       (c.value ->> 'red')::float8 AS red,
       (c.value ->> 'green')::float8 AS green
FROM models m, jsonb_each(m.model -> 'components') c;

CREATE TEMP TABLE model_grades AS
SELECT name, coalesce((model #>> '{grades,red}')::float8, 40) AS grade_red,
       coalesce((model #>> '{grades,green}')::float8, 70) AS grade_green
FROM models;

-- The signal rows.  Per account and reference day, signals computed with
-- the accessors (a NULL one is a JSON null: missing), nps and open_sev1
-- from a hash (sometimes absent, sometimes null); and synthetic rows whose
-- values hit red, green, both sides of them, and are absent or null.
CREATE TEMP TABLE signal_rows (id text, signals jsonb);

INSERT INTO signal_rows
SELECT format('account %s, as_of %s', s.account_id, u.as_of),
       jsonb_build_object(
           'adoption_rate', adoption_rate(s.act, coalesce(a.seats, 0), u.as_of, 30),
           'dau_mau', stickiness(s.act, u.as_of, 30),
           'nps', CASE WHEN h % 5 = 1 THEN NULL ELSE (h % 131) - 30 END,
           'open_sev1', (h / 7) % 6,
           'unrelated', 'not a number, not a component')
       - CASE WHEN h % 5 = 2 THEN 'nps' WHEN h % 7 = 3 THEN 'open_sev1' ELSE '' END
FROM summaries s JOIN accts a USING (account_id), as_ofs u,
     LATERAL (SELECT hashtext(s.account_id || '/' || u.as_of) & 2147483647 AS h) hh
WHERE s.variant = 'bigint';

CREATE TEMP TABLE pick AS
SELECT * FROM (VALUES
    ('adoption_rate', ARRAY['0.2', '0.6', '0', '1', '0.35', '0.123456789', '-5', '1e6', '0.6000000001', '0.1999999999'])
  , ('dau_mau',       ARRAY['0.05', '0.25', '0', '0.3', '0.15', '0.0501', '0.2', '-1', '0.07', '1'])
  , ('nps',           ARRAY['0', '50', '-100', '100', '25', '49.99', '0.5', '-1', '17', '33'])
  , ('open_sev1',     ARRAY['3', '0', '1', '2', '10', '1', '0.5', '-2', '4', '2.5'])
  , ('Z_unused',      ARRAY['1', '2', '1.5', '0', '3', '1.25', '1.75', '-1', '5', '1.1'])) v(component, vals);

INSERT INTO signal_rows
SELECT format('synthetic %s', i), coalesce(jsonb_object_agg(p.component, v.val) FILTER (WHERE v.val IS NOT NULL), '{}')
FROM generate_series(1, 600) i CROSS JOIN pick p,
     LATERAL (SELECT hashtext(i || p.component) & 2147483647 AS h) hh,
     LATERAL (SELECT CASE WHEN h % 13 = 0 THEN NULL                -- absent
                          WHEN h % 13 = 1 THEN 'null'::jsonb       -- JSON null
                          -- every 7th row: all absent or all null
                          WHEN i % 7 = 0 THEN NULL
                          WHEN i % 7 = 1 THEN 'null'::jsonb
                          ELSE to_jsonb(p.vals[1 + (h / 13) % 10]::numeric) END AS val) v
GROUP BY i;
INSERT INTO signal_rows VALUES ('empty', '{}'), ('all null',
    '{"adoption_rate": null, "dau_mau": null, "nps": null, "open_sev1": null, "Z_unused": null}');

-- per (signal row, model, component): present, value, score, counted
CREATE TEMP TABLE want_components AS
SELECT r.id, c.name, c.policy, c.component, c.weight,
       x.present,
       CASE WHEN x.present THEN (r.signals ->> c.component)::float8 END AS value,
       CASE WHEN x.present
            THEN greatest(0, least(1, ((r.signals ->> c.component)::float8 - c.red)
                                      / (c.green - c.red))) * 100
            WHEN c.policy = 'zero' THEN 0 END AS score,
       x.present OR c.policy = 'zero' AS counted
FROM signal_rows r CROSS JOIN model_components c,
     LATERAL (SELECT coalesce(jsonb_typeof(r.signals -> c.component) <> 'null', false) AS present) x;

CREATE TEMP TABLE want_health AS
SELECT w.id, w.name, w.policy,
       CASE WHEN sum(w.weight) FILTER (WHERE w.counted) > 0
            THEN sum(w.weight * w.score) FILTER (WHERE w.counted)
                 / sum(w.weight) FILTER (WHERE w.counted) END AS score,
       sum(w.weight) FILTER (WHERE w.counted) AS counted_weight,
       bool_and(w.present) AS complete,
       array_agg(w.component ORDER BY w.component COLLATE "C")
           FILTER (WHERE NOT w.present) AS missing
FROM want_components w
GROUP BY 1, 2, 3;

ALTER TABLE want_health ADD COLUMN grade text;
UPDATE want_health h
   SET grade = CASE WHEN h.score IS NULL THEN NULL
                    WHEN h.score < g.grade_red THEN 'red'
                    WHEN h.score >= g.grade_green THEN 'green'
                    ELSE 'yellow' END
  FROM model_grades g WHERE g.name = h.name;

-- The extension's answers.  Under "error" a row with a missing signal
-- raises; the error is recorded instead of the value.
CREATE TEMP TABLE got_health (id text, name text, score float8, grade text,
                              error_score text, error_grade text, error_breakdown text);
CREATE TEMP TABLE got_breakdown (id text, name text, component text, value float8,
                                 score float8, weight float8, contribution float8, ord bigint);

DO $$
DECLARE
    r record;
    sc float8; gr text;
    e1 text; e2 text; e3 text;
BEGIN
    FOR r IN SELECT s.id, s.signals, m.name, m.model FROM signal_rows s, models m LOOP
        sc := NULL; gr := NULL; e1 := NULL; e2 := NULL; e3 := NULL;
        BEGIN
            sc := health_score(r.signals, r.model);
        EXCEPTION WHEN OTHERS THEN
            e1 := SQLSTATE || ' ' || SQLERRM;
        END;
        BEGIN
            gr := health_grade(r.signals, r.model);
        EXCEPTION WHEN OTHERS THEN
            e2 := SQLSTATE || ' ' || SQLERRM;
        END;
        BEGIN
            INSERT INTO got_breakdown
            SELECT r.id, r.name, b.*
            FROM health_breakdown(r.signals, r.model) WITH ORDINALITY b;
        EXCEPTION WHEN OTHERS THEN
            e3 := SQLSTATE || ' ' || SQLERRM;
        END;
        INSERT INTO got_health VALUES (r.id, r.name, sc, gr, e1, e2, e3);
    END LOOP;
END $$;

-- health_score / health_grade: the value, or under "error" with a missing
-- signal the error 22023 'signal "X" is missing' for a missing X
INSERT INTO results
SELECT 'health_score', w.name, NULL, w.id,
       coalesce(g.error_score, g.score::text), w.score::text
           || CASE WHEN w.policy = 'error' AND NOT w.complete
                   THEN format(' / error for one of %s', w.missing) ELSE '' END,
       CASE WHEN w.policy = 'error' AND NOT w.complete
            THEN g.score IS NULL
                 AND g.error_score ~ '^22023 signal "[^"]+" is missing$'
                 AND substring(g.error_score from 'signal "([^"]+)"') = ANY (w.missing)
            ELSE g.error_score IS NULL AND pg_temp.near(g.score, w.score) END,
       w.score > 0 OR (w.policy = 'error' AND NOT w.complete)
FROM want_health w LEFT JOIN got_health g USING (id, name);

-- the grade is compared exactly: the synthetic values land on a grade
-- boundary only where both sums are exact
INSERT INTO results
SELECT 'health_grade', w.name, NULL, w.id,
       coalesce(g.error_grade, g.grade), w.grade
           || CASE WHEN w.policy = 'error' AND NOT w.complete
                   THEN format(' / error for one of %s', w.missing) ELSE '' END,
       CASE WHEN w.policy = 'error' AND NOT w.complete
            THEN g.grade IS NULL
                 AND g.error_grade ~ '^22023 signal "[^"]+" is missing$'
                 AND substring(g.error_grade from 'signal "([^"]+)"') = ANY (w.missing)
            ELSE g.error_grade IS NULL AND g.grade IS NOT DISTINCT FROM w.grade END,
       w.grade IS NOT NULL
FROM want_health w LEFT JOIN got_health g USING (id, name);

-- health_breakdown: under "error" with a missing signal, the error; else
-- one row per component in byte order of the names: value (NULL when
-- missing), score (NULL when not counted), weight, contribution =
-- weight * score / counted weight (NULL when not counted or when no
-- weight is counted)
INSERT INTO results
SELECT 'health_breakdown', w.name, NULL, w.id || '; error',
       g.error_breakdown, format('error for one of %s', w.missing),
       g.error_breakdown ~ '^22023 signal "[^"]+" is missing$'
       AND substring(g.error_breakdown from 'signal "([^"]+)"') = ANY (w.missing)
       AND NOT EXISTS (SELECT FROM got_breakdown b WHERE b.id = w.id AND b.name = w.name),
       true
FROM want_health w LEFT JOIN got_health g USING (id, name)
WHERE w.policy = 'error' AND NOT w.complete;

INSERT INTO results
SELECT 'health_error', g.name, NULL, g.id, g.error_breakdown, NULL, false, false
FROM got_health g JOIN want_health w USING (id, name)
WHERE g.error_breakdown IS NOT NULL AND NOT (w.policy = 'error' AND NOT w.complete);

CREATE TEMP TABLE want_breakdown AS
SELECT c.id, c.name, c.component, c.value,
       CASE WHEN c.counted THEN c.score END AS score, c.weight,
       CASE WHEN c.counted AND h.counted_weight > 0
            THEN c.weight * c.score / h.counted_weight END AS contribution,
       row_number() OVER (PARTITION BY c.id, c.name ORDER BY c.component COLLATE "C") AS ord
FROM want_components c JOIN want_health h USING (id, name)
WHERE NOT (h.policy = 'error' AND NOT h.complete);

INSERT INTO results
SELECT 'health_breakdown', coalesce(g.name, w.name), NULL,
       coalesce(g.id, w.id) || '; component ' || coalesce(g.component, w.component),
       CASE WHEN g.id IS NOT NULL THEN
            row(g.value, g.score, g.weight, g.contribution, 'row ' || g.ord)::text END,
       CASE WHEN w.id IS NOT NULL THEN
            row(w.value, w.score, w.weight, w.contribution, 'row ' || w.ord)::text END,
       g.id IS NOT NULL AND w.id IS NOT NULL
       AND pg_temp.same(g.value, w.value)
       AND pg_temp.near(g.score, w.score)
       AND g.weight = w.weight
       AND pg_temp.near(g.contribution, w.contribution)
       AND g.ord = w.ord,
       coalesce(w.contribution > 0, false)
FROM got_breakdown g
     FULL JOIN want_breakdown w USING (id, name, component);

-- the contributions add up to the score
INSERT INTO results
SELECT 'health_breakdown', h.name, NULL, h.id || '; sum of contributions',
       b.total::text, h.score::text, pg_temp.near(b.total, h.score), h.score > 0
FROM got_health h
     JOIN (SELECT id, name, sum(contribution) AS total
             FROM got_breakdown GROUP BY 1, 2) b USING (id, name)
WHERE h.error_score IS NULL;

-- ------------------------------------------------------------------
-- Verdict
-- ------------------------------------------------------------------
-- every comparison equal; every function compared, with non-trivial values
SELECT pg_temp.check_results('team',
    ARRAY['champion', 'champion_share', 'effective_users', 'frequency',
          'seat_activation', 'active_users (team as actor)',
          'adoption_stage', 'health_score', 'health_grade', 'health_breakdown']);

DO $$
DECLARE
    r      record;
BEGIN
    -- every id type, with ties whose winner depends on the id type's order
    FOR r IN
        SELECT v.variant, count(c.*) FILTER (WHERE c.want LIKE '%tied)') AS ties
          FROM (SELECT DISTINCT variant FROM summaries) v
          LEFT JOIN results c ON c.fn = 'champion' AND c.variant = v.variant
         GROUP BY 1
    LOOP
        IF r.ties = 0 THEN
            RAISE EXCEPTION 'team oracle: no tie for champion with % ids', r.variant;
        END IF;
    END LOOP;
    IF NOT EXISTS (SELECT FROM want_champion o JOIN user_map m
                          ON m.variant = o.variant AND m.id_text = o.user_id
                    WHERE o.account_id = -2 AND o.tied > 1
                    GROUP BY o.as_of, o.days HAVING count(DISTINCT m.user_id) > 1)
       OR NOT EXISTS (SELECT FROM want_champion a JOIN want_champion b
                             USING (account_id, as_of, days)
                       JOIN user_map ma ON ma.variant = a.variant AND ma.id_text = a.user_id
                       JOIN user_map mb ON mb.variant = b.variant AND mb.id_text = b.user_id
                      WHERE a.variant = 'bigint' AND b.variant = 'text'
                        AND a.tied > 1 AND ma.user_id <> mb.user_id
                        AND a.account_id <> -2) THEN
        RAISE EXCEPTION 'team oracle: the tie rule never picked different users for different id types';
    END IF;
    -- the empty cases: nobody active, zero frequency rows, NULL rates
    IF NOT EXISTS (SELECT FROM results WHERE fn = 'champion' AND want = '(,,,)')
       OR NOT EXISTS (SELECT FROM results WHERE fn = 'effective_users' AND want IS NULL)
       OR NOT EXISTS (SELECT FROM results WHERE fn = 'seat_activation' AND want IS NULL)
       OR NOT EXISTS (SELECT FROM results WHERE fn = 'frequency' AND want LIKE 'users 0,%')
       OR NOT EXISTS (SELECT FROM results WHERE fn = 'frequency' AND NOT nontrivial
                        AND args LIKE '%feature => ''no such feature''%')
       OR NOT EXISTS (SELECT FROM results WHERE fn = 'active_users (team as actor)' AND want = '0') THEN
        RAISE EXCEPTION 'team oracle never expected an empty result';
    END IF;
    -- a multi-team account, and champions with an active-days count > 1
    IF NOT EXISTS (SELECT FROM o_teams WHERE active_teams >= 3)
       OR NOT EXISTS (SELECT FROM want_champion WHERE active_days > 1 AND share < 1)
       OR NOT EXISTS (SELECT FROM want_spread WHERE effective_users > 2) THEN
        RAISE EXCEPTION 'team oracle: data too thin (no 3 active teams, or no spread activity)';
    END IF;
    -- every adoption stage, from the accounts themselves
    FOR r IN
        SELECT s.stage, count(x.*) AS n
          FROM (VALUES ('none'), ('champion'), ('role_based'), ('cross_team'),
                       ('company_wide')) s(stage)
          LEFT JOIN results x ON x.fn = 'adoption_stage' AND x.variant = 'accounts'
                             AND x.want = s.stage
         GROUP BY 1
    LOOP
        IF r.n = 0 THEN
            RAISE EXCEPTION 'team oracle: no account in adoption stage %', r.stage;
        END IF;
    END LOOP;
    -- health: every grade, NULL scores (nothing counted), errors, and both
    -- ends of the clamp, under each model
    FOR r IN
        SELECT m.name,
               count(*) FILTER (WHERE w.grade = 'red') AS red,
               count(*) FILTER (WHERE w.grade = 'yellow') AS yellow,
               count(*) FILTER (WHERE w.grade = 'green') AS green,
               count(*) FILTER (WHERE w.score IS NULL) AS null_scores,
               count(*) FILTER (WHERE m.policy = 'error' AND NOT w.complete) AS errors,
               count(*) FILTER (WHERE w.complete) AS complete
          FROM models m LEFT JOIN want_health w USING (name)
         GROUP BY 1, m.policy
    LOOP
        IF r.red = 0 OR r.yellow = 0 OR r.green = 0 OR r.complete = 0
           OR (r.name LIKE '%error' AND r.errors = 0)
           OR (r.name NOT LIKE '%zero' AND r.name NOT LIKE '%error' AND r.null_scores = 0) THEN
            RAISE EXCEPTION 'team oracle: thin health coverage for model %: %', r.name, r;
        END IF;
    END LOOP;
    IF NOT EXISTS (SELECT FROM want_components WHERE present AND score = 0)
       OR NOT EXISTS (SELECT FROM want_components WHERE present AND score = 100)
       OR NOT EXISTS (SELECT FROM want_components WHERE present AND score > 0 AND score < 100)
       OR NOT EXISTS (SELECT FROM signal_rows WHERE id LIKE 'account%'
                        AND signals ? 'adoption_rate' AND signals ->> 'adoption_rate' IS NOT NULL) THEN
        RAISE EXCEPTION 'team oracle: health components never scored 0, 100 and in between';
    END IF;
    RAISE NOTICE 'team oracle: % comparisons, all equal', (SELECT count(*) FROM results);
END $$;

SELECT * FROM pg_temp.results_summary();
