--
-- test/assert/lib/common.sql: what several assertion scripts share.  A
-- script includes it first (\ir lib/common.sql); test/run does not run it
-- on its own.  It sets the psql options every script uses and creates, in
-- pg_temp, comparison and statement helpers, the oracles' common view of
-- the generated data (the tables of data/generate.sql: accounts, users,
-- events) and the parts of the oracles that several scripts share (the
-- Kaplan-Meier estimate, the retention checkpoints, the invalid-argument
-- checks, the verdict).  It creates no table itself: a script first adds
-- its edge rows, under its own TimeZone, then calls pg_temp.create_triples().
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

-- a value as a message shows it: quoted, or NULL
CREATE FUNCTION pg_temp.lit(v anyelement) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(quote_literal(v::text), 'NULL') $$;

-- the arguments of a call, as a message names them
CREATE FUNCTION pg_temp.args(as_of date, days int, feature text DEFAULT NULL) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(', ',
                     'as_of => ' || coalesce(quote_literal(as_of::text), 'NULL'),
                     'days => ' || coalesce(days::text, 'NULL'),
                     'feature => ' || coalesce(quote_literal(feature), 'NULL'))
$$;

-- ------------------------------------------------------------------
-- Statement helpers: a plan; checks that raise at once (equal texts,
-- equal rows, an error)
-- ------------------------------------------------------------------
-- the text of EXPLAIN of a statement, one line of the plan a line; with
-- run, EXPLAIN ANALYZE (the statement runs: Workers Launched is known)
CREATE FUNCTION pg_temp.plan_of(stmt text, run boolean DEFAULT false) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    line text;
    plan text := '';
BEGIN
    FOR line IN EXECUTE format('EXPLAIN (%s COSTS OFF) %s',
                               CASE WHEN run THEN 'ANALYZE, TIMING OFF, SUMMARY OFF,' ELSE '' END,
                               stmt)
    LOOP
        plan := plan || line || E'\n';
    END LOOP;
    RETURN plan;
END $$;

