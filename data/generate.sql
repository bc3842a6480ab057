-- data/generate.sql: deterministic generator of realistic B2B event data
--
--   psql -v ON_ERROR_STOP=1 [-v events=N] [-v seed=S] -f data/generate.sql
--
-- N defaults to 100000 and S to 1.  (Re)creates, in the current schema,
-- dropping them first if they exist:
--
--   accounts(account_id bigint primary key, seats int, segment text, signed_at date)
--   users(user_id bigint primary key, account_id bigint, role text,
--         department text, invited_at timestamptz)
--   events(account_id bigint, user_id bigint, feature text, occurred_at timestamptz)
--   contracts(account_id bigint primary key, started_on date, ended_on date)
--
-- with about N events (within a few per cent from N = 10000 on), and
-- prints a one-line summary.  The same N and seed give the same rows, in the
-- same order, on every run: all randomness comes from hashint8extended() of
-- row keys and seed-derived constants, never from random() or the clock.
-- Plain SQL (psql variables, temporary tables and functions), no extension.
-- Everything happens in one transaction: on error nothing is changed.
--
-- The model, in short (each part is explained where it is built):
--
--   * Time: 546 days, 2025-01-01 .. 2026-06-30 (fixed).  Weekends are
--     ~10x quieter than weekdays; a Christmas lull and a lighter August.
--   * Accounts: Pareto seat counts (alpha 1.1, 3 .. 5000 seats), segment
--     smb / mid / enterprise loosely following size, signed before or
--     during the window (more signings lately), a time zone, a rollout
--     pace.  Some churn (activity stops at a date; for most of them it
--     fades out over the weeks before), some decline (activity decays),
--     the rest keep going.
--   * Users: per account, 35-100 % of the seats are filled (15 % of the
--     accounts are over-seated), invited over time team by team
--     (departments); the first user is the admin and champion; some never
--     activate, some leave; each has a role and an engagement level, and
--     activity ramps up over the first weeks.
--   * Features: 12 named features, a few core ones used by almost everyone
--     and a long tail used by few (depending on role and on what the
--     account enabled); each user has a personal preference mix, discovers
--     secondary features after a delay and abandons some; ~5 % of events
--     have no feature (generic activity such as logins).
--   * Events: on an active day a user emits a geometric number of events
--     (bursty, several per feature: distinct (user, feature, day) triples
--     are roughly 35-55 % of the events), mostly within one working-hours
--     session in the account's time zone.  The mean is calibrated so that
--     the total is N.  Rows are stored in occurred_at order, like an
--     append-only log.

\set gen_quiet :QUIET
\set QUIET on

\if :{?events}
\else
\set events 100000
\endif
\if :{?seed}
\else
\set seed 1
\endif

BEGIN;
SET LOCAL client_min_messages = warning;
SET LOCAL work_mem = '256MB';
-- JIT compilation costs more than it saves below a few million events
SET LOCAL jit = off;

-- Parameters.  The casts reject anything that is not an integer.
SELECT (:'events')::bigint AS gen_events, (:'seed')::bigint AS gen_seed \gset
SELECT :gen_events >= 1 AS gen_ok, :gen_events >= 5000000 AS gen_big \gset
\if :gen_ok
\else
DO $$ BEGIN RAISE EXCEPTION 'generate.sql: events must be a positive integer'; END $$;
\endif

-- ---------------------------------------------------------------------------
-- Pseudo-randomness.  Every random quantity is a hash of (key, stream): key
-- identifies the row (account, user, user-day, event), stream is a constant
-- per quantity mixed with the seed.  So quantities are independent of each
-- other and of the order in which rows are produced.  These SQL functions
-- are inlined by the planner; the stream constants fold at plan time.
-- ---------------------------------------------------------------------------

-- the constant of random quantity number `stream`
CREATE OR REPLACE FUNCTION pg_temp.gen_stream(seed bigint, stream int) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS 'SELECT hashint8extended(stream, seed)';

-- uniform in (0, 1) from `bits` bits of hash h, starting at bit `shift`
CREATE OR REPLACE FUNCTION pg_temp.gen_unit(h bigint, shift int, bits int) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS 'SELECT (((h >> shift) & ((1::bigint << bits) - 1))::float8 + 0.5) / (1::bigint << bits)::float8';

