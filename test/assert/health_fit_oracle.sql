--
-- health_fit_oracle: health_fit against an independent solver of the same
-- penalised logistic loss (doc/reference.md, "health_fit"): the component
-- fractions and their mean imputation in plain SQL, Newton's method with
-- Gaussian elimination in PL/pgSQL; on generated data and on synthetic sets
-- (a component missing in some rows, a negative coefficient, nearly
-- separable data, l2 = 0); the fitted model accepted by the scoring
-- functions, its auc; parallel plans; the state type; invalid input.
--
-- Expects the tables of data/generate.sql and the extension installed.
-- Raises an exception on any failure.
\set ON_ERROR_STOP 1
\pset pager off
SET client_min_messages = warning;

-- ------------------------------------------------------------------
-- The oracle
-- ------------------------------------------------------------------

-- Newton's method from 0 on
--   L(b) = - sum [y log p + (1 - y) log(1 - p)] + l2 / 2 sum_{i >= 1} b_i^2
-- x: n rows of k numbers, row after row; returns b0 .. bk
CREATE FUNCTION pg_temp.newton(x float8[], y boolean[], k int, l2 float8) RETURNS float8[]
LANGUAGE plpgsql AS $$
DECLARE
    n int := array_length(y, 1);
    d int := k + 1;
    b float8[] := array_fill(0::float8, ARRAY[k + 1]);
    g float8[];
    h float8[];
    s float8[];
    xr float8[];
    z float8;
    p float8;
    w float8;
    e float8;
    f float8;
    t float8;
    change float8;
    it int;
    r int;
    i int;
    j int;
    c int;
    piv int;
BEGIN
    FOR it IN 1 .. 200 LOOP
        g := array_fill(0::float8, ARRAY[d]);
        h := array_fill(0::float8, ARRAY[d * d]);
        FOR r IN 1 .. n LOOP
            xr := ARRAY[1::float8] || x[(r - 1) * k + 1 : r * k];
            z := 0;
            FOR i IN 1 .. d LOOP
                z := z + b[i] * xr[i];
            END LOOP;
            IF z >= 0 THEN
                p := 1 / (1 + exp(-z));
            ELSE
                p := exp(z) / (1 + exp(z));
            END IF;
            w := p * (1 - p);
            e := p - CASE WHEN y[r] THEN 1 ELSE 0 END;
            FOR i IN 1 .. d LOOP
                g[i] := g[i] + e * xr[i];
                FOR j IN 1 .. d LOOP
                    h[(i - 1) * d + j] := h[(i - 1) * d + j] + w * xr[i] * xr[j];
                END LOOP;
            END LOOP;
        END LOOP;
        FOR i IN 2 .. d LOOP
            g[i] := g[i] + l2 * b[i];
            h[(i - 1) * d + i] := h[(i - 1) * d + i] + l2;
        END LOOP;
        -- solve h s = g: elimination with partial pivoting, back substitution
        FOR c IN 1 .. d LOOP
            piv := c;
            FOR r IN c + 1 .. d LOOP
                IF abs(h[(r - 1) * d + c]) > abs(h[(piv - 1) * d + c]) THEN
                    piv := r;
                END IF;
            END LOOP;
            IF piv <> c THEN
                FOR j IN 1 .. d LOOP
                    t := h[(c - 1) * d + j];
                    h[(c - 1) * d + j] := h[(piv - 1) * d + j];
                    h[(piv - 1) * d + j] := t;
                END LOOP;
                t := g[c];
                g[c] := g[piv];
                g[piv] := t;
            END IF;
            FOR r IN c + 1 .. d LOOP
                f := h[(r - 1) * d + c] / h[(c - 1) * d + c];
                FOR j IN c .. d LOOP
                    h[(r - 1) * d + j] := h[(r - 1) * d + j] - f * h[(c - 1) * d + j];
                END LOOP;
                g[r] := g[r] - f * g[c];
            END LOOP;
        END LOOP;
        s := array_fill(0::float8, ARRAY[d]);
        FOR r IN REVERSE d .. 1 LOOP
            t := g[r];
            FOR j IN r + 1 .. d LOOP
                t := t - h[(r - 1) * d + j] * s[j];
            END LOOP;
            s[r] := t / h[(r - 1) * d + r];
        END LOOP;
        change := 0;
        FOR i IN 1 .. d LOOP
            b[i] := b[i] - s[i];
            change := greatest(change, abs(s[i]));
        END LOOP;
        IF change < 1e-12 THEN
            RETURN b;
        END IF;
    END LOOP;
    RAISE EXCEPTION 'oracle: no convergence';
