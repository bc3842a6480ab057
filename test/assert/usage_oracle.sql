--
-- usage_oracle: every usage accessor against an independent plain-SQL
-- formulation of its definition, on the generated data set.
--
-- Expects the tables of data/generate.sql (accounts, users, events) in the
-- current database and the extension installed.  Raises an exception that
-- names the accessor, the account and the arguments on any mismatch.
--
-- The oracle reads the definitions of the product contract literally:
--   * a summary is the set of distinct (user, feature, day) triples of a
--     group, day = occurred_at::date in the session TimeZone, rows with a
--     NULL user or day skipped;
--   * the window of (as_of, days) is (as_of - days, as_of];
--   * rows after as_of are ignored.
\ir lib/common.sql
-- not UTC, and with daylight-saving changes inside the data: the day of a
-- timestamptz depends on it
SET TimeZone = 'America/New_York';

-- ------------------------------------------------------------------
-- Edge rows added to the generated events
-- ------------------------------------------------------------------
-- rows with a NULL user or a NULL time in real accounts (skipped), and an
-- account whose rows all have a NULL user (its summary is NULL)
SELECT pg_temp.add_skipped_events('core', '2026-01-15 12:00-05');
-- rows on both sides of local midnight (day boundaries in New York, not UTC)
SELECT pg_temp.add_events_at('2026-06-29 23:59:59.999999-04',
                              '2026-06-30 00:00:00-04',
                              '2026-03-08 01:59:59-05',   -- before the DST change
                              '2026-03-08 03:00:00-04');

-- The data must exercise what is tested here.
SELECT pg_temp.require_data(features => 3, accounts => 3, no_feature => true, zone => 'New York');

-- ------------------------------------------------------------------
-- The oracle's view of the data: the set of triples (doc/reference.md,
-- "The type activity"), and the accounts that have one, with their seats
-- ------------------------------------------------------------------
SELECT pg_temp.create_triples();

-- reference days: before all data, the first day, inside, the last day,
-- after the end
CREATE TEMP TABLE as_ofs AS
SELECT v.as_of
FROM (SELECT min(day) AS lo, max(day) AS hi FROM triples) b,
     LATERAL (VALUES (lo - 1), (lo), (lo + (hi - lo) / 3), (lo + 2 * (hi - lo) / 3),
                     (hi), (hi + 20)) v(as_of);

CREATE TEMP TABLE windows AS
SELECT as_of, days FROM as_ofs, (VALUES (1), (7), (30), (90)) d(days);

-- feature filters: NULL (any activity), every feature used, and one nobody used
CREATE TEMP TABLE feats AS
SELECT NULL::text AS feature
UNION ALL SELECT DISTINCT feature FROM events WHERE feature IS NOT NULL
UNION ALL SELECT 'no such feature';

-- ------------------------------------------------------------------
-- The summaries, built once per account and user-id type
-- ------------------------------------------------------------------
CREATE TEMP TABLE summaries AS
SELECT 'bigint/timestamptz' AS variant, account_id,
       activity_agg(user_id, occurred_at, feature) AS act
FROM events GROUP BY account_id
UNION ALL
SELECT 'integer/date', account_id,
       activity_agg(user_id::integer, occurred_at::date, feature)
FROM events GROUP BY account_id
UNION ALL
SELECT 'text/timestamptz', account_id,
       activity_agg('u' || user_id, occurred_at, feature)
FROM events GROUP BY account_id
UNION ALL
SELECT 'uuid/date', account_id,
       activity_agg(md5(user_id::text)::uuid, occurred_at::date, feature)
FROM events GROUP BY account_id;

-- the summary without a feature column (every triple has no feature)
CREATE TEMP TABLE summaries_nofeature AS
SELECT account_id, activity_agg(user_id, occurred_at) AS act
FROM events GROUP BY account_id;

-- ------------------------------------------------------------------
-- Comparison helpers and the table of all comparisons
-- ------------------------------------------------------------------
-- (pg_temp.same and pg_temp.args: lib/common.sql)

SELECT pg_temp.create_results();

-- ------------------------------------------------------------------
-- NULL summaries: exactly the accounts without any triple
-- ------------------------------------------------------------------
INSERT INTO results
SELECT 'activity_agg IS NULL', s.variant, s.account_id, '',
       (s.act IS NULL)::text, (a.account_id IS NULL)::text,
       (s.act IS NULL) = (a.account_id IS NULL), a.account_id IS NULL
FROM summaries s LEFT JOIN accts a USING (account_id);