-- raise unless the two texts are equal; what names the check
CREATE FUNCTION pg_temp.expect(what text, got text, want text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF got IS DISTINCT FROM want THEN
        RAISE EXCEPTION E'%: got\n  %\nexpected\n  %', what,
            coalesce(left(got, 300), 'NULL'), coalesce(left(want, 300), 'NULL');
    END IF;
END $$;

-- raise unless the queries qa and qb, of (key bigint, val text), give the
-- same keys with the same values, in at least min_rows rows (of their full
-- join: a comparison of fewer says little); returns that count
CREATE FUNCTION pg_temp.same_rows(what text, qa text, qb text, min_rows bigint DEFAULT 3) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    n    bigint;
    nbad bigint;
    ex   text;
BEGIN
    EXECUTE format($q$
        SELECT count(*),
               count(*) FILTER (WHERE x.val IS DISTINCT FROM y.val OR x.key IS NULL OR y.key IS NULL),
               min(format('key %%s: %%s vs %%s', coalesce(x.key, y.key), left(x.val, 60), left(y.val, 60)))
                   FILTER (WHERE x.val IS DISTINCT FROM y.val OR x.key IS NULL OR y.key IS NULL)
          FROM (%s) x FULL JOIN (%s) y USING (key)$q$, qa, qb)
      INTO n, nbad, ex;
    IF n < min_rows THEN
        RAISE EXCEPTION '%: only % rows to compare', what, n;
    END IF;
    IF nbad > 0 THEN
        RAISE EXCEPTION '%: % of % rows differ, e.g. %', what, nbad, n, ex;
    END IF;
    RETURN n;
END $$;

-- raise unless stmt fails: with SQLSTATE state, or, without state, with an
-- error other than an internal one (XX..., 58...); returns the message
CREATE FUNCTION pg_temp.expect_error(what text, stmt text, state text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    st  text;
    msg text;
BEGIN
    BEGIN
        EXECUTE stmt;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
        IF state IS NULL AND (st LIKE 'XX%' OR st LIKE '58%') THEN
            RAISE EXCEPTION '%: internal error % instead of a user-facing one: %', what, st, msg;
        END IF;
        IF state IS NOT NULL AND st IS DISTINCT FROM state THEN
            RAISE EXCEPTION '%: SQLSTATE % (%) instead of %', what, st, msg, state;
        END IF;
        RETURN msg;
    END;
    RAISE EXCEPTION '%: no error from %', what, stmt;
END $$;

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

-- the feature filters of the triples: fid 0 is NULL (any activity), fid > 0
-- every feature used, in byte order, fid -1 a feature nobody used
CREATE FUNCTION pg_temp.create_filters() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE filters AS
    SELECT 0 AS fid, NULL::text AS feature
    UNION ALL
    SELECT (row_number() OVER (ORDER BY feature COLLATE "C"))::int, feature
    FROM (SELECT DISTINCT feature FROM triples WHERE feature IS NOT NULL) f
    UNION ALL
    SELECT -1, 'no such feature';
END $$;

-- the extension's view of the same data: summaries, one per account (with
-- the accounts whose summary is NULL)
CREATE FUNCTION pg_temp.create_summaries() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE summaries AS
    SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act
    FROM events GROUP BY account_id;
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
-- The Kaplan-Meier median and p90 of the times of users (doc/reference.md,
-- "Kaplan-Meier quantiles"), events[i] telling whether times[i] is an
-- event or a censoring: at each event time t, S *= (r_t - d_t) / r_t, r_t
-- the users whose time is >= t, kept exactly as a fraction of numeric
-- integers; the p-quantile is the smallest event time where S <= 1 - p,
-- or, where S equals 1 - p exactly, the midpoint of that time and the next
-- event time (the largest time when none follows)
-- ------------------------------------------------------------------
CREATE FUNCTION pg_temp.kaplan_meier(times int[], events boolean[],
                                     OUT median float8, OUT p90 float8)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    num numeric := 1;           -- S = num / den
    den numeric := 1;
    t int;
    d bigint;
    r bigint;
    m_flat int;                 -- the event time where S = 1/2 exactly
    p_flat int;                 -- ... 1/10
BEGIN
    FOR t IN SELECT DISTINCT x FROM unnest(times, events) u(x, e) WHERE e ORDER BY 1
    LOOP
        IF m_flat IS NOT NULL THEN
            median := (m_flat + t) / 2.0;
            m_flat := NULL;
        END IF;
        IF p_flat IS NOT NULL THEN
            p90 := (p_flat + t) / 2.0;
            p_flat := NULL;
        END IF;
        EXIT WHEN p90 IS NOT NULL;
        SELECT count(*) FILTER (WHERE u.e AND u.x = t), count(*) FILTER (WHERE u.x >= t)
          INTO d, r
          FROM unnest(times, events) u(x, e);
        num := num * (r - d);
        den := den * r;
        IF median IS NULL AND m_flat IS NULL AND 2 * num <= den THEN
            IF 2 * num = den THEN m_flat := t; ELSE median := t; END IF;
        END IF;
        IF p90 IS NULL AND p_flat IS NULL AND 10 * num <= den THEN
            IF 10 * num = den THEN p_flat := t; ELSE p90 := t; END IF;
        END IF;
    END LOOP;
    IF m_flat IS NOT NULL THEN
        median := (m_flat + (SELECT max(x) FROM unnest(times) x)) / 2.0;
    END IF;
    IF p_flat IS NOT NULL THEN
        p90 := (p_flat + (SELECT max(x) FROM unnest(times) x)) / 2.0;
    END IF;
END $$;

-- ------------------------------------------------------------------
-- Retention checkpoints (doc/reference.md, retention), for the oracles of
-- retention: over a script's tables
--   ret_sets (sid, days int[], width int), ret_params (pid, sid, fid,
--   sfid, cohort_from, cohort_to: fid the feature's filter, sfid the start
--   feature's, NULL for none), filters (fid, feature), accts, as_ofs
--   (as_of), summaries (account_id, act), and o_ret_cohort (pid,
--   account_id, as_of, user_id, start): the cohort of each call, with each
--   user's start
-- ------------------------------------------------------------------
-- the arguments of a retention call, as a message names them
CREATE FUNCTION pg_temp.ret_args(days int[], width int, as_of date, feature text,
                                 cohort_from date, cohort_to date, start_feature text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT format('days => %L, width => %s, as_of => %s, feature => %s, cohort_from => %s, cohort_to => %s, start_feature => %s',
                  days, coalesce(width::text, 'NULL'), pg_temp.lit(as_of), pg_temp.lit(feature),
                  pg_temp.lit(cohort_from), pg_temp.lit(cohort_to), pg_temp.lit(start_feature))
$$;

-- the oracle's rows of each call, o_ret (pid, account_id, as_of, ord, day,
-- cohort_users, eligible_users, retained_users, rate), from the cohorts
-- and active (account_id, fid, user_id, day), the active days of each
-- user under each filter: for checkpoint N (ret_checkpoints: sid, ord, n =
-- days[ord]) and width W
--   eligible  start + N + W - 1 <= as_of   (W NULL: start + N <= as_of)
--   retained  eligible and active on a day d with start + N <= d <= as_of
--             and d < start + N + W (W NULL: no upper bound)
--   rate      retained / eligible, NULL when none is eligible
-- (and o_ret_user: eligible and retained per cohort user and checkpoint)
CREATE FUNCTION pg_temp.create_ret_oracle(active regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE ret_checkpoints AS
    SELECT s.sid, c.ord, c.n FROM ret_sets s, unnest(s.days) WITH ORDINALITY c(n, ord);

    EXECUTE format($q$
        CREATE TEMP TABLE o_ret_user AS
        SELECT c.pid, c.account_id, c.as_of, k.ord, c.user_id, e.eligible,
               e.eligible AND EXISTS (
                   SELECT FROM %s a
                    WHERE a.account_id = c.account_id AND a.fid = p.fid AND a.user_id = c.user_id
                      AND a.day >= c.start + k.n
                      AND a.day <= c.as_of
                      AND (s.width IS NULL OR a.day < c.start + k.n + s.width)) AS retained
        FROM o_ret_cohort c
        JOIN ret_params p USING (pid)
        JOIN ret_sets s USING (sid)
        JOIN ret_checkpoints k USING (sid),
        LATERAL (SELECT CASE WHEN s.width IS NULL THEN c.start + k.n <= c.as_of
                             ELSE c.start + k.n + s.width - 1 <= c.as_of END AS eligible) e$q$,
        active);

    CREATE TEMP TABLE o_ret AS
    SELECT p.pid, a.account_id, x.as_of, k.ord, k.n AS day,
           coalesce(n.cohort_users, 0) AS cohort_users,
           coalesce(u.eligible, 0) AS eligible_users,
           coalesce(u.retained, 0) AS retained_users,
           CASE WHEN coalesce(u.eligible, 0) > 0 THEN u.retained::float8 / u.eligible END AS rate
    FROM ret_params p
    JOIN ret_checkpoints k USING (sid)
    CROSS JOIN accts a
    CROSS JOIN as_ofs x
    LEFT JOIN (SELECT pid, account_id, as_of, ord,
                      count(*) FILTER (WHERE eligible) AS eligible,
                      count(*) FILTER (WHERE retained) AS retained
                 FROM o_ret_user GROUP BY 1, 2, 3, 4) u
           ON u.pid = p.pid AND u.account_id = a.account_id AND u.as_of = x.as_of AND u.ord = k.ord
    LEFT JOIN (SELECT pid, account_id, as_of, count(*) AS cohort_users
                 FROM o_ret_cohort GROUP BY 1, 2, 3) n
           ON n.pid = p.pid AND n.account_id = a.account_id AND n.as_of = x.as_of;
END $$;

-- the extension's rows of each call on each summary and as_of, c_ret (pid,
-- account_id, as_of, and retention's columns with ord, the row number),
-- compared with o_ret into results: one row a call and row (a row of one
-- side only fails); non-trivial where the rate is strictly between 0 and 1
CREATE FUNCTION pg_temp.check_retention() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE c_ret AS
    SELECT p.pid, s.account_id, x.as_of, r.*
    FROM summaries s
    JOIN accts USING (account_id)
    CROSS JOIN as_ofs x
    CROSS JOIN ret_params p
    JOIN ret_sets rs USING (sid)
    JOIN filters f USING (fid)
    LEFT JOIN filters sf ON sf.fid = p.sfid,
    LATERAL retention(s.act, rs.days, rs.width, x.as_of, f.feature, p.cohort_from, p.cohort_to,
                      sf.feature)
            WITH ORDINALITY AS r(day, cohort_users, eligible_users, retained_users, rate, ord);

    INSERT INTO results (fn, account_id, args, got, want, ok, nontrivial)
    SELECT 'retention', account_id,
           pg_temp.ret_args(rs.days, rs.width, as_of, f.feature, p.cohort_from, p.cohort_to, sf.feature)
               || ', row ' || ord,
           CASE WHEN c.pid IS NOT NULL THEN
                row(c.day, c.cohort_users, c.eligible_users, c.retained_users, c.rate)::text END,
           CASE WHEN o.pid IS NOT NULL THEN
                row(o.day, o.cohort_users, o.eligible_users, o.retained_users, o.rate)::text END,
           c.pid IS NOT NULL AND o.pid IS NOT NULL
           AND c.day = o.day AND c.cohort_users = o.cohort_users
           AND c.eligible_users = o.eligible_users AND c.retained_users = o.retained_users
           AND pg_temp.same(c.rate, o.rate),
           coalesce(o.rate > 0 AND o.rate < 1, false)
    FROM c_ret c
    FULL JOIN o_ret o USING (pid, account_id, as_of, ord)
    JOIN ret_params p USING (pid)
    JOIN ret_sets rs USING (sid)
    JOIN filters f USING (fid)
    LEFT JOIN filters sf ON sf.fid = p.sfid;
END $$;

-- ------------------------------------------------------------------
-- Calendar periods, for the oracles of cohort_retention and lifecycle:
-- the extension's rows of each call, c_cr (cid, account_id, as_of, and
-- cohort_retention's columns with ord, the row number) and c_lc (lid, ...,
-- lifecycle's columns with ord), against the oracle's, o_cr (cid,
-- account_id, as_of, cohort, period, cohort_users, retained_users: in any
-- order) and o_lc (lid, account_id, as_of, period_start, ord, and the four
-- counts); one row a call and row, got and want as text, ok (a row of one
-- side only fails); the script names the call (cid, lid) in results
-- ------------------------------------------------------------------
-- with the oracle's period, cohort_users and retained_users (NULL where it
-- has no row): what is non-trivial differs between the scripts
CREATE FUNCTION pg_temp.cohort_retention_comparisons()
RETURNS TABLE (cid int, account_id bigint, as_of date, ord bigint, got text, want text, ok boolean,
               period int, cohort_users bigint, retained_users bigint)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT cid, account_id, as_of, ord,
           CASE WHEN c.cid IS NOT NULL THEN
                row(c.cohort, c.period, c.cohort_users, c.retained_users, c.rate)::text END,
           CASE WHEN o.cid IS NOT NULL THEN
                row(o.cohort, o.period, o.cohort_users, o.retained_users,
                    o.retained_users::float8 / o.cohort_users)::text END,
           c.cid IS NOT NULL AND o.cid IS NOT NULL
           AND c.cohort = o.cohort AND c.period = o.period AND c.cohort_users = o.cohort_users
           AND c.retained_users = o.retained_users
           AND pg_temp.same(c.rate, o.retained_users::float8 / o.cohort_users),
           o.period::int, o.cohort_users::bigint, o.retained_users::bigint
    FROM c_cr c
    FULL JOIN (SELECT o.*, row_number() OVER (PARTITION BY cid, account_id, as_of
                                              ORDER BY cohort, period) AS ord
                 FROM o_cr o) o USING (cid, account_id, as_of, ord);
END $$;

-- non-trivial where the oracle counts a user
CREATE FUNCTION pg_temp.lifecycle_comparisons()
RETURNS TABLE (lid int, account_id bigint, as_of date, ord bigint, got text, want text, ok boolean,
               nontrivial boolean)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    RETURN QUERY
    SELECT lid, account_id, as_of, ord,
           CASE WHEN c.lid IS NOT NULL THEN
                row(c.period_start, c.new_users, c.returning_users, c.resurrecting_users,
                    c.dormant_users)::text END,
           CASE WHEN o.lid IS NOT NULL THEN
                row(o.period_start, o.new_users, o.returning_users, o.resurrecting_users,
                    o.dormant_users)::text END,
           c.lid IS NOT NULL AND o.lid IS NOT NULL
           AND c.period_start = o.period_start AND c.new_users = o.new_users
           AND c.returning_users = o.returning_users AND c.resurrecting_users = o.resurrecting_users
           AND c.dormant_users = o.dormant_users,
           coalesce(o.new_users + o.returning_users + o.resurrecting_users + o.dormant_users > 0, false)
    FROM c_lc c
    FULL JOIN o_lc o USING (lid, account_id, as_of, ord);
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
-- Invalid arguments: each row (what, query) of the table cases, query a
-- format string whose %s is replaced by the summary act, must fail with
-- SQLSTATE 22023 and, with message_like, with a message LIKE what ||
-- message_like (what then names the argument); one row of results each,
-- 'invalid argument: ' || what
-- ------------------------------------------------------------------
CREATE FUNCTION pg_temp.check_invalid_args(cases regclass, act activity,
                                           message_like text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r   record;
    st  text;
    msg text;
BEGIN
    FOR r IN EXECUTE format('SELECT c.what, c.query FROM %s c(what, query)', cases) LOOP
        st := NULL;
        msg := NULL;
        BEGIN
            EXECUTE format(r.query, quote_literal(act::text) || '::activity');
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
        END;
        INSERT INTO results (fn, account_id, args, got, want, ok, nontrivial)
        VALUES ('invalid argument: ' || r.what, NULL, r.query,
                coalesce(st || ' ' || msg, 'no error'),
                '22023' || coalesce(' ' || r.what || replace(message_like, '%', '...'), ''),
                st IS NOT DISTINCT FROM '22023' AND (message_like IS NULL OR msg LIKE r.what || message_like),
                true);
    END LOOP;
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

-- After the verdict, the cases that make each definition bite: raises
-- unless every row (what, covered) of the query cases is covered (true),
-- naming the first that is not
CREATE FUNCTION pg_temp.check_exercised(oracle text, cases text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN EXECUTE format('SELECT * FROM (%s) v(what, covered)', cases) LOOP
        IF NOT r.covered THEN
            RAISE EXCEPTION '% oracle: the data never exercised %', oracle, r.what;
        END IF;
    END LOOP;
    RAISE NOTICE '% oracle: % comparisons, all equal', oracle, (SELECT count(*) FROM results);
END $$;

-- the comparisons an oracle made, per function (its log)
CREATE FUNCTION pg_temp.results_summary()
RETURNS TABLE (fn text, comparisons bigint, nontrivial bigint) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY
    SELECT x.fn, count(*), count(*) FILTER (WHERE x.nontrivial)
    FROM results x GROUP BY 1 ORDER BY 1;
END $$;