END $$;

-- rows: (set, id, signals, y); models: (set, model)
CREATE TABLE rows (set int, id int, signals jsonb, y boolean);
CREATE TABLE models (set int PRIMARY KEY, model jsonb);

-- the oracle's coefficients of one set: {"intercept": b0, "name": b_i, ...}
CREATE FUNCTION pg_temp.oracle_fit(which int) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    m jsonb := (SELECT model FROM models WHERE set = which);
    l2 float8 := coalesce((m -> 'fit' ->> 'l2')::float8, 1);
    names text[];
    k int;
    x float8[];
    y boolean[];
    b float8[];
    res jsonb;
    i int;
BEGIN
    SELECT array_agg(key ORDER BY key COLLATE "C") INTO names FROM jsonb_object_keys(m -> 'components') key;
    k := array_length(names, 1);
    -- fractions, NULL when missing, then the mean of the rows that have it
    WITH comp AS (
        SELECT key AS name, ord, (value ->> 'red')::float8 AS red, (value ->> 'green')::float8 AS green
        FROM jsonb_each(m -> 'components') JOIN unnest(names) WITH ORDINALITY u(name, ord) ON u.name = key
    ), fr AS (
        SELECT r.id, c.ord,
               CASE WHEN r.signals ->> c.name IS NOT NULL    -- (greatest and least skip NULLs)
                    THEN greatest(0, least(1, ((r.signals ->> c.name)::float8 - c.red) / (c.green - c.red))) END AS f
        FROM rows r CROSS JOIN comp c
        WHERE r.set = which AND r.y IS NOT NULL AND r.signals IS NOT NULL
    ), imputed AS (
        SELECT id, ord, coalesce(f, avg(f) OVER (PARTITION BY ord)) AS f FROM fr
    )
    SELECT array_agg(f ORDER BY id, ord) INTO x FROM imputed;
    SELECT array_agg(r.y ORDER BY r.id) INTO y FROM rows r
    WHERE r.set = which AND r.y IS NOT NULL AND r.signals IS NOT NULL;
    b := pg_temp.newton(x, y, k, l2);
    res := jsonb_build_object('intercept', b[1]);
    FOR i IN 1 .. k LOOP
        res := res || jsonb_build_object(names[i], b[i + 1]);
    END LOOP;
    RETURN res;
END $$;

CREATE FUNCTION pg_temp.close(a float8, b float8, rel float8) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$ SELECT abs(a - b) <= rel * greatest(abs(a), abs(b)) + 1e-9 $$;

-- checks health_fit of one set against the oracle and its own promises
CREATE FUNCTION pg_temp.check_set(which int) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    m jsonb := (SELECT model FROM models WHERE set = which);
    fitted jsonb;
    want jsonb;
    name text;
    got float8;
    w_total float8;
    b_pos float8;
    auc float8;
    nrows bigint;
    npos bigint;