-- The day as date or as timestamptz gives byte-identical summaries.
INSERT INTO results
SELECT 'activity_agg(date) = activity_agg(timestamptz)', x.variant, x.account_id, '',
       x.d, x.t, x.d IS NOT DISTINCT FROM x.t, x.t IS NOT NULL
FROM (SELECT 'bigint' AS variant, account_id,
             activity_agg(user_id, occurred_at::date, feature)::text AS d,
             activity_agg(user_id, occurred_at, feature)::text AS t
        FROM events GROUP BY account_id
      UNION ALL
      SELECT 'integer', account_id,
             activity_agg(user_id::integer, occurred_at::date, feature)::text,
             activity_agg(user_id::integer, occurred_at, feature)::text
        FROM events GROUP BY account_id
      UNION ALL
      SELECT 'text', account_id,
             activity_agg('u' || user_id, occurred_at::date, feature)::text,
             activity_agg('u' || user_id, occurred_at, feature)::text
        FROM events GROUP BY account_id
      UNION ALL
      SELECT 'uuid', account_id,
             activity_agg(md5(user_id::text)::uuid, occurred_at::date, feature)::text,
             activity_agg(md5(user_id::text)::uuid, occurred_at, feature)::text
        FROM events GROUP BY account_id
      UNION ALL
      SELECT 'bigint, no feature', account_id,
             activity_agg(user_id, occurred_at::date)::text,
             activity_agg(user_id, occurred_at)::text
        FROM events GROUP BY account_id) x;

-- ------------------------------------------------------------------
-- user_count(act, feature, as_of): distinct users with a triple (of that
-- feature) on or before as_of; as_of NULL means no bound
-- ------------------------------------------------------------------
CREATE TEMP TABLE o_user_count AS
SELECT a.account_id, u.as_of, f.feature,
       (SELECT count(DISTINCT t.user_id)
          FROM triples t
         WHERE t.account_id = a.account_id
           AND (f.feature IS NULL OR t.feature = f.feature)
           AND (u.as_of IS NULL OR t.day <= u.as_of)) AS users
FROM accts a,
     (SELECT as_of FROM as_ofs UNION ALL SELECT NULL) u,
     feats f;

INSERT INTO results
SELECT 'user_count', s.variant, o.account_id,
       concat_ws(', ', 'feature => ' || coalesce(quote_literal(o.feature), 'NULL'),
                 'as_of => ' || coalesce(quote_literal(o.as_of::text), 'NULL')),
       g.got::text, o.users::text, g.got IS NOT DISTINCT FROM o.users, o.users > 0
FROM o_user_count o JOIN summaries s USING (account_id),
     LATERAL (SELECT user_count(s.act, o.feature, o.as_of) AS got) g;

-- ------------------------------------------------------------------
-- Per window (as_of, days) and feature filter:
--   active      distinct users with a triple (of the feature) in the window
--   user_days   distinct (user, day) with a triple (of the feature) in the window
--   active_any  distinct users with any triple in the window
--   pairs       distinct (user, feature) with a non-NULL feature in the window
-- ------------------------------------------------------------------
CREATE TEMP TABLE o_window AS
SELECT a.account_id, a.seats, w.as_of, w.days, f.feature,
       (SELECT count(DISTINCT t.user_id)
          FROM triples t
         WHERE t.account_id = a.account_id
           AND t.day > w.as_of - w.days AND t.day <= w.as_of
           AND (f.feature IS NULL OR t.feature = f.feature)) AS active,
       (SELECT count(*) FROM (SELECT DISTINCT t.user_id, t.day
          FROM triples t
         WHERE t.account_id = a.account_id
           AND t.day > w.as_of - w.days AND t.day <= w.as_of
           AND (f.feature IS NULL OR t.feature = f.feature)) ud) AS user_days,
       (SELECT count(DISTINCT t.user_id)
          FROM triples t
         WHERE t.account_id = a.account_id
           AND t.day > w.as_of - w.days AND t.day <= w.as_of) AS active_any,
       (SELECT count(*) FROM (SELECT DISTINCT t.user_id, t.feature
          FROM triples t
         WHERE t.account_id = a.account_id
           AND t.day > w.as_of - w.days AND t.day <= w.as_of
           AND t.feature IS NOT NULL) uf) AS pairs
FROM accts a, windows w, feats f;

-- active_users(act, as_of, days, feature) = active
INSERT INTO results
SELECT 'active_users', s.variant, o.account_id, pg_temp.args(o.as_of, o.days, o.feature),
       g.got::text, o.active::text, g.got IS NOT DISTINCT FROM o.active, o.active > 0