-- uniform in (0, 1) for (key, stream), 52 bits
CREATE OR REPLACE FUNCTION pg_temp.gen_u(key bigint, seed bigint, stream int) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS 'SELECT pg_temp.gen_unit(hashint8extended(key, pg_temp.gen_stream(seed, stream)), 0, 52)';

-- ---------------------------------------------------------------------------
-- Calendar.  Day index d = 0 .. 545 is 2025-01-01 .. 2026-06-30 (in each
-- account's local time).  The day factor multiplies everyone's chance of
-- being active that day: weekday seasonality (Friday lighter, weekends
-- ~10x quieter), a Christmas lull and a lighter August.  It goes to later
-- statements as a constant float8[] (day d at index d + 1).
-- ---------------------------------------------------------------------------
SELECT date '2025-01-01' AS gen_t0,
       (date '2026-06-30' - date '2025-01-01') + 1 AS gen_days,
       extract(epoch FROM timestamptz '2025-01-01 00:00:00+00')::bigint AS gen_epoch0
\gset

SELECT array_agg(
         round((
           (ARRAY[1.00, 1.02, 1.00, 0.96, 0.82, 0.10, 0.07])[extract(isodow FROM day)::int]
           * CASE WHEN (extract(month FROM day) = 12 AND extract(day FROM day) >= 24)
                    OR (extract(month FROM day) = 1 AND extract(day FROM day) = 1) THEN 0.35
                  WHEN extract(month FROM day) = 8 THEN 0.85
                  ELSE 1.0 END)::numeric, 3)
         ORDER BY day)::text AS gen_dayfactor
FROM generate_series(date :'gen_t0', date :'gen_t0' + (:gen_days - 1), interval '1 day') AS g(day)
\gset

-- ---------------------------------------------------------------------------
-- Accounts.  Seat counts follow a Pareto law: account r of A (in a hashed
-- order) gets the quantile (r - 0.5) / A of Pareto(x_min 3, alpha 1.1),
-- capped at 5000 seats.  So the size distribution, and with it the total
-- volume, is stable from seed to seed, while which account is big is
-- random.  A is chosen for about 165 events per seat; as the mean seat
-- count grows with A (more of the tail is sampled), A comes from two
-- fixed-point steps.
-- ---------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION pg_temp.gen_seats(r bigint, a bigint) RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS 'SELECT least(5000, ceil(3 * power((r - 0.5) / a, -1 / 1.1)))::int';

CREATE OR REPLACE FUNCTION pg_temp.gen_n_accounts(events bigint, a bigint) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE
AS 'SELECT greatest(3, round(events / (165.0 * avg(pg_temp.gen_seats(r, a)))))::bigint
    FROM generate_series(1, a) AS r';

SELECT pg_temp.gen_n_accounts(:gen_events,
         pg_temp.gen_n_accounts(:gen_events, greatest(3, round(:gen_events / (165.0 * 12))::bigint)))
       AS gen_n_accounts
\gset

DROP TABLE IF EXISTS pg_temp.gen_account;
CREATE TEMP TABLE gen_account AS
WITH base AS (
    SELECT k,                                   -- k: the account's random key
           row_number() OVER (ORDER BY hashint8extended(k, pg_temp.gen_stream(:gen_seed, 1)), k) AS size_rank
    FROM generate_series(1, :gen_n_accounts) AS k
), sized AS (
    SELECT k,
           pg_temp.gen_seats(size_rank, :gen_n_accounts) AS seats,
           pg_temp.gen_u(k, :gen_seed, 2) AS u_seg,
           pg_temp.gen_u(k, :gen_seed, 3) AS u_sign1,
           pg_temp.gen_u(k, :gen_seed, 4) AS u_sign2
    FROM base
), segmented AS (
    SELECT *,
           -- segment: company size, which the seat count only loosely
           -- follows (an enterprise may start with a few dozen seats)
           CASE WHEN seats * (0.5 + 1.5 * u_seg) >= 120 THEN 'enterprise'
                WHEN seats * (0.5 + 1.5 * u_seg) >= 15 THEN 'mid'
                ELSE 'smb' END AS segment,
           -- 40 % were customers before the window (for up to 2.5 years);
           -- the others signed during it, at a growing rate, none in the
           -- last week
           CASE WHEN u_sign1 < 0.4 THEN -1 - floor(u_sign2 * 900)::int
                ELSE floor((:gen_days - 7) * power(u_sign2, 0.75))::int END AS signed_day
    FROM sized
)
SELECT row_number() OVER (ORDER BY signed_day, k) AS account_id,   -- serial, in signing order
       k, seats, segment, signed_day,
       -- time zone (minutes east of UTC): mostly the Americas and Europe
       (ARRAY[-480, -420, -360, -300, -300, -300, -240, 0, 0, 60, 60, 60, 120, 330, 540, 600])
           [1 + (hashint8extended(k, pg_temp.gen_stream(:gen_seed, 5)) & 15)] AS tz_min,
       -- churn: all activity stops on churn_day (smaller accounts churn
       -- more); a churn day after the window means "has not churned yet"
       CASE WHEN pg_temp.gen_u(k, :gen_seed, 6)
                 < CASE segment WHEN 'smb' THEN 0.30 WHEN 'mid' THEN 0.18 ELSE 0.08 END
            THEN signed_day + 45 + floor(-ln(pg_temp.gen_u(k, :gen_seed, 7)) * 350)::int
       END AS churn_day,
       -- the fade before it: from churn_lead days (two to six months)
       -- before churn_day, activity decays with time constant churn_tau
       -- days; a fifth of the churning accounts stop abruptly (churn_lead 0)
       CASE WHEN pg_temp.gen_u(k, :gen_seed, 18) < 0.2 THEN 0
            ELSE 60 + floor((pg_temp.gen_u(k, :gen_seed, 18) - 0.2) / 0.8 * 120)::int
       END AS churn_lead,
       20 + 60 * pg_temp.gen_u(k, :gen_seed, 19) AS churn_tau,
       -- decline: from decline_day on, activity decays with time constant
       -- decline_tau days
       CASE WHEN pg_temp.gen_u(k, :gen_seed, 8) < 0.18
            THEN greatest(signed_day, 0)
                 + floor(pg_temp.gen_u(k, :gen_seed, 9) * (:gen_days - greatest(signed_day, 0)))::int
       END AS decline_day,
       45 + 150 * pg_temp.gen_u(k, :gen_seed, 10) AS decline_tau,
       -- how engaged the account's users are overall
       0.6 + 0.8 * pg_temp.gen_u(k, :gen_seed, 11) AS acct_engagement,
       -- rollout: teams come on board one after the other, team_spacing
       -- days apart; within a team, invitations spread over ~invite_tau days
       10 + 80 * pg_temp.gen_u(k, :gen_seed, 12) AS team_spacing,
       7 + 40 * pg_temp.gen_u(k, :gen_seed, 13) AS invite_tau,
       -- number of teams (departments) grows with the size
       least(10, greatest(1, round(ln(seats) * (0.8 + 0.7 * pg_temp.gen_u(k, :gen_seed, 14)))))::int AS n_teams,
       -- the first team is one of the usual early adopters (one of the first
       -- 6 departments of the list below), the next ones follow in list order
       (hashint8extended(k, pg_temp.gen_stream(:gen_seed, 15)) & 1023)::int % 6 AS dept_rot,
       -- share of the seats filled in the end: 15 % of the accounts are
       -- over-seated (100-135 %), the others use 35-100 %
       CASE WHEN pg_temp.gen_u(k, :gen_seed, 16) < 0.15
            THEN 1.0 + 0.35 * pg_temp.gen_u(k, :gen_seed, 17)
            ELSE 0.35 + 0.65 * pg_temp.gen_u(k, :gen_seed, 17) END AS fill
FROM segmented;

-- ---------------------------------------------------------------------------
-- Users.  seats x fill per account, minus those who would be invited after
-- the end of the window or after the account churned.  User 0 is the admin
-- who bought the product: invited on the signing day, a highly engaged
-- champion.  Users 1 and 2 follow within days; the others are invited when
-- their team's turn comes (team t from t x team_spacing days after
-- signing), and 10 % are later hires.  Teams are consecutive entries of the
-- department list; the first teams are the biggest.
-- ---------------------------------------------------------------------------
DROP TABLE IF EXISTS pg_temp.gen_user;
CREATE TEMP TABLE gen_user AS
WITH slots AS (
    SELECT a.*, i, a.k::bigint * 1000000 + i AS uk     -- uk: the user's random key
    FROM gen_account a,
         generate_series(0, greatest(1, round(a.seats * a.fill))::int - 1) AS i
), drawn AS (
    SELECT s.*,
           CASE WHEN i = 0 THEN 0
                ELSE floor(n_teams * power(pg_temp.gen_u(uk, :gen_seed, 20), 1.4))::int END AS team,
           pg_temp.gen_u(uk, :gen_seed, 21) AS u_role,
           pg_temp.gen_u(uk, :gen_seed, 22) AS u_late
    FROM slots s
), invited AS (
    SELECT d.*,
           signed_day
           + CASE WHEN i = 0 THEN 0
                  WHEN i < 3 THEN floor(pg_temp.gen_u(uk, :gen_seed, 23) * 4)::int
                  ELSE floor(team * team_spacing
                             - ln(pg_temp.gen_u(uk, :gen_seed, 24)) * invite_tau
                             + CASE WHEN u_late < 0.1 THEN u_late * 4000 ELSE 0 END)::int
             END AS invite_day,
           (ARRAY['engineering', 'product', 'data', 'marketing', 'sales',
                  'support', 'operations', 'finance', 'hr', 'legal'])[1 + (dept_rot + team) % 10] AS department
    FROM drawn d
), roled AS (
    SELECT v.*,
           CASE WHEN i = 0 THEN 'admin'
                WHEN u_role < 0.04 THEN 'admin'
                WHEN department IN ('engineering', 'data') AND u_role < 0.55 THEN 'developer'
                WHEN u_role < 0.16 THEN 'manager'
                WHEN u_role < 0.36 THEN 'analyst'
                WHEN u_role < 0.44 THEN 'developer'
                WHEN u_role < 0.80 THEN 'member'
                ELSE 'viewer' END AS role,
           -- 12 % never activate (shelfware), 20 % in very big accounts
           i > 0 AND pg_temp.gen_u(uk, :gen_seed, 25) < 0.12 + 0.08 * (seats >= 500)::int AS never_active,
           -- activation: the invitation day or a few days later
           invite_day + floor(-ln(pg_temp.gen_u(uk, :gen_seed, 26)) * 3)::int AS start_day,
           -- 22 % leave the company or drop the product at some point
           CASE WHEN pg_temp.gen_u(uk, :gen_seed, 27) < 0.22
                THEN invite_day + 30 + floor(-ln(pg_temp.gen_u(uk, :gen_seed, 28)) * 300)::int
           END AS leave_day,
           -- chance of being active on a full weekday once onboarded: the
           -- admin is a champion, the others skew low (many casual users)
           CASE WHEN i = 0 THEN 0.9
                ELSE least(0.95, (0.04 + 0.8 * power(pg_temp.gen_u(uk, :gen_seed, 30), 1.7)) * acct_engagement)
           END AS engagement
    FROM invited v
    WHERE invite_day < :gen_days
      AND (churn_day IS NULL OR invite_day < churn_day)
)
SELECT row_number() OVER (ORDER BY invite_day, account_id, i) AS user_id,  -- serial, in invitation order
       account_id, uk, i, role, department, seats, segment,
       -- invited during the local working day
       to_timestamp(:gen_epoch0 + invite_day * 86400::bigint
                    + floor((9 + 9 * pg_temp.gen_u(uk, :gen_seed, 29)) * 3600)::int - tz_min * 60)
           AS invited_at,
       tz_min, decline_day, decline_tau, churn_day, churn_lead, churn_tau, engagement,
       CASE WHEN never_active THEN NULL ELSE start_day END AS start_day,
       least(:gen_days - 1, churn_day - 1, leave_day) AS end_day,
       -- onboarding ramp time constant, days
       5 + 30 * pg_temp.gen_u(uk, :gen_seed, 31) AS ramp_tau,
       -- relative number of events on an active day: busier when engaged
       1.5 + 3 * engagement + 2 * pg_temp.gen_u(uk, :gen_seed, 32) AS intensity