BEGIN
    SELECT health_fit(signals, y, m) INTO fitted FROM rows WHERE set = which;
    want := pg_temp.oracle_fit(which);
    IF NOT pg_temp.close((fitted -> 'fit' ->> 'intercept')::float8, (want ->> 'intercept')::float8, 1e-6) THEN
        RAISE EXCEPTION 'set %: intercept % but the oracle %', which, fitted -> 'fit' -> 'intercept', want -> 'intercept';
    END IF;
    SELECT sum(coalesce((value ->> 'weight')::float8, 1)) INTO w_total FROM jsonb_each(m -> 'components');
    SELECT sum(greatest(value::text::float8, 0)) INTO b_pos FROM jsonb_each(fitted -> 'fit' -> 'coefficients');
    FOR name IN SELECT jsonb_object_keys(m -> 'components') LOOP
        got := (fitted -> 'fit' -> 'coefficients' ->> name)::float8;
        IF NOT pg_temp.close(got, (want ->> name)::float8, 1e-6) THEN
            RAISE EXCEPTION 'set %: coefficient of % is % but the oracle %', which, name, got, want -> name;
        END IF;
        IF NOT pg_temp.close((fitted -> 'components' -> name ->> 'weight')::float8,
                             greatest(got, 0) * w_total / b_pos, 1e-12) THEN
            RAISE EXCEPTION 'set %: weight of % is %', which, name, fitted -> 'components' -> name -> 'weight';
        END IF;
        IF (fitted -> 'components' -> name) - 'weight' <> (m -> 'components' -> name) - 'weight' THEN
            RAISE EXCEPTION 'set %: component % changed beyond its weight', which, name;
        END IF;
    END LOOP;
    IF (fitted - 'components' - 'fit') <> (m - 'components' - 'fit') THEN
        RAISE EXCEPTION 'set %: the model changed beyond its weights', which;
    END IF;
    SELECT count(*), count(*) FILTER (WHERE y),
           score_auc(health_score(signals, fitted), y)
    INTO nrows, npos, auc
    FROM rows WHERE set = which AND y IS NOT NULL AND signals IS NOT NULL;
    IF (fitted -> 'fit' ->> 'rows')::bigint <> nrows OR (fitted -> 'fit' ->> 'positives')::bigint <> npos
       OR (fitted -> 'fit' ->> 'l2')::float8 <> coalesce((m -> 'fit' ->> 'l2')::float8, 1)
       OR NOT (fitted -> 'fit' ->> 'iterations')::int BETWEEN 1 AND 100 THEN
        RAISE EXCEPTION 'set %: fit object %', which, fitted -> 'fit';
    END IF;
    IF abs((fitted -> 'fit' ->> 'auc')::float8 - auc) > 1e-12 THEN
        RAISE EXCEPTION 'set %: fit.auc % but score_auc of health_score under the fitted model %',
            which, fitted -> 'fit' -> 'auc', auc;
    END IF;
    -- the scoring functions take the fitted model as it is
    PERFORM health_grade(signals, fitted), health_breakdown(signals, fitted) FROM rows WHERE set = which;
    RETURN fitted;
END $$;

-- ------------------------------------------------------------------
-- Set 1: generated data.  Per account and week, signals from the
-- account's summary as of the week's end; outcome: active in the 30 days
-- after it
-- ------------------------------------------------------------------
CREATE TABLE summaries AS
SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act FROM events GROUP BY account_id;
INSERT INTO rows
SELECT 1, row_number() OVER (ORDER BY a.account_id, w.week_end),
       jsonb_build_object('adoption_rate', adoption_rate(s.act, a.seats, as_of => w.week_end),
                          'dau_mau', stickiness(s.act, as_of => w.week_end),
                          'users_7d', active_users(s.act, as_of => w.week_end, days => 7)),
       active_users(s.act, as_of => w.week_end + 30, days => 30) > 0
FROM accounts a JOIN summaries s USING (account_id)
CROSS JOIN (SELECT d::date AS week_end FROM generate_series(date '2025-03-02', date '2026-05-31', interval '7 days') d) w
WHERE a.signed_at <= w.week_end;
INSERT INTO models VALUES (1, '{"components": {
    "adoption_rate": {"weight": 3, "red": 0.2, "green": 0.6},
    "dau_mau": {"weight": 2, "red": 0.05, "green": 0.25},
    "users_7d": {"weight": 1, "red": 0, "green": 20}},
  "grades": {"red": 40, "green": 70}}');