FROM o_window o JOIN summaries s USING (account_id),
     LATERAL (SELECT active_users(s.act, o.as_of, o.days, o.feature) AS got) g;

-- stickiness(act, as_of, days, feature) = mean daily active users over the
-- days of the window / active users = user_days / days / active;
-- NULL without active users
INSERT INTO results
SELECT 'stickiness', s.variant, o.account_id, pg_temp.args(o.as_of, o.days, o.feature),
       g.got::text, x.want::text, pg_temp.same(g.got, x.want), x.want IS NOT NULL
FROM o_window o JOIN summaries s USING (account_id),
     LATERAL (SELECT CASE WHEN o.active = 0 THEN NULL
                          ELSE o.user_days::float8 / o.days / o.active END AS want) x,
     LATERAL (SELECT stickiness(s.act, o.as_of, o.days, o.feature) AS got) g;

-- adoption_rate(act, seats, as_of, days, feature) = active / seats;
-- NULL for 0 or NULL seats; not clamped
INSERT INTO results
SELECT 'adoption_rate', s.variant, o.account_id,
       'seats => ' || coalesce(k.seats::text, 'NULL') || ', ' || pg_temp.args(o.as_of, o.days, o.feature),
       g.got::text, x.want::text, pg_temp.same(g.got, x.want), coalesce(x.want > 0, false)
FROM o_window o JOIN summaries s USING (account_id),
     LATERAL (SELECT o.seats::bigint AS seats
              UNION ALL
              -- other seat counts, on a part of the grid
              SELECT v.seats FROM (VALUES (0::bigint), (NULL), (1), (3)) v(seats)
               WHERE o.days = 30 AND (o.feature IS NULL OR o.feature = (SELECT min(feature) FROM feats))) k,
     LATERAL (SELECT CASE WHEN k.seats IS NULL OR k.seats = 0 THEN NULL
                          ELSE o.active::float8 / k.seats END AS want) x,
     LATERAL (SELECT adoption_rate(s.act, k.seats, o.as_of, o.days, o.feature) AS got) g;

-- feature_adoption_rate(act, feature, as_of, days) = active on the feature /
-- active at all; NULL without active users.  A NULL feature means any
-- activity, so the rate is then 1 (or NULL).
INSERT INTO results
SELECT 'feature_adoption_rate', s.variant, o.account_id, pg_temp.args(o.as_of, o.days, o.feature),
       g.got::text, x.want::text, pg_temp.same(g.got, x.want),
       coalesce(x.want > 0 AND x.want < 1, false)
FROM o_window o JOIN summaries s USING (account_id),
     LATERAL (SELECT CASE WHEN o.active_any = 0 THEN NULL
                          ELSE o.active::float8 / o.active_any END AS want) x,
     LATERAL (SELECT feature_adoption_rate(s.act, o.feature, o.as_of, o.days) AS got) g;

-- depth(act, as_of, days) = pairs / active_any; NULL without active users
INSERT INTO results
SELECT 'depth', s.variant, o.account_id, pg_temp.args(o.as_of, o.days, NULL),
       g.got::text, x.want::text, pg_temp.same(g.got, x.want), coalesce(x.want > 0, false)
FROM o_window o JOIN summaries s USING (account_id),
     LATERAL (SELECT CASE WHEN o.active_any = 0 THEN NULL
                          ELSE o.pairs::float8 / o.active_any END AS want) x,
     LATERAL (SELECT depth(s.act, o.as_of, o.days) AS got) g
WHERE o.feature IS NULL;

-- ------------------------------------------------------------------
-- first_day(act, feature), last_day(act, feature): earliest / latest day
-- with a triple (of the feature); no as_of
-- ------------------------------------------------------------------
CREATE TEMP TABLE o_days AS
SELECT a.account_id, f.feature,
       (SELECT min(t.day) FROM triples t
         WHERE t.account_id = a.account_id
           AND (f.feature IS NULL OR t.feature = f.feature)) AS first_day,
       (SELECT max(t.day) FROM triples t
         WHERE t.account_id = a.account_id
           AND (f.feature IS NULL OR t.feature = f.feature)) AS last_day
FROM accts a, feats f;

-- first_day and last_day, each against its column of o_days
INSERT INTO results
SELECT f.fn, s.variant, o.account_id,
       'feature => ' || coalesce(quote_literal(o.feature), 'NULL'),
       g.got::text, g.want::text, g.got IS NOT DISTINCT FROM g.want, g.want IS NOT NULL