FROM roled;

-- ---------------------------------------------------------------------------
-- Features and per-user preferences.
--
-- For each (user, feature): used at all if the account has it enabled (by
-- segment: SSO is an enterprise thing, the API and integrations are more
-- common in bigger accounts) and, with probability p_user x a role
-- multiplier, the user takes it up.  Preference weight = weight x an
-- exponential draw, so mixes differ between users.  Dashboards are the
-- landing page: users who do not really use them still land there now and
-- then (1/20 of the weight).  The user's heaviest feature is their primary
-- one, always available; each of the others is discovered after an
-- exponential delay with mean lag_days, and 20 % of them are abandoned
-- after a while.
--
-- The mix is stored as 64 slots, a stratified draw from the preference
-- distribution (a feature with 30 % of the weight fills ~19 slots); each
-- event picks a slot.  The first 1 .. 6 slots are "no feature" (feature
-- NULL: logins and other generic activity, ~5 % of events).  A slot whose
-- feature is not discovered yet, or abandoned, stands for the primary one.
-- ---------------------------------------------------------------------------
DROP TABLE IF EXISTS pg_temp.gen_feature;
CREATE TEMP TABLE gen_feature (fid int, name text, p_user float8, weight float8, lag_days float8,
                               en_smb float8, en_mid float8, en_ent float8);