-- Set 2: synthetic, a component missing in a fifth of the rows (c), one
-- whose coefficient is negative (b), one where lower is better (r), l2 0.5;
-- plus rows with NULL signals or outcome, which take no part
INSERT INTO rows
SELECT 2, i, jsonb_strip_nulls(jsonb_build_object('a', u1, 'b', 10 * u2,
            'c', CASE WHEN i % 5 <> 0 THEN u3 END, 'r', 100 * u5)),
       u4 < 1 / (1 + exp(-(-1 + 3 * u1 - 2 * u2 + 1.5 * u3 + 1 - 2 * u5)))
FROM (SELECT i, (hashint8extended(i, 1) & 65535) / 65536.0 AS u1, (hashint8extended(i, 2) & 65535) / 65536.0 AS u2,
             (hashint8extended(i, 3) & 65535) / 65536.0 AS u3, (hashint8extended(i, 4) & 65535) / 65536.0 AS u4,
             (hashint8extended(i, 5) & 65535) / 65536.0 AS u5
      FROM generate_series(1, 1500) i) g;
INSERT INTO rows VALUES (2, 2001, NULL, true), (2, 2002, '{"a": 1}', NULL);
INSERT INTO models VALUES (2, '{"components": {"a": {"weight": 1, "red": 0, "green": 1},
    "b": {"weight": 1, "red": 0, "green": 10}, "c": {"weight": 2, "red": 0, "green": 1},
    "r": {"red": 100, "green": 0}}, "missing": "zero", "fit": {"l2": 0.5}}');
-- Set 3: the same rows without the penalty
INSERT INTO rows SELECT 3, id, signals, y FROM rows WHERE set = 2;
INSERT INTO models SELECT 3, jsonb_set(model, '{fit,l2}', '0') FROM models WHERE set = 2;

-- Set 4: nearly separable (s is the outcome plus a little noise): the
-- penalty keeps the coefficients finite; set 5 the same with l2 0.1
INSERT INTO rows
SELECT 4, i, jsonb_build_object('s', (i % 3 = 0)::int + 0.3 * (hashint8extended(i, 9) & 1023) / 1024.0,
                                't', (hashint8extended(i, 8) & 1023) / 1024.0),
       i % 3 = 0
FROM generate_series(1, 900) i;
INSERT INTO models VALUES (4, '{"components": {"s": {"weight": 5, "red": 0, "green": 1.3},
    "t": {"weight": 5, "red": 0, "green": 1}}}');
INSERT INTO rows SELECT 5, id, signals, y FROM rows WHERE set = 4;
INSERT INTO models SELECT 5, model || '{"fit": {"l2": 0.1}}' FROM models WHERE set = 4;
ANALYZE rows;

DO $$
DECLARE
    f jsonb;
