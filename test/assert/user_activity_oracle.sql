--
-- user_activity_oracle: user_activity(act, as_of, days) and the recipes of
-- doc/reference.md built on it (the users who went quiet, the seats never
-- used from a roster, adoption over time with the seats in force then)
-- against independent plain-SQL formulations, on the generated data set.
--
-- Expects the tables of data/generate.sql (accounts, users, events) in the
-- current database and the extension installed.  Raises an exception that
-- names the case on any mismatch.
--
-- The oracle reads the definition of user_activity in doc/reference.md literally:
--   * a summary is the set of distinct (user, feature, day) triples of a
--     group, day = occurred_at::date in the session TimeZone;
--   * user_activity gives one row per user with a day on or before as_of,
--     in the summary's own user order (numeric for integer ids, byte order
--     for text and uuid); first_day / last_day: the user's first and last
--     day on or before as_of; active_days: distinct days in
--     (as_of - days, as_of]; features: distinct non-NULL features used in
--     that window; both 0 when the user was not active in it;
--   * user_id as champion writes it: integers in decimal, uuids in their
--     usual form, text as it is.
\set ON_ERROR_STOP 1
\pset pager off
SET client_min_messages = warning;
SET TimeZone = 'America/New_York';

-- ------------------------------------------------------------------
-- Edge rows: users active only after the last as_of compared (in an
-- account of their own and in a real one), a user whose only activity
-- has no feature, rows with a NULL user (skipped)
-- ------------------------------------------------------------------
INSERT INTO events (account_id, user_id, feature, occurred_at)
SELECT account_id, 990000000 + account_id, 'reports', '2026-07-25 12:00-04'
FROM accounts ORDER BY account_id LIMIT 2;
INSERT INTO events (account_id, user_id, feature, occurred_at) VALUES
    (-3, 990000101, 'reports', '2026-08-01 12:00-04'),
    (-3, 990000102, NULL,      '2026-08-02 12:00-04'),
    (-4, 990000201, NULL,      '2026-06-20 12:00-04'),
    (-4, 990000201, NULL,      '2026-06-21 12:00-04'),
    (-4, NULL,      'reports', '2026-06-21 12:00-04');

-- ------------------------------------------------------------------
-- The oracle's view of the data
-- ------------------------------------------------------------------
CREATE TEMP TABLE triples AS
SELECT DISTINCT account_id, user_id, feature, occurred_at::date AS day
FROM events WHERE user_id IS NOT NULL AND occurred_at IS NOT NULL;
CREATE INDEX ON triples (account_id, user_id);
ANALYZE triples;

CREATE TEMP TABLE as_ofs AS
SELECT v.as_of
FROM (SELECT min(day) AS lo, max(day) FILTER (WHERE day < '2026-07-01') AS hi FROM triples) b,
     LATERAL (VALUES (lo - 1), (lo), (lo + (hi - lo) / 3), (lo + 2 * (hi - lo) / 3),
                     (hi - 2), (hi), (hi + 10)) v(as_of);
CREATE TEMP TABLE windows AS
SELECT as_of, days FROM as_ofs, (VALUES (1), (7), (30), (600)) d(days);

