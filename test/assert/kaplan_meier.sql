-- test/assert/kaplan_meier.sql: Kaplan-Meier quantiles of time_to_feature on
-- small hand-checked cases (doc/reference.md, "Kaplan-Meier quantiles"):
-- the smallest event time where S <= 1 - p, or, where S equals 1 - p
-- exactly, the midpoint of that time and the next event time (the largest
-- observed time when no event follows).  test/scripts/km_survival.sh checks the
-- same convention against R's survival package on generated data.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

-- Each case is a list of times, an event (e) or a censoring (c) each.  A
-- user with an event at t uses feature a on day 0 and b on day t; a
-- censored one uses a on as_of - t only.  time_to_feature(n => 2) then
-- sees exactly these times.
CREATE TEMP TABLE km_case (name text, obs text, median float8, p90 float8);
INSERT INTO km_case VALUES
    -- 10 events on days 1 .. 10: S = 0.5 at 5 and 0.1 at 9, exactly
    -- (the floating-point product lands above 0.1 at 9)
    ('ten events',            'e1 e2 e3 e4 e5 e6 e7 e8 e9 e10', 5.5, 9.5),
    -- S = 3/4 at 1, 1/2 at 2 exactly; the next event at 5: S = 0
    ('hit, then censored',    'e1 e2 c3 e5', 3.5, 5),
    -- S = 1/2 at 1 and no event follows: up to the largest time, 10
    ('hit at the last event', 'e1 c10', 5.5, NULL),
    -- S = 1/2 at 4, which is also the largest time
    ('hit at the end',        'c1 e4 c4', 4, NULL),
    -- S = 3/5 at 1, 3/10 at 3 (below 0.5, not equal), then censored only
    ('no exact hit',          'e1 e1 c2 e3 c5', 3, NULL),
    -- ties: 5 events of 10 at day 0: S = 1/2 at 0; 4 more at 7: S = 1/10
    -- exactly; the last user is censored at 9
    ('ties at 0 and 7',       'e0 e0 e0 e0 e0 e7 e7 e7 e7 c9', 3.5, 8),
    -- censored only: no quantile
    ('all censored',          'c3 c5', NULL, NULL),
    -- S = 9/10 at 1, then 9/10 * 1/9 = 1/10 exactly at 2 (8 of 9 at risk)
    ('p90 exact after a big step', 'e1 e2 e2 e2 e2 e2 e2 e2 e2 c4', 2, 3);

CREATE TEMP TABLE km_obs AS
SELECT c.name, row_number() OVER (PARTITION BY c.name ORDER BY o.ord) AS user_id,
       left(o.tok, 1) = 'e' AS event, substr(o.tok, 2)::int AS t
FROM km_case c, regexp_split_to_table(c.obs, ' ') WITH ORDINALITY o(tok, ord);

CREATE TEMP TABLE km_rows AS
SELECT name, user_id, 'a' AS feature, date '2026-01-01' AS day FROM km_obs WHERE event
UNION ALL
SELECT name, user_id, 'b', date '2026-01-01' + t FROM km_obs WHERE event
UNION ALL
SELECT name, user_id, 'a', date '2026-03-01' - t FROM km_obs WHERE NOT event;

DO $$
DECLARE
    r record;
    checks int := 0;
BEGIN
    FOR r IN
        SELECT c.name, c.median, c.p90, t.*
        FROM km_case c,
             LATERAL (SELECT activity_agg(user_id, day, feature) AS act
                        FROM km_rows k WHERE k.name = c.name) s,
             LATERAL time_to_feature(s.act, 2, '2026-03-01') t
    LOOP
        IF r.median_days IS DISTINCT FROM r.median OR r.p90_days IS DISTINCT FROM r.p90 THEN
            RAISE EXCEPTION 'time_to_feature, %: got median % p90 %, expected % and %',
                r.name, r.median_days, r.p90_days, r.median, r.p90;
        END IF;
        checks := checks + 1;
    END LOOP;
    IF checks <> (SELECT count(*) FROM km_case) THEN
        RAISE EXCEPTION 'ran % checks', checks;
    END IF;
    RAISE NOTICE 'kaplan_meier: % hand-checked curves', checks;
END $$;
