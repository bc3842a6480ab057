--
-- test/assert/lib/common.sql: what several assertion scripts share.  A
-- script includes it first (\ir lib/common.sql); test/run does not run it
-- on its own.  It sets the psql options every script uses and creates, in
-- pg_temp, comparison helpers and the oracles' common view of the
-- generated data (the tables of data/generate.sql: accounts, users,
-- events).  It creates no table itself: a script first adds its edge rows,
-- under its own TimeZone, then calls pg_temp.create_triples().
--
\set ON_ERROR_STOP 1
\pset pager off
SET client_min_messages = warning;

-- ------------------------------------------------------------------
-- Comparison helpers
-- ------------------------------------------------------------------
-- float8 equality with a relative tolerance of 1e-12; NULL equals NULL only
CREATE FUNCTION pg_temp.same(got float8, want float8) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN got IS NULL OR want IS NULL THEN got IS NULL AND want IS NULL
                WHEN got = want THEN true
                ELSE abs(got - want) <= 1e-12 * greatest(abs(got), abs(want)) END
$$;

-- the arguments of a call, as a message names them
CREATE FUNCTION pg_temp.args(as_of date, days int, feature text DEFAULT NULL) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(', ',
                     'as_of => ' || coalesce(quote_literal(as_of::text), 'NULL'),
                     'days => ' || coalesce(days::text, 'NULL'),
                     'feature => ' || coalesce(quote_literal(feature), 'NULL'))
$$;

-- ------------------------------------------------------------------
-- Edge rows every summary must skip: rows with a NULL user or a NULL time
-- in real accounts, and an account (-1) whose rows all have a NULL user
-- (its summary is NULL); at is a time of the feature's rows
-- ------------------------------------------------------------------
CREATE FUNCTION pg_temp.add_skipped_events(feature text, at timestamptz) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO events (account_id, user_id, feature, occurred_at)
    SELECT account_id, NULL, $1, $2 FROM accounts ORDER BY account_id LIMIT 3;
    INSERT INTO events (account_id, user_id, feature, occurred_at)
    SELECT account_id, user_id, $1, NULL FROM users ORDER BY user_id LIMIT 3;
    INSERT INTO events (account_id, user_id, feature, occurred_at) VALUES
        (-1, NULL, $1,   $2),
        (-1, NULL, NULL, $2 + interval '24 hours');
$$;