-- id variants, built by casting (as test/assert/aggregate.sql does), with each
-- id's text form and its rank in the id type's order
CREATE FUNCTION pg_temp.int_id(u bigint) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT (CASE WHEN u % 2 = 0 THEN -u ELSE u END)::integer $$;
CREATE FUNCTION pg_temp.text_id(u bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT (ARRAY['é', 'Z', 'a'])[u % 3 + 1] || u $$;
CREATE FUNCTION pg_temp.uuid_id(u bigint) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$ SELECT md5(u::text)::uuid $$;

CREATE TEMP TABLE user_map AS
WITH ids AS (SELECT DISTINCT account_id, user_id FROM triples)
SELECT 'bigint' AS variant, account_id, user_id, user_id::text AS id_text,
       row_number() OVER (PARTITION BY account_id ORDER BY user_id) AS rank FROM ids
UNION ALL
SELECT 'integer', account_id, user_id, pg_temp.int_id(user_id)::text,
       row_number() OVER (PARTITION BY account_id ORDER BY pg_temp.int_id(user_id)) FROM ids
UNION ALL
SELECT 'text', account_id, user_id, pg_temp.text_id(user_id),
       row_number() OVER (PARTITION BY account_id ORDER BY pg_temp.text_id(user_id) COLLATE "C") FROM ids
UNION ALL
SELECT 'uuid', account_id, user_id, pg_temp.uuid_id(user_id)::text,
       row_number() OVER (PARTITION BY account_id ORDER BY pg_temp.uuid_id(user_id)) FROM ids;
ANALYZE user_map;

CREATE TEMP TABLE summaries AS
SELECT 'bigint' AS variant, account_id, activity_agg(user_id, occurred_at, feature) AS act
FROM events GROUP BY account_id
UNION ALL
SELECT 'integer', account_id, activity_agg(pg_temp.int_id(user_id), occurred_at::date, feature)
FROM events GROUP BY account_id
UNION ALL
SELECT 'text', account_id, activity_agg(pg_temp.text_id(user_id), occurred_at, feature)
FROM events GROUP BY account_id
UNION ALL
SELECT 'uuid', account_id, activity_agg(pg_temp.uuid_id(user_id), occurred_at::date, feature)
FROM events GROUP BY account_id;

CREATE TEMP TABLE results (what text, got text, want text, ok boolean);

-- ------------------------------------------------------------------
-- user_activity: every row, every field, the row order
-- ------------------------------------------------------------------
CREATE TEMP TABLE want_rows AS
SELECT m.variant, t.account_id, w.as_of, w.days, m.id_text AS user_id,
       min(t.day) AS first_day, max(t.day) AS last_day,
       count(DISTINCT t.day) FILTER (WHERE t.day > w.as_of - w.days) AS active_days,
       count(DISTINCT t.feature) FILTER (WHERE t.day > w.as_of - w.days) AS features,
       row_number() OVER (PARTITION BY m.variant, t.account_id, w.as_of, w.days ORDER BY m.rank) AS ord
FROM triples t
JOIN user_map m USING (account_id, user_id)
JOIN windows w ON t.day <= w.as_of
GROUP BY m.variant, t.account_id, w.as_of, w.days, m.id_text, m.rank;

CREATE TEMP TABLE got_rows AS
SELECT s.variant, s.account_id, w.as_of, w.days, u.*
FROM summaries s CROSS JOIN windows w,
     LATERAL user_activity(s.act, w.as_of, w.days) WITH ORDINALITY
             AS u(user_id, first_day, last_day, active_days, features, ord);

INSERT INTO results
SELECT format('user_activity [%s] account %s, as_of %s, days %s, user %s',
              coalesce(g.variant, o.variant), coalesce(g.account_id, o.account_id),
              coalesce(g.as_of, o.as_of), coalesce(g.days, o.days), coalesce(g.user_id, o.user_id)),
       row(g.first_day, g.last_day, g.active_days, g.features, g.ord)::text,
       row(o.first_day, o.last_day, o.active_days, o.features, o.ord)::text,
       g.user_id IS NOT NULL AND o.user_id IS NOT NULL
       AND g.first_day = o.first_day AND g.last_day = o.last_day
       AND g.active_days = o.active_days AND g.features = o.features AND g.ord = o.ord
FROM got_rows g
FULL JOIN want_rows o USING (variant, account_id, as_of, days, user_id);

-- NULL summary, as_of or days: no rows
INSERT INTO results
SELECT 'user_activity with ' || x.what, n::text, '0', n = 0
FROM (SELECT 'NULL act', (SELECT count(*) FROM user_activity(NULL::activity, '2026-06-30'))
      UNION ALL
      SELECT 'NULL as_of', (SELECT count(*) FROM summaries s, user_activity(s.act, NULL))
      UNION ALL
      SELECT 'NULL days', (SELECT count(*) FROM summaries s, user_activity(s.act, '2026-06-30', NULL))) x(what, n);

-- the default window is 30 days, the default as_of today
INSERT INTO results
SELECT 'user_activity defaults [' || s.variant || '] account ' || s.account_id,
       (SELECT string_agg(u::text, ';') FROM user_activity(s.act, '2026-06-30') u),
       (SELECT string_agg(u::text, ';') FROM user_activity(s.act, '2026-06-30', 30) u),
       (SELECT string_agg(u::text, ';') FROM user_activity(s.act, '2026-06-30') u)
       IS NOT DISTINCT FROM (SELECT string_agg(u::text, ';') FROM user_activity(s.act, '2026-06-30', 30) u)
       AND (SELECT string_agg(u::text, ';') FROM user_activity(s.act) u)
       IS NOT DISTINCT FROM (SELECT string_agg(u::text, ';') FROM user_activity(s.act, current_date, 30) u)
FROM summaries s WHERE s.account_id IN (SELECT account_id FROM accounts ORDER BY account_id LIMIT 3);

-- invalid arguments: days < 1 and an infinite as_of are errors 22023
DO $$
DECLARE state text;
BEGIN
    FOR state IN SELECT 'days 0' UNION ALL SELECT 'days -5' UNION ALL SELECT 'as_of infinity' LOOP
        BEGIN
            IF state = 'days 0' THEN
                PERFORM count(*) FROM summaries s, user_activity(s.act, '2026-06-30', 0);
            ELSIF state = 'days -5' THEN
                PERFORM count(*) FROM summaries s, user_activity(s.act, '2026-06-30', -5);
            ELSE
                PERFORM count(*) FROM summaries s, user_activity(s.act, 'infinity');
            END IF;
            RAISE EXCEPTION 'user_activity with % did not fail', state;
        EXCEPTION WHEN invalid_parameter_value THEN
            INSERT INTO results VALUES ('user_activity error with ' || state, SQLERRM,
                                        'an error 22023 naming the argument',
                                        SQLERRM LIKE CASE WHEN state LIKE 'days%' THEN 'days must be at least 1%'
                                                          ELSE 'as_of must be a finite date%' END);
        END;
    END LOOP;
END $$;

-- ------------------------------------------------------------------
-- Recipe: the users who went quiet, longest silence first
-- ------------------------------------------------------------------
CREATE TEMP TABLE quiet_got AS
SELECT s.account_id, u.user_id, u.last_day, date '2026-06-30' - u.last_day AS quiet_days,
       row_number() OVER (PARTITION BY s.account_id ORDER BY u.last_day, u.user_id) AS ord
FROM summaries s, user_activity(s.act, '2026-06-30', 14) u
WHERE s.variant = 'bigint' AND u.active_days = 0;

CREATE TEMP TABLE quiet_want AS
SELECT account_id, user_id::text AS user_id, max(day) AS last_day,
       date '2026-06-30' - max(day) AS quiet_days,
       row_number() OVER (PARTITION BY account_id ORDER BY max(day), user_id::text) AS ord
FROM triples WHERE day <= '2026-06-30'
GROUP BY account_id, user_id
HAVING max(day) <= date '2026-06-30' - 14;

INSERT INTO results
SELECT format('went quiet: account %s user %s', coalesce(g.account_id, o.account_id), coalesce(g.user_id, o.user_id)),
       row(g.last_day, g.quiet_days, g.ord)::text, row(o.last_day, o.quiet_days, o.ord)::text,
       g.user_id IS NOT NULL AND o.user_id IS NOT NULL
       AND g.last_day = o.last_day AND g.quiet_days = o.quiet_days AND g.ord = o.ord
FROM quiet_got g FULL JOIN quiet_want o USING (account_id, user_id);

-- ------------------------------------------------------------------
-- Recipe: the seats never used, as a roster LEFT JOIN
-- ------------------------------------------------------------------
-- a roster user with no events at all, in a real account
INSERT INTO users (user_id, account_id, role, department, invited_at)
SELECT 990000301, min(account_id), 'member', 'ops', '2026-01-01' FROM accounts;

CREATE TEMP TABLE unused_got AS
SELECT r.account_id, r.user_id
FROM users r
LEFT JOIN (SELECT s.account_id, u.user_id
             FROM summaries s, user_activity(s.act, '2026-03-31') u
            WHERE s.variant = 'bigint') a
       ON a.account_id = r.account_id AND a.user_id = r.user_id::text
WHERE a.user_id IS NULL;

CREATE TEMP TABLE unused_want AS
SELECT r.account_id, r.user_id FROM users r
WHERE NOT EXISTS (SELECT FROM events e
                   WHERE e.user_id = r.user_id AND e.account_id = r.account_id
                     AND e.occurred_at::date <= '2026-03-31');

INSERT INTO results
SELECT format('never used: account %s user %s', coalesce(g.account_id, o.account_id), coalesce(g.user_id, o.user_id)),
       (g.user_id IS NOT NULL)::text, (o.user_id IS NOT NULL)::text,
       g.user_id IS NOT NULL AND o.user_id IS NOT NULL
FROM unused_got g FULL JOIN unused_want o USING (account_id, user_id);

-- ------------------------------------------------------------------
-- Recipe: adoption over time with the seats in force on each day
-- ------------------------------------------------------------------
-- a seat history: each account grew from half its seats, to three
-- quarters on 2025-07-01, to all of them on 2026-01-01
CREATE TEMP TABLE seat_history (
    account_id bigint NOT NULL,
    seats      integer NOT NULL,
    valid      daterange NOT NULL
);
INSERT INTO seat_history
SELECT account_id, ceil(seats / 2.0)::int, daterange(NULL, '2025-07-01') FROM accounts
UNION ALL SELECT account_id, ceil(seats * 0.75)::int, daterange('2025-07-01', '2026-01-01') FROM accounts
UNION ALL SELECT account_id, seats, daterange('2026-01-01', NULL) FROM accounts;

CREATE TEMP TABLE weeks AS
SELECT g::date AS week_end FROM generate_series(date '2025-03-02', date '2026-06-28', interval '28 days') g;

CREATE TEMP TABLE seats_got AS
SELECT s.account_id, w.week_end, h.seats,
       adoption_rate(s.act, h.seats, w.week_end) AS rate
FROM summaries s
CROSS JOIN weeks w
JOIN seat_history h ON h.account_id = s.account_id AND h.valid @> w.week_end
WHERE s.variant = 'bigint';

CREATE TEMP TABLE seats_want AS
SELECT a.account_id, w.week_end,
       CASE WHEN w.week_end < '2025-07-01' THEN ceil(a.seats / 2.0)::int
            WHEN w.week_end < '2026-01-01' THEN ceil(a.seats * 0.75)::int
            ELSE a.seats END AS seats,
       (SELECT count(DISTINCT t.user_id) FROM triples t
         WHERE t.account_id = a.account_id
           AND t.day > w.week_end - 30 AND t.day <= w.week_end) AS active
FROM accounts a CROSS JOIN weeks w
WHERE a.account_id IN (SELECT account_id FROM summaries);

INSERT INTO results
SELECT format('adoption with the seats of %s: account %s', o.week_end, o.account_id),
       row(g.seats, g.rate)::text, row(o.seats, o.active::float8 / nullif(o.seats, 0))::text,
       g.seats = o.seats
       AND (g.rate IS NULL AND o.seats = 0
            OR abs(g.rate - o.active::float8 / o.seats) <= 1e-12)
FROM seats_want o LEFT JOIN seats_got g USING (account_id, week_end);

-- ------------------------------------------------------------------
-- Verdict, and what the data covered
-- ------------------------------------------------------------------
DO $$
DECLARE nbad bigint; detail text;
BEGIN
    SELECT count(*) INTO nbad FROM results WHERE ok IS NOT TRUE;
    IF nbad > 0 THEN
        SELECT string_agg(format('  %s: got %s, expected %s', what, coalesce(got, 'NULL'), coalesce(want, 'NULL')), E'\n')
          INTO detail FROM (SELECT * FROM results WHERE ok IS NOT TRUE ORDER BY what LIMIT 30) b;
        RAISE EXCEPTION E'user_activity oracle: % mismatches, among them:\n%', nbad, detail;
    END IF;
    -- coverage
    IF NOT EXISTS (SELECT FROM want_rows WHERE active_days = 0)
       OR NOT EXISTS (SELECT FROM want_rows WHERE active_days > 5 AND features > 2)
       OR NOT EXISTS (SELECT FROM want_rows WHERE active_days > 0 AND features = 0)
       OR (SELECT count(DISTINCT variant) FROM got_rows) <> 4
       OR (SELECT count(DISTINCT days) FROM got_rows) <> 4 THEN
        RAISE EXCEPTION 'user_activity oracle: thin coverage';
    END IF;
    -- users active only after as_of exist, and are absent from the rows
    IF NOT EXISTS (SELECT FROM user_map m JOIN windows w ON true
                    WHERE NOT EXISTS (SELECT FROM triples t WHERE t.account_id = m.account_id
                                        AND t.user_id = m.user_id AND t.day <= w.as_of)
                      AND w.as_of >= (SELECT min(day) FROM triples)) THEN
        RAISE EXCEPTION 'user_activity oracle: no user active only after an as_of';
    END IF;
    IF NOT EXISTS (SELECT FROM summaries s WHERE s.account_id = -3
                     AND NOT EXISTS (SELECT FROM got_rows g WHERE g.account_id = -3)) THEN
        RAISE EXCEPTION 'user_activity oracle: the account active only after every as_of gave rows';
    END IF;
    -- the row order differs between id types somewhere
    IF NOT EXISTS (SELECT FROM want_rows a JOIN user_map ma ON ma.variant = a.variant AND ma.account_id = a.account_id AND ma.id_text = a.user_id
                   JOIN want_rows b ON b.account_id = a.account_id AND b.as_of = a.as_of AND b.days = a.days AND b.ord = a.ord
                   JOIN user_map mb ON mb.variant = b.variant AND mb.account_id = b.account_id AND mb.id_text = b.user_id
                   WHERE a.variant = 'bigint' AND b.variant = 'text' AND ma.user_id <> mb.user_id) THEN
        RAISE EXCEPTION 'user_activity oracle: the id types never ordered users differently';
    END IF;
    IF (SELECT count(*) FROM quiet_want) = 0 OR (SELECT count(*) FROM unused_want) = 0
       OR NOT EXISTS (SELECT FROM unused_want WHERE user_id = 990000301)
       OR (SELECT count(DISTINCT seats) FROM seats_got WHERE account_id = (SELECT max(account_id) FROM accounts)) < 2 THEN
        RAISE EXCEPTION 'user_activity oracle: a recipe compared nothing';
    END IF;
    RAISE NOTICE 'user_activity oracle: % comparisons, all equal', (SELECT count(*) FROM results);
END $$;

SELECT split_part(what, ' ', 1) AS what, count(*) AS comparisons FROM results GROUP BY 1 ORDER BY 1;