BEGIN
    FOR i IN 1 .. 5 LOOP
        f := pg_temp.check_set(i);
        RAISE NOTICE 'set %: %', i, f -> 'fit';
    END LOOP;
    -- the negative coefficient's component gets weight 0
    f := pg_temp.check_set(2);
    IF (f -> 'fit' -> 'coefficients' ->> 'b')::float8 >= 0 OR (f -> 'components' -> 'b' ->> 'weight')::float8 <> 0 THEN
        RAISE EXCEPTION 'set 2: b should have a negative coefficient and weight 0: %', f;
    END IF;
    -- a refit of a fitted model starts again from its own "fit" (l2 kept)
    IF (SELECT health_fit(signals, y, pg_temp.check_set(2)) -> 'fit' ->> 'l2' FROM rows WHERE set = 2) <> '0.5' THEN
        RAISE EXCEPTION 'refit: l2 not kept';
    END IF;
    -- row order does not matter (up to rounding)
    IF NOT pg_temp.close((SELECT health_fit(signals, y, (SELECT model FROM models WHERE set = 2) ORDER BY id DESC)
                          -> 'fit' ->> 'intercept' FROM rows WHERE set = 2)::float8,
                         (pg_temp.check_set(2) -> 'fit' ->> 'intercept')::float8, 1e-9) THEN
        RAISE EXCEPTION 'row order changes the fit';
    END IF;
    -- grouped: one fit per group equals the fit of that group alone
    IF (SELECT count(*) FROM (SELECT set, health_fit(signals, y, (SELECT model FROM models m WHERE m.set = r.set)) AS grouped
                              FROM rows r WHERE set IN (4, 5) GROUP BY set) x
        WHERE NOT pg_temp.close((x.grouped -> 'fit' ->> 'intercept')::float8,
                                (pg_temp.check_set(x.set) -> 'fit' ->> 'intercept')::float8, 1e-9)) > 0 THEN
        RAISE EXCEPTION 'grouped fits differ';
    END IF;
    -- over no row: NULL
    IF (SELECT health_fit(signals, y, model) FROM rows, models WHERE rows.set = 99) IS NOT NULL THEN
        RAISE EXCEPTION 'no rows: not NULL';
    END IF;
END $$;

-- ------------------------------------------------------------------
-- Parallel plans forced vs none
-- ------------------------------------------------------------------
CREATE TABLE wide AS SELECT r.* FROM rows r CROSS JOIN generate_series(1, 20) WHERE set = 2;
ANALYZE wide;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET max_parallel_workers = 8;
DO $$
DECLARE
    q text := $q$SELECT health_fit(signals, y, '{"components": {"a": {"weight": 1, "red": 0, "green": 1},
        "b": {"weight": 1, "red": 0, "green": 10}, "c": {"weight": 2, "red": 0, "green": 1}}}') FROM wide$q$;
    serial jsonb;
    par jsonb;
    plan text := '';
    line text;
    k text;
BEGIN
    SET LOCAL max_parallel_workers_per_gather = 0;
    EXECUTE q INTO serial;
    SET LOCAL max_parallel_workers_per_gather = 2;
    FOR line IN EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF, COSTS OFF) ' || q LOOP
        plan := plan || line || E'\n';
    END LOOP;
    IF plan !~ 'Partial Aggregate' OR plan !~ 'Workers Launched: [1-9]' THEN
        RAISE EXCEPTION 'no parallel partial aggregation:%', E'\n' || plan;
    END IF;
    EXECUTE q INTO par;
    FOR k IN SELECT jsonb_object_keys(serial -> 'fit' -> 'coefficients') LOOP
        IF NOT pg_temp.close((par -> 'fit' -> 'coefficients' ->> k)::float8,
                             (serial -> 'fit' -> 'coefficients' ->> k)::float8, 1e-9) THEN
            RAISE EXCEPTION 'parallel % vs serial %', par, serial;
        END IF;
    END LOOP;
    IF par -> 'fit' -> 'auc' <> serial -> 'fit' -> 'auc' OR par -> 'fit' -> 'rows' <> serial -> 'fit' -> 'rows' THEN
        RAISE EXCEPTION 'parallel % vs serial %', par, serial;
    END IF;
END $$;
RESET max_parallel_workers_per_gather;

-- ------------------------------------------------------------------
-- The state type: text round trip, malformed text
-- ------------------------------------------------------------------
CREATE AGGREGATE pg_temp.fit_state(jsonb, boolean, jsonb) (
    SFUNC = health_fit_trans, STYPE = health_sample, COMBINEFUNC = health_fit_combine);
CREATE TABLE fit_states AS
SELECT r.set, pg_temp.fit_state(signals, y, m.model) AS st FROM rows r JOIN models m USING (set) GROUP BY r.set;
DO $$
DECLARE
    src text;
    t text;
    i int;
    c text;
    bad int := 0;
