-- test/assert/health_mean.sql: a health score is the weighted mean of its
-- components (doc/reference.md, "Health scores") computed without the
-- rounding of a plain float sum showing: components all at one score give
-- that score exactly, whatever the weights (all green: 100, not
-- 100.00000000000001; all at 70: 70 and grade green, not 69.99999999999999
-- and yellow), and no score leaves [0, 100]; with weights and scores whose
-- sums are exact in binary, the score equals the exact mean, rounded once.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
-- n components of random fractional weights, every signal at one value
-- (x, a decimal of at most three places: its score is x * 100 in decimal)
CREATE TEMP TABLE equal_cases AS
SELECT i, 1 + i % 6 AS n,
       (CASE i % 4 WHEN 0 THEN 1.0 WHEN 1 THEN 0.7 WHEN 2 THEN 0.0
                   ELSE (abs(hashint4(i)) % 1000) / 1000.0 END)::float8 AS x
FROM generate_series(1, 60000) i;
CREATE TEMP TABLE equal_scored AS
SELECT c.i, c.x, health_score(s.signals, s.model) AS score, health_grade(s.signals, s.model) AS grade
FROM equal_cases c,
LATERAL (SELECT jsonb_object_agg('c' || k, c.x) AS signals,
                jsonb_build_object(
                    'components', jsonb_object_agg('c' || k, jsonb_build_object(
                        'weight', (CASE (c.i + k) % 3 WHEN 0 THEN 0.1 WHEN 1 THEN 0.35
                                   ELSE (1 + abs(hashint4(c.i * 7 + k)) % 5000) / 997.0 END),
                        'red', 0, 'green', 1)),
                    'grades', jsonb_build_object('red', least(40, c.x::numeric * 100),
                                                 'green', c.x::numeric * 100)) AS model
         FROM generate_series(1, c.n) k) s;
DO $$
DECLARE bad bigint; total bigint;
BEGIN
    SELECT count(*) FILTER (WHERE score IS DISTINCT FROM (x::numeric * 100)::float8 OR grade <> 'green'), count(*)
    INTO bad, total FROM equal_scored;
    IF total <> 60000 THEN
        RAISE EXCEPTION 'scored % cases, expected 60000', total;
    END IF;
    IF bad <> 0 THEN
        RAISE EXCEPTION '% of % models with every component at one score give another score: %', bad, total,
            (SELECT string_agg(format('x=%s score=%s grade=%s', x, score, grade), '; ')
             FROM (SELECT * FROM equal_scored WHERE score IS DISTINCT FROM (x::numeric * 100)::float8 OR grade <> 'green' LIMIT 5) b);
    END IF;
END $$;

-- integer weights and signals that are multiples of 1/64: every product and
-- sum is exact in binary, so the exact mean (numeric) rounded once is the answer
CREATE TEMP TABLE exact_cases AS
SELECT i, jsonb_object_agg('c' || k, v) AS signals,
       jsonb_build_object('components', jsonb_object_agg('c' || k,
           jsonb_build_object('weight', w, 'red', 0, 'green', 1))) AS model,
       ((sum(w * v * 100) * 1.000000000000000000000000000000) / sum(w))::float8 AS want
FROM (SELECT i, k, 1 + abs(hashint4(i * 11 + k)) % 1000 AS w,
             (abs(hashint4(i * 13 + k)) % 65) / 64.0 AS v
      FROM generate_series(1, 40000) i, generate_series(1, 1 + i % 5) k) t
GROUP BY i;
DO $$
DECLARE bad bigint; outside bigint;
BEGIN
    SELECT count(*) FILTER (WHERE health_score(signals, model) IS DISTINCT FROM want),
           count(*) FILTER (WHERE health_score(signals, model) NOT BETWEEN 0 AND 100)
    INTO bad, outside FROM exact_cases;
    IF bad <> 0 OR outside <> 0 THEN
        RAISE EXCEPTION '% of 40000 scores differ from the exact mean rounded, % outside [0, 100]', bad, outside;
    END IF;
END $$;

-- a component's score is clamp((value - red) / (green - red), 0, 1) * 100 in
-- the decimals the signal and the model are written in, rounded once: a
-- signal whose exact score is a grade boundary grades as that boundary says
-- (0.94 between red 0.8 and green 1 is 70 and green, where the float8
-- formula gives 69.99999999999996 and yellow)
CREATE TEMP TABLE decimal_cases AS
SELECT i, v, r, g,
       greatest(0, least(1, (v - r) / (g - r) * 1.000000000000000000000000000000)) * 100 AS exact
FROM (SELECT i, (abs(hashint4(i * 3)) % 2001 - 500) / 100.0 AS v,
             (abs(hashint4(i * 5)) % 1001) / 100.0 AS r,
             (abs(hashint4(i * 7)) % 1001) / 100.0 AS g
      FROM generate_series(1, 50000) i
      UNION ALL  -- signals on the boundaries 40 and 70 (a third decimal place)
      SELECT i, r + (g - r) * (CASE i % 2 WHEN 0 THEN 0.4 ELSE 0.7 END), r, g
      FROM (SELECT i, (abs(hashint4(i * 5)) % 1001) / 100.0 AS r,
                   (abs(hashint4(i * 7)) % 1001) / 100.0 AS g
            FROM generate_series(50001, 60000) i) b) t
WHERE r <> g;
DO $$
DECLARE bad bigint; bad_grade bigint; at_boundary bigint; total bigint;
BEGIN
    SELECT count(*) FILTER (WHERE health_score(jsonb_build_object('x', v), m) IS DISTINCT FROM exact::float8),
           count(*) FILTER (WHERE health_grade(jsonb_build_object('x', v), m)
                                  <> CASE WHEN exact < 40 THEN 'red' WHEN exact >= 70 THEN 'green' ELSE 'yellow' END),
           count(*) FILTER (WHERE exact IN (40, 70)), count(*)
    INTO bad, bad_grade, at_boundary, total
    FROM (SELECT *, jsonb_build_object('components', jsonb_build_object('x',
                        jsonb_build_object('red', r, 'green', g))) AS m
          FROM decimal_cases) c;
    IF bad <> 0 OR bad_grade <> 0 THEN
        RAISE EXCEPTION '% of % decimal signals score other than their exact score rounded, % grade otherwise',
            bad, total, bad_grade;
    END IF;
    IF at_boundary < 9000 THEN
        RAISE EXCEPTION 'only % of % cases at a grade boundary', at_boundary, total;
    END IF;
    IF health_score('{"x": 0.94}', '{"components": {"x": {"red": 0.8, "green": 1}}}') <> 70
       OR health_grade('{"x": 0.94}', '{"components": {"x": {"red": 0.8, "green": 1}}}') <> 'green'
       OR health_grade('{"x": 0.41}', '{"components": {"x": {"red": 0.07, "green": 0.92}}}') <> 'yellow' THEN
        RAISE EXCEPTION 'the hand-checked boundary cases grade wrong';
    END IF;
END $$;