INSERT INTO gen_feature VALUES
    -- fid, name, share of users taking it up, preference weight, mean days
    -- until discovered, share of smb / mid / enterprise accounts enabling it
    (1, 'dashboards',   0.95, 1.00,  0, 1.00, 1.00, 1.00),
    (2, 'reports',      0.75, 0.70,  5, 1.00, 1.00, 1.00),
    (3, 'search',       0.70, 0.45,  3, 1.00, 1.00, 1.00),
    (4, 'exports',      0.40, 0.30, 20, 1.00, 1.00, 1.00),
    (5, 'alerts',       0.30, 0.25, 25, 0.70, 0.85, 0.95),
    (6, 'comments',     0.30, 0.25, 15, 0.90, 0.90, 0.90),
    (7, 'sharing',      0.28, 0.20, 20, 0.85, 0.90, 0.95),
    (8, 'integrations', 0.15, 0.20, 45, 0.35, 0.60, 0.85),
    (9, 'api',          0.10, 0.35, 60, 0.25, 0.50, 0.80),
    (10, 'mobile',      0.12, 0.25, 30, 0.60, 0.60, 0.60),
    (11, 'sso',         0.03, 0.05,  7, 0.03, 0.30, 0.90),
    (12, 'billing',     0.02, 0.05, 14, 1.00, 1.00, 1.00);