BEGIN
    IF EXISTS (SELECT 1 FROM fit_states WHERE st::text::health_sample::text <> st::text) THEN
        RAISE EXCEPTION 'text form does not round-trip';
    END IF;
    IF EXISTS (SELECT 1 FROM fit_states WHERE health_fit_final(st::text::health_sample) <> health_fit_final(st)) THEN
        RAISE EXCEPTION 'a state read from text fits differently';
    END IF;
    SELECT st::text INTO src FROM fit_states WHERE set = 4;
    FOR i IN 1 .. 400 LOOP
        FOREACH c IN ARRAY ARRAY['A', '/', '=', 'z'] LOOP
            t := overlay(src placing c from i for 1);
            BEGIN
                PERFORM health_fit_final(t::health_sample);
            EXCEPTION WHEN invalid_text_representation OR data_corrupted OR invalid_parameter_value THEN
                bad := bad + 1;
            END;
        END LOOP;
        BEGIN
            PERFORM health_fit_final(left(src, i * 4)::health_sample);
        EXCEPTION WHEN invalid_text_representation OR data_corrupted OR invalid_parameter_value THEN
            bad := bad + 1;
        END;
    END LOOP;
    FOREACH t IN ARRAY ARRAY['', '1:', '1:AAAA', (SELECT st::text FROM fit_states WHERE set = 1) || 'AAAA',
                             replace((SELECT st::text FROM fit_states WHERE set = 1), '1:AQI', '1:AQE')] LOOP
        BEGIN
            PERFORM t::health_sample;
            RAISE EXCEPTION 'malformed text accepted: %', t;
        EXCEPTION WHEN invalid_text_representation THEN
            bad := bad + 1;
        END;
    END LOOP;
    IF bad < 100 THEN RAISE EXCEPTION 'fuzz: only % rejections', bad; END IF;
END $$;