FROM o_days o JOIN summaries s USING (account_id)
     CROSS JOIN (VALUES ('first_day'), ('last_day')) f(fn),
     LATERAL (SELECT CASE f.fn WHEN 'first_day' THEN first_day(s.act, o.feature)
                               ELSE last_day(s.act, o.feature) END AS got,
                     CASE f.fn WHEN 'first_day' THEN o.first_day
                               ELSE o.last_day END AS want) g;

-- ------------------------------------------------------------------
-- features(act, as_of, days, seats): one row per non-NULL feature with a
-- triple on or before as_of, ordered by feature (byte order):
--   users          distinct users of the feature on or before as_of
--   active_users   distinct users of the feature in the window
--   adoption_rate  active_users / users active at all in the window (NULL if none)
--   penetration    active_users / seats (NULL for NULL or 0 seats)
--   first_day, last_day   of the feature, on or before as_of
-- ------------------------------------------------------------------
CREATE TEMP TABLE o_features AS
SELECT a.account_id, a.seats AS account_seats, w.as_of, w.days, x.feature,
       (SELECT count(DISTINCT t.user_id) FROM triples t
         WHERE t.account_id = a.account_id AND t.feature = x.feature
           AND t.day <= w.as_of) AS users,
       (SELECT count(DISTINCT t.user_id) FROM triples t
         WHERE t.account_id = a.account_id AND t.feature = x.feature
           AND t.day > w.as_of - w.days AND t.day <= w.as_of) AS active_users,
       (SELECT count(DISTINCT t.user_id) FROM triples t
         WHERE t.account_id = a.account_id
           AND t.day > w.as_of - w.days AND t.day <= w.as_of) AS active_any,
       (SELECT min(t.day) FROM triples t
         WHERE t.account_id = a.account_id AND t.feature = x.feature
           AND t.day <= w.as_of) AS first_day,
       (SELECT max(t.day) FROM triples t
         WHERE t.account_id = a.account_id AND t.feature = x.feature
           AND t.day <= w.as_of) AS last_day
FROM accts a, windows w,
     LATERAL (SELECT DISTINCT t.feature FROM triples t
               WHERE t.account_id = a.account_id AND t.feature IS NOT NULL
                 AND t.day <= w.as_of) x;

-- features() as the accessor returns it, with each row's position, for
-- seats: the account's, none (NULL), and 0
CREATE TEMP TABLE seat_kinds (kind text);
INSERT INTO seat_kinds VALUES ('account'), ('none'), ('zero');

CREATE TEMP TABLE c_features AS
SELECT s.variant, s.account_id, w.as_of, w.days, k.kind, r.*
FROM summaries s JOIN accts a USING (account_id), windows w, seat_kinds k,
     LATERAL features(s.act, w.as_of, w.days,
                      CASE k.kind WHEN 'account' THEN a.seats WHEN 'zero' THEN 0 END)
             WITH ORDINALITY AS r(feature, users, active_users, adoption_rate,
                                  penetration, first_day, last_day, ord);

-- and as the oracle expects it
CREATE TEMP TABLE want_features AS
SELECT v.variant, o.account_id, o.as_of, o.days, k.kind, o.feature,
       o.users, o.active_users,
       CASE WHEN o.active_any = 0 THEN NULL
            ELSE o.active_users::float8 / o.active_any END AS adoption_rate,
       CASE WHEN k.kind = 'account' AND o.account_seats <> 0
            THEN o.active_users::float8 / o.account_seats END AS penetration,
       o.first_day, o.last_day,
       row_number() OVER (PARTITION BY v.variant, o.account_id, o.as_of, o.days, k.kind
                          ORDER BY o.feature COLLATE "C") AS ord
FROM o_features o, (SELECT DISTINCT variant FROM summaries) v, seat_kinds k;
ANALYZE want_features;
ANALYZE c_features;

INSERT INTO results
SELECT 'features', variant, account_id,
       format('as_of => %L, days => %s, seats => %s; row for feature %L',
              as_of, days, kind, feature),
       CASE WHEN c.variant IS NOT NULL THEN
            row(c.users, c.active_users, c.adoption_rate, c.penetration,
                c.first_day, c.last_day, 'row ' || c.ord)::text END,
       CASE WHEN w.variant IS NOT NULL THEN
            row(w.users, w.active_users, w.adoption_rate, w.penetration,
                w.first_day, w.last_day, 'row ' || w.ord)::text END,
       c.variant IS NOT NULL AND w.variant IS NOT NULL
       AND c.users IS NOT DISTINCT FROM w.users
       AND c.active_users IS NOT DISTINCT FROM w.active_users
       AND pg_temp.same(c.adoption_rate, w.adoption_rate)
       AND pg_temp.same(c.penetration, w.penetration)
       AND c.first_day IS NOT DISTINCT FROM w.first_day
       AND c.last_day IS NOT DISTINCT FROM w.last_day
       AND c.ord = w.ord,
       w.active_users > 0