DROP TABLE IF EXISTS pg_temp.gen_mix;
CREATE TEMP TABLE gen_mix AS
WITH uf AS (
    SELECT u.user_id, u.tz_min, f.fid, u.uk * 16 + f.fid AS fk, f.lag_days, u.start_day,
           f.weight * -ln(pg_temp.gen_u(u.uk * 16 + f.fid, :gen_seed, 40)) AS w,
           -- (the account enabled it) and (this user takes it up)
           pg_temp.gen_u((u.uk / 1000000) * 16 + f.fid, :gen_seed, 41)
               < CASE u.segment WHEN 'smb' THEN f.en_smb WHEN 'mid' THEN f.en_mid ELSE f.en_ent END
           AND pg_temp.gen_u(u.uk * 16 + f.fid, :gen_seed, 42) < f.p_user *
               CASE u.role
                 WHEN 'admin' THEN CASE f.name WHEN 'sso' THEN 25 WHEN 'billing' THEN 30
                                               WHEN 'integrations' THEN 3 WHEN 'api' THEN 1.5 ELSE 1 END
                 WHEN 'developer' THEN CASE f.name WHEN 'api' THEN 6 WHEN 'integrations' THEN 3
                                                   WHEN 'exports' THEN 1.3 WHEN 'mobile' THEN 0.5 ELSE 1 END
                 WHEN 'analyst' THEN CASE f.name WHEN 'reports' THEN 1.25 WHEN 'exports' THEN 2
                                                 WHEN 'search' THEN 1.2 ELSE 1 END
                 WHEN 'manager' THEN CASE f.name WHEN 'reports' THEN 1.2 WHEN 'sharing' THEN 1.8
                                                 WHEN 'comments' THEN 1.5 WHEN 'mobile' THEN 1.5 ELSE 1 END
                 WHEN 'viewer' THEN CASE WHEN f.name IN ('dashboards', 'search', 'comments', 'mobile')
                                         THEN 1 ELSE 0.25 END
                 ELSE 1 END AS used,
           -- number of "no feature" slots of this user, 1 .. 6
           1 + (hashint8extended(u.uk, pg_temp.gen_stream(:gen_seed, 46)) & 1023)::int % 6 AS null_slots
    FROM gen_user u CROSS JOIN gen_feature f
    WHERE u.start_day IS NOT NULL
), mix AS (
    SELECT user_id, tz_min, fid, null_slots,
           CASE WHEN used THEN w ELSE w / 20 END AS w,
           -- discovered on from_day, abandoned on to_day
           start_day + floor(-ln(pg_temp.gen_u(fk, :gen_seed, 43)) * lag_days)::int AS from_day,
           CASE WHEN pg_temp.gen_u(fk, :gen_seed, 44) < 0.2
                THEN start_day + 7 + floor(-ln(pg_temp.gen_u(fk, :gen_seed, 43)) * lag_days
                                             - ln(pg_temp.gen_u(fk, :gen_seed, 45)) * 80)::int
                ELSE 1000000 END AS to_day
    FROM uf
    WHERE used OR fid = 1
), cumulated AS (
    -- running sums of the weights in fid order: the feature's share of the
    -- weight is [before / total, upto / total).  (Window aggregates add in
    -- frame order, so a feature's "before" is exactly its predecessor's
    -- "upto", and the last "upto" is exactly "total".)
    SELECT mix.*,
           coalesce(sum(w) OVER (w_user ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before,
           sum(w) OVER (w_user ROWS UNBOUNDED PRECEDING) AS upto,
           sum(w) OVER (w_user ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS total,
           max(w) OVER (w_user ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS top_w,
           lead(fid) OVER w_user IS NULL AS is_last
    FROM mix
    WINDOW w_user AS (PARTITION BY user_id ORDER BY fid)
), slotted AS (
    -- of the m = 64 - null_slots feature slots, slot j goes to the feature
    -- whose share holds the point (j + 0.5) / m: the feature gets slots
    -- ceil(before / total * m - 0.5) .. ceil(upto / total * m - 0.5) - 1
    SELECT c.*,
           ceil(upto / total * (64 - null_slots) - 0.5)::int
           - ceil(before / total * (64 - null_slots) - 0.5)::int AS n_slots
    FROM cumulated c
), strung AS (
    -- per user, the slot arrays as text, features in fid order
    SELECT user_id, tz_min, null_slots, is_last,
           min(fid) FILTER (WHERE w = top_w) OVER w_all AS primary_fid,
           string_agg(repeat(fid || ',', n_slots), '') OVER w_all AS s_fid,
           string_agg(repeat(from_day || ',', n_slots), '') OVER w_all AS s_from,
           string_agg(repeat(to_day || ',', n_slots), '') OVER w_all AS s_to
    FROM slotted
    WINDOW w_all AS (PARTITION BY user_id ORDER BY fid ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
)
SELECT user_id, tz_min, primary_fid,
       -- 64 slots each: feature (0: none), usable from this day, until the
       -- day before this one
       ('{' || repeat('0,', null_slots) || rtrim(s_fid, ',') || '}')::int[] AS slot_fid,
       ('{' || repeat('-1000000,', null_slots) || rtrim(s_from, ',') || '}')::int[] AS slot_from,
       ('{' || repeat('1000000,', null_slots) || rtrim(s_to, ',') || '}')::int[] AS slot_to
FROM strung
WHERE is_last;
ANALYZE gen_mix (user_id);

-- ---------------------------------------------------------------------------
-- Active user-days.  On every day of a user's life in the window
-- (activation .. leaving, churn or the end), the user is active with
-- probability
--
--   engagement x ramp x day factor x account decline x churn fade
--
-- ramp = 1 - 0.75 exp(-days since activation / ramp_tau): onboarding takes
-- weeks; the activation day itself is always active.  The account's
-- decline factor is exp(-(d - decline_day) / decline_tau) after decline_day;
-- its churn fade is exp(-(d - f) / churn_tau) after f = churn_day - churn_lead
-- (when churn_lead > 0).
-- ---------------------------------------------------------------------------
DROP TABLE IF EXISTS pg_temp.gen_ud;
CREATE TEMP TABLE gen_ud AS
SELECT user_id, account_id, d, intensity
FROM (
    SELECT u.user_id, u.account_id, u.start_day, u.engagement, u.ramp_tau, u.intensity,
           u.decline_day, u.decline_tau, u.churn_day, u.churn_lead, u.churn_tau,
           generate_series(greatest(u.start_day, 0), u.end_day) AS d
    FROM gen_user u
    WHERE u.start_day IS NOT NULL
) c
WHERE d = start_day
   OR pg_temp.gen_u(user_id * 1024 + d, :gen_seed, 50)
      < engagement
        * (1 - 0.75 * exp(-(d - start_day) / ramp_tau))
        * (:'gen_dayfactor'::float8[])[d + 1]
        * CASE WHEN d > decline_day THEN exp(-(d - decline_day) / decline_tau) ELSE 1 END
        * CASE WHEN churn_lead > 0 AND d > churn_day - churn_lead
               THEN exp(-(d - (churn_day - churn_lead)) / churn_tau) ELSE 1 END;
ANALYZE gen_ud;

-- Calibration: an active user-day has on average scale x intensity events;
-- scale makes the expected total N.
SELECT coalesce(:gen_events / nullif(sum(intensity), 0), 0) AS gen_scale FROM gen_ud \gset

-- ---------------------------------------------------------------------------
-- The tables.  accounts and users come straight from the above.
-- ---------------------------------------------------------------------------
SELECT format('DROP TABLE IF EXISTS %I.%I', current_schema(), t)
FROM unnest(ARRAY['events', 'users', 'accounts', 'contracts']) AS t
\gexec

CREATE TABLE accounts (
    account_id bigint PRIMARY KEY,
    seats      int,
    segment    text,
    signed_at  date
);
INSERT INTO accounts
SELECT account_id, seats, segment, date :'gen_t0' + signed_day
FROM gen_account ORDER BY account_id;

CREATE TABLE users (
    user_id    bigint PRIMARY KEY,
    account_id bigint,
    role       text,
    department text,
    invited_at timestamptz
);
INSERT INTO users
SELECT user_id, account_id, role, department, invited_at
FROM gen_user ORDER BY user_id;

-- ---------------------------------------------------------------------------
-- Events.  Per active user-day: n events (mean scale x intensity; 1 + a
-- geometric draw, so bursty days happen), around one session start in the
-- local working day (triangular over 08:00 .. 18:00, peak 13:00).  Per
-- event: 80 % fall within the session (-30 min .. +2 h), 17 % anywhere in
-- 07:00 .. 21:00, 3 % anywhere in the day.  The feature comes from a random
-- slot of the user's mix.  Events that the time zone shifts out of the
-- window, at its two ends, are dropped.  One 64-bit hash per user-day and
-- one per event, cut into independent bit fields, drive all of it.
--
-- events(account_id bigint, user_id bigint, feature text, occurred_at
-- timestamptz), sorted like a log; CREATE TABLE AS writes faster than
-- INSERT.
-- ---------------------------------------------------------------------------
\if :gen_big
SET LOCAL jit = on;
\endif

CREATE TABLE events (account_id, user_id, feature, occurred_at) AS
SELECT account_id::bigint, user_id::bigint,
       (ARRAY['dashboards', 'reports', 'search', 'exports', 'alerts', 'comments',
              'sharing', 'integrations', 'api', 'mobile', 'sso', 'billing'])[fid]::text,
       to_timestamp(ts)::timestamptz
FROM (
    -- per event: the feature of a random slot, the time from the session
    SELECT account_id, user_id,
           CASE WHEN d >= slot_from[slot] AND d < slot_to[slot] THEN slot_fid[slot]
                ELSE primary_fid END AS fid,
           :gen_epoch0 + d * 86400::bigint - tz_min * 60
           + CASE WHEN pg_temp.gen_unit(he, 6, 10) < 0.80
                  THEN session + (pg_temp.gen_unit(he, 16, 20) * 2.5 - 0.5) * 3600
                  WHEN pg_temp.gen_unit(he, 6, 10) < 0.97
                  THEN (7 + 14 * pg_temp.gen_unit(he, 16, 20)) * 3600
                  ELSE 86400 * pg_temp.gen_unit(he, 16, 20) END AS ts
    FROM (
        SELECT *, 1 + (he & 63)::int AS slot
        FROM (
            SELECT *, hashint8extended(j, hud) AS he            -- the event's hash
            FROM (
                SELECT *, generate_series(1, n) AS j            -- the n events
                FROM (
                    -- per user-day: session start (seconds after local
                    -- midnight) and number of events n of mean
                    -- mu = scale x intensity: 1 + geometric(mean mu - 1),
                    -- or, if mu < 1, one event with probability mu
                    SELECT account_id, user_id, d, tz_min, slot_fid, slot_from, slot_to, primary_fid, hud,
                           (8 + 5 * (pg_temp.gen_unit(hud, 32, 15) + pg_temp.gen_unit(hud, 47, 15))) * 3600 AS session,
                           CASE WHEN mu > 1.0001
                                THEN 1 + floor(ln(pg_temp.gen_unit(hud, 0, 31)) / ln((mu - 1) / mu))::int
                                ELSE (pg_temp.gen_unit(hud, 0, 31) < mu)::int END AS n
                    FROM (
                        SELECT ud.account_id, ud.user_id, ud.d, :gen_scale * ud.intensity AS mu,
                               m.tz_min, m.slot_fid, m.slot_from, m.slot_to, m.primary_fid,
                               hashint8extended(ud.user_id * 1024 + ud.d, pg_temp.gen_stream(:gen_seed, 60)) AS hud
                        FROM gen_ud ud JOIN gen_mix m USING (user_id)
                        OFFSET 0     -- OFFSET 0 here and below: compute each hash once, not per use
                    ) a
                    OFFSET 0
                ) b
            ) c
            OFFSET 0
        ) e
    ) s
    OFFSET 0
) t
WHERE ts >= :gen_epoch0 AND ts < :gen_epoch0 + :gen_days * 86400::bigint
ORDER BY 4, 2, 3 NULLS FIRST;    -- occurred_at, user_id, feature

-- ---------------------------------------------------------------------------
-- Contracts: the observable churn, one row per account.  ended_on is the day
-- the contract ended, NULL while it runs: for an account that churns in the
-- window, its churn day (all its activity stops then, most often after
-- fading out over the weeks before); for a declining
-- account whose usage faded out, the day after its last event, when that
-- event is at least 90 days before the window's end.  Read from the rows
-- above only: accounts, users and events are what they were without it.
-- ---------------------------------------------------------------------------
CREATE TABLE contracts (
    account_id bigint PRIMARY KEY,
    started_on date,
    ended_on   date
);
INSERT INTO contracts
SELECT a.account_id, date :'gen_t0' + a.signed_day,
       CASE WHEN a.churn_day < :gen_days THEN date :'gen_t0' + a.churn_day
            WHEN a.decline_day IS NOT NULL
                 AND l.last_day < date :'gen_t0' + (:gen_days - 90) THEN l.last_day + 1
       END
FROM gen_account a
LEFT JOIN (SELECT account_id, max((occurred_at AT TIME ZONE 'UTC')::date) AS last_day
           FROM events GROUP BY account_id) l USING (account_id)
ORDER BY a.account_id;

ANALYZE accounts;
ANALYZE users;
ANALYZE events;
ANALYZE contracts;

DROP TABLE pg_temp.gen_ud;
DROP TABLE pg_temp.gen_mix;
DROP TABLE pg_temp.gen_feature;
DROP TABLE pg_temp.gen_user;
DROP TABLE pg_temp.gen_account;
DROP FUNCTION pg_temp.gen_n_accounts(bigint, bigint);
DROP FUNCTION pg_temp.gen_seats(bigint, bigint);
DROP FUNCTION pg_temp.gen_u(bigint, bigint, int);
DROP FUNCTION pg_temp.gen_unit(bigint, int, int);
DROP FUNCTION pg_temp.gen_stream(bigint, int);

-- The summary.  Days are occurred_at::date in the session's TimeZone, as
-- activity_agg sees them; a triple is packed into one bigint (user id,
-- feature number, day), which counts distinct much faster than a row.
SELECT (SELECT count(*) FROM accounts) AS gen_n_accounts,
       (SELECT count(*) FROM users) AS gen_n_users,
       (SELECT count(*) FROM events) AS gen_n_events,
       (SELECT count(DISTINCT (user_id << 20)
                              | (coalesce(array_position(
                                   ARRAY['dashboards', 'reports', 'search', 'exports', 'alerts', 'comments',
                                         'sharing', 'integrations', 'api', 'mobile', 'sso', 'billing'],
                                   feature), 0)::bigint << 16)
                              | (occurred_at::date - date '2000-01-01'))
        FROM events) AS gen_n_triples
\gset

COMMIT;

\echo 'generate.sql: events=':gen_events 'seed=':gen_seed '->' :gen_n_accounts 'accounts,' :gen_n_users 'users,' :gen_n_events 'events,' :gen_n_triples 'distinct (user, feature, day) triples'
\set QUIET :gen_quiet