-- events of the first five users, on the smallest feature, at each of times
-- (times on both sides of a local midnight: the day depends on the zone)
CREATE FUNCTION pg_temp.add_events_at(VARIADIC times timestamptz[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO events (account_id, user_id, feature, occurred_at)
    SELECT u.account_id, u.user_id, f.feature, t.ts
    FROM (SELECT account_id, user_id FROM users ORDER BY user_id LIMIT 5) u,
         (SELECT min(feature) AS feature FROM events) f,
         unnest($1) t(ts);
$$;

-- ------------------------------------------------------------------
-- The oracles' view of the data, read from the events themselves in the
-- session TimeZone:
--   triples  the set of distinct (account, user, feature, day) of the
--            rows with a user and a time
--   accts    the accounts that have at least one triple, with their seats
-- ------------------------------------------------------------------
CREATE FUNCTION pg_temp.create_triples() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE triples AS
    SELECT DISTINCT account_id, user_id, feature, occurred_at::date AS day
    FROM events
    WHERE user_id IS NOT NULL AND occurred_at IS NOT NULL;
    CREATE INDEX ON triples (account_id, day);
    ANALYZE triples;

    CREATE TEMP TABLE accts AS
    SELECT t.account_id, a.seats
    FROM (SELECT DISTINCT account_id FROM triples) t
    LEFT JOIN accounts a USING (account_id);
END $$;

-- ------------------------------------------------------------------
-- The data must exercise what an oracle tests: at least that many
-- features and accounts with activity; with no_feature, activity without
-- a feature; with zone (the session TimeZone's name), events whose day
-- differs between the session TimeZone and UTC
-- ------------------------------------------------------------------
CREATE FUNCTION pg_temp.require_data(features int, accounts int,
                                     no_feature boolean DEFAULT false, zone text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(DISTINCT e.feature) FROM events e) < features THEN
        RAISE EXCEPTION 'generated data has fewer than % features', features;
    END IF;
    IF no_feature AND NOT EXISTS (SELECT FROM events e WHERE e.feature IS NULL AND e.user_id IS NOT NULL) THEN
        RAISE EXCEPTION 'generated data has no activity without a feature';
    END IF;
    IF zone IS NOT NULL
       AND (SELECT count(*) FROM events e
             WHERE e.occurred_at::date <> (e.occurred_at AT TIME ZONE 'UTC')::date) < 10 THEN
        RAISE EXCEPTION 'too few events whose day differs between % and UTC', zone;
    END IF;
    IF (SELECT count(DISTINCT e.account_id) FROM events e WHERE e.user_id IS NOT NULL) < accounts THEN
        RAISE EXCEPTION 'generated data has fewer than % accounts with activity', accounts;
    END IF;
END $$;

-- ------------------------------------------------------------------
-- The table of all comparisons of an oracle, one row a comparison (with
-- variant: a column naming the summary's variant, after fn)
-- ------------------------------------------------------------------
CREATE FUNCTION pg_temp.create_results(variant boolean DEFAULT true) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format($t$
        CREATE TEMP TABLE results (
            fn         text,
            %s
            account_id bigint,
            args       text,
            got        text,
            want       text,
            ok         boolean,
            nontrivial boolean   -- the expected value is not 0 / NULL / empty
        )$t$, CASE WHEN variant THEN 'variant    text,' ELSE '' END);
END $$;

-- ------------------------------------------------------------------
-- The verdict of an oracle over its table results (fn, [variant,]
-- account_id, args, got, want, ok, nontrivial: one row a comparison):
-- raises, naming up to 40 of them, when any comparison failed, and when
-- a function of fns was never compared with a non-trivial expected value
-- (with variants: for each of the variants)
-- ------------------------------------------------------------------
CREATE FUNCTION pg_temp.check_results(oracle text, fns text[], variants text[] DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    nbad   bigint;
    detail text;
    r      record;
BEGIN
    SELECT count(*) INTO nbad FROM results WHERE ok IS NOT TRUE;
    IF nbad > 0 THEN
        SELECT string_agg(format('  %s%s %s%s: got %s, expected %s',
                                 b.fn, coalesce(' [' || b.variant || ']', ''),
                                 coalesce('account ' || b.account_id || ', ', ''), b.args,
                                 coalesce(b.got, 'NULL'), coalesce(b.want, 'NULL')), E'\n')
          INTO detail
          FROM (SELECT x.fn, to_jsonb(x) ->> 'variant' AS variant, x.account_id, x.args,
                       x.got, x.want
                  FROM results x WHERE x.ok IS NOT TRUE
                 ORDER BY 1, 2, 3, 4 LIMIT 40) b;
        RAISE EXCEPTION E'% oracle: % mismatches, among them:\n%', oracle, nbad, detail
            USING HINT = (SELECT string_agg(format('%s: %s', c.fn, c.n), ', ')
                            FROM (SELECT x.fn, count(*) AS n FROM results x
                                   WHERE x.ok IS NOT TRUE GROUP BY 1 ORDER BY 1) c);
    END IF;

    FOR r IN
        SELECT a.fn, v.variant, count(x.*) AS n,
               count(*) FILTER (WHERE x.nontrivial) AS nontrivial
          FROM unnest(fns) a(fn)
         CROSS JOIN unnest(coalesce(variants, ARRAY[NULL::text])) v(variant)
          LEFT JOIN results x
                 ON x.fn = a.fn AND (v.variant IS NULL OR to_jsonb(x) ->> 'variant' = v.variant)
         GROUP BY 1, 2
    LOOP
        IF r.n = 0 OR r.nontrivial = 0 THEN
            RAISE EXCEPTION '% oracle covered nothing for %: % comparisons, % non-trivial',
                oracle, r.fn || coalesce(' [' || r.variant || ']', ''), r.n, r.nontrivial;
        END IF;
    END LOOP;
END $$;

-- the comparisons an oracle made, per function (its log)
CREATE FUNCTION pg_temp.results_summary()
RETURNS TABLE (fn text, comparisons bigint, nontrivial bigint) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY
    SELECT x.fn, count(*), count(*) FILTER (WHERE x.nontrivial)
    FROM results x GROUP BY 1 ORDER BY 1;
END $$;