FROM c_features c FULL JOIN want_features w USING (variant, account_id, as_of, days, kind, feature);

-- ------------------------------------------------------------------
-- The summary without a feature column: every triple has no feature
-- ------------------------------------------------------------------
INSERT INTO results
SELECT 'active_users', 'no feature column', o.account_id, pg_temp.args(o.as_of, o.days, NULL),
       g.got::text, o.active::text, g.got IS NOT DISTINCT FROM o.active, o.active > 0
FROM o_window o JOIN summaries_nofeature s USING (account_id),
     LATERAL (SELECT active_users(s.act, o.as_of, o.days) AS got) g
WHERE o.feature IS NULL;

-- stickiness; and depth: no (user, feature) pair, so 0 with active users;
-- both NULL without
INSERT INTO results
SELECT f.fn, 'no feature column', o.account_id, pg_temp.args(o.as_of, o.days, NULL),
       g.got::text, g.want::text, pg_temp.same(g.got, g.want), g.want IS NOT NULL
FROM o_window o JOIN summaries_nofeature s USING (account_id)
     CROSS JOIN (VALUES ('stickiness'), ('depth')) f(fn),
     LATERAL (SELECT CASE f.fn WHEN 'stickiness' THEN stickiness(s.act, o.as_of, o.days)
                               ELSE depth(s.act, o.as_of, o.days) END AS got,
                     CASE WHEN o.active = 0 THEN NULL
                          WHEN f.fn = 'stickiness' THEN o.user_days::float8 / o.days / o.active
                          ELSE 0::float8 END AS want) g
WHERE o.feature IS NULL;

-- no feature at all: users of a named feature 0, no features() rows
INSERT INTO results
SELECT 'user_count', 'no feature column', o.account_id,
       'feature => ' || coalesce(quote_literal(o.feature), 'NULL'),
       g.got::text, x.want::text, g.got IS NOT DISTINCT FROM x.want, x.want > 0
FROM o_user_count o JOIN summaries_nofeature s USING (account_id),
     LATERAL (SELECT CASE WHEN o.feature IS NULL THEN o.users ELSE 0 END AS want) x,
     LATERAL (SELECT user_count(s.act, o.feature) AS got) g
WHERE o.as_of IS NULL;

INSERT INTO results
SELECT 'features', 'no feature column', s.account_id, pg_temp.args(w.as_of, w.days, NULL),
       g.n::text, '0', g.n = 0, false
FROM summaries_nofeature s JOIN accts USING (account_id), windows w,
     LATERAL (SELECT count(*) AS n FROM features(s.act, w.as_of, w.days)) g;

-- ------------------------------------------------------------------
-- Verdict
-- ------------------------------------------------------------------
-- every comparison equal; every accessor and variant compared, with
-- non-trivial values
SELECT pg_temp.check_results('usage',
    ARRAY['user_count', 'active_users', 'stickiness', 'adoption_rate',
          'feature_adoption_rate', 'features', 'depth', 'first_day', 'last_day'],
    ARRAY(SELECT DISTINCT variant FROM summaries));

DO $$
DECLARE
    r      record;
BEGIN
    -- and the empty cases too
    FOR r IN
        SELECT a.fn, count(x.*) AS n
          FROM (VALUES ('stickiness'), ('feature_adoption_rate'), ('depth'), ('adoption_rate')) a(fn)
          LEFT JOIN results x ON x.fn = a.fn AND x.want IS NULL
         GROUP BY 1
    LOOP
        IF r.n = 0 THEN
            RAISE EXCEPTION 'usage oracle never expected NULL from %', r.fn;
        END IF;
    END LOOP;
    IF NOT EXISTS (SELECT FROM results WHERE fn = 'active_users' AND want = '0')
       OR NOT EXISTS (SELECT FROM results WHERE fn = 'user_count' AND want = '0') THEN
        RAISE EXCEPTION 'usage oracle never expected a count of 0';
    END IF;
    RAISE NOTICE 'usage oracle: % comparisons, all equal', (SELECT count(*) FROM results);
END $$;

SELECT * FROM pg_temp.results_summary();