-- ------------------------------------------------------------------
-- Invalid input: SQLSTATE 22023 and a message naming the problem
-- ------------------------------------------------------------------
CREATE FUNCTION pg_temp.expect_error(q text, pattern text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RAISE EXCEPTION 'no error from %', q;
EXCEPTION WHEN invalid_parameter_value THEN
    IF SQLERRM !~ pattern THEN
        RAISE EXCEPTION 'error of % is "%", expected %', q, SQLERRM, pattern;
    END IF;
END $$;
DO $$
DECLARE
    m text := '{"components": {"a": {"weight": 1, "red": 0, "green": 1}, "zz": {"red": 0, "green": 1}}}';
BEGIN
    PERFORM pg_temp.expect_error(format($q$SELECT health_fit(jsonb_build_object('a', g), g > 3, %L) FROM generate_series(1, 9) g$q$, m),
                                 'component "zz" is missing in every row');
    PERFORM pg_temp.expect_error(format($q$SELECT health_fit(jsonb_build_object('a', g, 'zz', g), true, %L) FROM generate_series(1, 9) g$q$, m),
                                 'no row has a false outcome');
    PERFORM pg_temp.expect_error(format($q$SELECT health_fit(jsonb_build_object('a', g, 'zz', g), false, %L) FROM generate_series(1, 9) g$q$, m),
                                 'no row has a true outcome');
    PERFORM pg_temp.expect_error(format($q$SELECT health_fit(jsonb_build_object('a', 'NaN'::float8), true, %L)$q$, m),
                                 'signal "a" must be a number');
    PERFORM pg_temp.expect_error(format($q$SELECT health_fit('{"a": 1e400}', true, %L)$q$, m),
                                 'signal "a" is out of the range of float8');
    PERFORM pg_temp.expect_error(format($q$SELECT health_fit(jsonb_build_object('a', 'Infinity'::float8), true, %L)$q$, m),
                                 'signal "a" must be a number');
    PERFORM pg_temp.expect_error(format($q$SELECT health_fit('{"a": 1}', true, %L)$q$, m::jsonb || '{"fit": {"l2": -1}}'),
                                 'fit.l2 must be a finite number, at least 0');
    PERFORM pg_temp.expect_error(format($q$SELECT health_fit('{"a": 1}', true, %L)$q$, m::jsonb || '{"fit": {"l2": "one"}}'),
                                 'fit.l2 must be a number');
    PERFORM pg_temp.expect_error(format($q$SELECT health_fit('{"a": 1}', true, %L)$q$, m::jsonb || '{"fit": 3}'),
                                 '"fit" must be an object');
    PERFORM pg_temp.expect_error($q$SELECT health_fit('{"a": 1}', true, '{"components": {"a": {"weight": -1, "red": 0, "green": 1}}}')$q$,
                                 'component "a": weight must be at least 0');
    PERFORM pg_temp.expect_error($q$SELECT health_fit('{"a": 1}', true, '{"components": {"a": {"red": 1, "green": 1}}}')$q$,
                                 'component "a": red and green must differ');
    PERFORM pg_temp.expect_error($q$SELECT health_fit('{"a": 1}', true, '{"components": {}}')$q$,
                                 'no components');
    PERFORM pg_temp.expect_error($q$SELECT health_fit('{"a": 1}', true, NULL)$q$, 'model must not be NULL');
    PERFORM pg_temp.expect_error(format($q$SELECT health_fit('{"a": 1}', g > 1, CASE WHEN g = 1 THEN %L ELSE '{"components": {"a": {"red": 0, "green": 2}}}' END::jsonb) FROM generate_series(1, 2) g$q$, m),
                                 'the model must be the same in every row');
    PERFORM pg_temp.expect_error(format($q$SELECT health_fit('{"zz": 1}', true, %L)$q$, m::jsonb || '{"missing": "error"}'),
                                 'signal "a" is missing');
    PERFORM pg_temp.expect_error($q$SELECT health_fit(jsonb_build_object('a', g), g < 5, '{"components": {"a": {"red": 0, "green": 9}}}') FROM generate_series(1, 9) g$q$,
                                 'no component has a positive coefficient');
    PERFORM pg_temp.expect_error($q$SELECT health_fit(jsonb_build_object('a', (g > 4)::int, 'b', 1), g > 4, '{"components": {"a": {"red": 0, "green": 1}, "b": {"red": 0, "green": 2}}, "fit": {"l2": 0}}') FROM generate_series(1, 9) g$q$,
                                 'singular');
    -- separable outcomes without a penalty: the weights p(1 - p) vanish as
    -- the coefficients grow, whether that makes the system singular or
    -- takes the 100 steps
    PERFORM pg_temp.expect_error($q$SELECT health_fit(s::jsonb, o, '{"components": {"a": {"red": 0, "green": 1}}, "fit": {"l2": 0}}') FROM (VALUES ('{"a": 0.1}', false), ('{"a": 0.3}', true)) v(s, o)$q$,
                                 'did not converge .are the outcomes separable');
    PERFORM pg_temp.expect_error($q$SELECT health_fit(jsonb_build_object('a', g / 100.0), g > 50, '{"components": {"a": {"red": 0, "green": 1}}, "fit": {"l2": 0}}') FROM generate_series(1, 100) g$q$,
                                 'did not converge .are the outcomes separable');
    PERFORM pg_temp.expect_error($q$SELECT health_fit('[1]', true, '{"components": {"a": {"red": 0, "green": 1}}}')$q$,
                                 'signals must be a JSON object');
    -- the scoring functions accept and ignore "fit"
    IF health_score('{"a": 0.5}', '{"components": {"a": {"red": 0, "green": 1}}, "fit": {"anything": [1]}}') <> 50 THEN
        RAISE EXCEPTION 'health_score with a fit object';
    END IF;
END $$;

SELECT 'health_fit_oracle: ok' AS result;
