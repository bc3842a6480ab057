-- test/assert/usage_report.sql: usage_report against the single accessors.
--
-- On the generated data set (accounts, users, events of data/generate.sql)
-- and the extension installed.  usage_report(act, as_of, days, seats) must
-- give one row per element of days, in array order, each column equal to
-- the accessor of the same name over that window: active_users,
-- stickiness, adoption_rate (NULL without seats), depth, champion_share,
-- effective_users, usage_trend, compared as float8 values, exactly (both
-- sides do the same arithmetic on the same counts).  Checked for
--   - every per-account summary (bigint ids, and text ids), one summary of
--     all the events, per-day summaries rolled up and summaries restricted
--     to the events of one feature (with and without activity without a
--     feature), one spanning twenty years;
--   - windows of 1 to 2500 days, repeated and unsorted, at several as_of
--     (before the data, inside it, at its end, after it);
--   - seats from accounts (0 and NULL among them), without seats;
--   - summaries read again at many dates, in both join orders (the
--     unpacked values of src/activity/unpacked.c);
--   - parallel workers forced and none: the same rows;
--   - a hand-checked case; NULL and empty arguments; invalid arguments
--     (22023, the message naming the argument).
-- Raises an exception naming the case on any mismatch.
\set ON_ERROR_STOP 1
\pset pager off
SET client_min_messages = notice;
SET TimeZone = 'UTC';

-- seats: 0 for one account, none for another
UPDATE accounts SET seats = 0
WHERE account_id = (SELECT min(account_id) FROM accounts);
CREATE TEMP TABLE seats AS
SELECT account_id, CASE WHEN account_id = (SELECT max(account_id) FROM accounts) THEN NULL
                        ELSE seats::bigint END AS seats
FROM accounts;

-- a regular table, so that a parallel plan can scan it
CREATE TABLE ur_summaries AS
SELECT 'bigint ' || account_id AS name, account_id, activity_agg(user_id, occurred_at, feature) AS act
FROM events GROUP BY account_id;
INSERT INTO ur_summaries
SELECT 'text ' || account_id, account_id, activity_agg('u' || user_id, occurred_at, feature)
FROM events WHERE account_id % 3 = 0 GROUP BY account_id;
INSERT INTO ur_summaries
SELECT 'all events', NULL, activity_agg(user_id, occurred_at, feature) FROM events;
INSERT INTO ur_summaries
SELECT 'rolled-up days ' || account_id, account_id, rollup(act)
FROM (SELECT account_id, occurred_at::date, activity_agg(user_id, occurred_at, feature) AS act
        FROM events WHERE account_id % 4 = 1 GROUP BY 1, 2) d
GROUP BY account_id;
INSERT INTO ur_summaries
SELECT 'reports only ' || account_id, account_id, activity_agg(user_id, occurred_at, feature)
FROM events WHERE account_id % 5 = 2 AND feature = 'reports' GROUP BY account_id;
INSERT INTO ur_summaries
SELECT 'no feature and reports ' || account_id, account_id, activity_agg(user_id, occurred_at, feature)
FROM events WHERE account_id % 5 = 3 AND (feature IS NULL OR feature = 'reports') GROUP BY account_id;
-- a value spanning twenty years: windows over more than 4096 of its days
-- are read as sorted day lists, the others as bitmaps (src/report.c)
INSERT INTO ur_summaries
SELECT 'twenty years', NULL, activity_agg(user_id, occurred_at - (user_id % 20) * interval '1 year', feature)
FROM events WHERE account_id % 7 = 0;
-- groups of accounts: values of several kilobytes, stored compressed or
-- out of line (the storage forms of "Values read again")
INSERT INTO ur_summaries
SELECT 'accounts mod ' || m || ' = ' || k, NULL, act
FROM (SELECT m, account_id % m AS k, activity_agg(user_id, occurred_at, feature) AS act
        FROM events, (VALUES (4), (8)) g(m) GROUP BY 1, 2) a;
DELETE FROM ur_summaries WHERE act IS NULL;
ANALYZE ur_summaries;

CREATE TEMP TABLE cases (as_of date, days int[]);
INSERT INTO cases VALUES
    ('2026-06-30', '{7,30,90}'),
    ('2026-06-30', '{1,2,3,14,28,60,120,400}'),
    ('2026-03-15', '{90,7,30,7,1}'),
    ('2025-12-31', '{30,365}'),
    ('2024-01-01', '{30}'),               -- before the generated data
    ('2027-01-01', '{1,30,200}'),         -- after it
    ('2026-06-30', '{30,2500}');          -- more than 4096 days read

-- the report and the accessors side by side, as text rows
CREATE FUNCTION pg_temp.report_vs_accessors(with_seats boolean) RETURNS TABLE (label text, report text, accessors text)
LANGUAGE sql AS $$
    SELECT format('%s as_of %s days[%s] = %s seats %s', s.name, c.as_of, r.ord, r.days,
                  CASE WHEN with_seats THEN coalesce(st.seats::text, 'NULL') ELSE 'none' END),
           row(r.days, r.active_users, r.stickiness, r.adoption_rate, r.depth,
               r.champion_share, r.effective_users, r.usage_trend)::text,
           row(c.days[r.ord], active_users(s.act, c.as_of, c.days[r.ord]),
               stickiness(s.act, c.as_of, c.days[r.ord]),
               CASE WHEN with_seats THEN adoption_rate(s.act, st.seats, c.as_of, c.days[r.ord]) END,
               depth(s.act, c.as_of, c.days[r.ord]),
               champion_share(s.act, c.as_of, c.days[r.ord]),
               effective_users(s.act, c.as_of, c.days[r.ord]),
               usage_trend(s.act, c.as_of, c.days[r.ord]))::text
    FROM ur_summaries s
    LEFT JOIN seats st USING (account_id)
    CROSS JOIN cases c
    CROSS JOIN LATERAL usage_report(s.act, c.as_of, c.days, CASE WHEN with_seats THEN st.seats END)
                       WITH ORDINALITY r(days, active_users, stickiness, adoption_rate, depth,
                                         champion_share, effective_users, usage_trend, ord)
$$;

DO $$
DECLARE
    w boolean;
    bad record;
    n bigint;
    want bigint;
BEGIN
    FOR w IN VALUES (true), (false) LOOP
        SELECT count(*) INTO n FROM pg_temp.report_vs_accessors(w);
        SELECT sum(cardinality(c.days)) * (SELECT count(*) FROM ur_summaries) INTO want FROM cases c;
        IF n <> want THEN
            RAISE EXCEPTION 'usage_report (seats %): % rows, expected % (one per element of days)', w, n, want;
        END IF;
        FOR bad IN SELECT * FROM pg_temp.report_vs_accessors(w) WHERE report IS DISTINCT FROM accessors LIMIT 5 LOOP
            RAISE WARNING '%: usage_report % <> accessors %', bad.label, bad.report, bad.accessors;
        END LOOP;
        IF FOUND THEN
            RAISE EXCEPTION 'usage_report differs from the accessors (seats %)', w;
        END IF;
        RAISE NOTICE 'usage_report = accessors (seats %): % rows', w, n;
    END LOOP;
    -- the comparison saw every kind of value: NULL and non-NULL rates, seats 0
    SELECT count(*) INTO n FROM pg_temp.report_vs_accessors(true)
    WHERE report LIKE '%,,,,,,)' OR report ~ '^\(\d+,0,';
    IF n = 0 THEN
        RAISE EXCEPTION 'no window without active users among the cases';
    END IF;
    SELECT count(*) INTO n FROM pg_temp.report_vs_accessors(true) t
    WHERE t.report !~ ',,' AND t.report !~ ',\)$';
    IF n < 200 THEN
        RAISE EXCEPTION 'only % rows with every figure present', n;
    END IF;
END $$;

-- each summary read once per statement (the reading that decodes it, not
-- the unpacked one of values read again): every case on its own
DO $$
DECLARE
    c record;
    n bigint;
    bad bigint;
    total bigint := 0;
BEGIN
    FOR c IN SELECT * FROM cases LOOP
        EXECUTE $q$
            SELECT count(*), count(*) FILTER (WHERE r.report IS DISTINCT FROM
                   row(r.days, active_users(s.act, $1, r.days), stickiness(s.act, $1, r.days),
                       adoption_rate(s.act, st.seats, $1, r.days), depth(s.act, $1, r.days),
                       champion_share(s.act, $1, r.days), effective_users(s.act, $1, r.days),
                       usage_trend(s.act, $1, r.days))::text)
            FROM ur_summaries s LEFT JOIN seats st USING (account_id),
                 LATERAL (SELECT u.days, row(u.*)::text AS report
                          FROM usage_report(s.act, $1, $2, st.seats) u) r$q$
        INTO n, bad USING c.as_of, c.days;
        IF bad <> 0 OR n <> cardinality(c.days) * (SELECT count(*) FROM ur_summaries) THEN
            RAISE EXCEPTION 'usage_report read once, as_of % days %: % of % rows differ from the accessors',
                c.as_of, c.days, bad, n;
        END IF;
        total := total + n;
    END LOOP;
    RAISE NOTICE 'usage_report read once = accessors: % rows', total;
END $$;

-- the default windows are {7,30,90}, and seats defaults to NULL
DO $$
BEGIN
    IF EXISTS (
        SELECT FROM ur_summaries s
        WHERE (SELECT array_agg(row(r.*)::text ORDER BY r.ordinality)
                 FROM usage_report(s.act, '2026-06-30') WITH ORDINALITY r)
              IS DISTINCT FROM
              (SELECT array_agg(row(r.*)::text ORDER BY r.ordinality)
                 FROM usage_report(s.act, '2026-06-30', '{7,30,90}', NULL) WITH ORDINALITY r)) THEN
        RAISE EXCEPTION 'usage_report defaults are not days {7,30,90}, seats NULL';
    END IF;
    IF (SELECT array_agg(days) FROM ur_summaries s, usage_report(s.act, '2026-06-30') WHERE s.name = 'all events')
       IS DISTINCT FROM '{7,30,90}'::int[] THEN
        RAISE EXCEPTION 'default days rows';
    END IF;
END $$;

-- ------------------------------------------------------------------
-- Values read again: a call site that meets a summary it has read before
-- searches its unpacked form instead of decoding it (src/activity/
-- unpacked.c).  The rows must be the accessors' whatever the order of the
-- calls: the dates of one summary in a row (ascending, descending, in
-- jumps), or every summary once per date; so both join orders are forced
-- (OFFSET 0 keeps each LATERAL subquery a subquery).
-- ------------------------------------------------------------------
CREATE TEMP TABLE rep_dates AS
SELECT row_number() OVER () AS i, as_of FROM (
    SELECT date '2025-01-05' + 7 * g AS as_of FROM generate_series(0, 77) g          -- ascending
    UNION ALL
    SELECT date '2026-07-05' - 7 * g FROM generate_series(0, 77) g                   -- descending
    UNION ALL
    SELECT date '2025-01-01' + (hashint4(g) & 1023) % 700 FROM generate_series(1, 30) g  -- jumps
    UNION ALL
    VALUES (date '2024-06-01'), ('2026-06-30'), ('2026-06-30'), ('2027-06-01')) d;
CREATE TEMP TABLE rep_accessors AS
SELECT s.name, d.i, w.days,
       row(w.days, active_users(s.act, d.as_of, w.days), stickiness(s.act, d.as_of, w.days),
           adoption_rate(s.act, st.seats, d.as_of, w.days), depth(s.act, d.as_of, w.days),
           champion_share(s.act, d.as_of, w.days), effective_users(s.act, d.as_of, w.days),
           usage_trend(s.act, d.as_of, w.days))::text AS accessors
FROM ur_summaries s LEFT JOIN seats st USING (account_id) CROSS JOIN rep_dates d
CROSS JOIN (VALUES (7), (30), (90)) w(days);
-- The cache knows a value by the bytes it is passed as: in line, as
-- stored (compressed or not), or its TOAST pointer.  Copies of the
-- summaries stored each way, read again like the others.
CREATE TABLE ur_plain (LIKE ur_summaries);
ALTER TABLE ur_plain ALTER COLUMN act SET STORAGE PLAIN;          -- in line, never compressed
CREATE TABLE ur_main (LIKE ur_summaries);
ALTER TABLE ur_main ALTER COLUMN act SET STORAGE MAIN;            -- in line, compressed
CREATE TABLE ur_external (LIKE ur_summaries);
ALTER TABLE ur_external ALTER COLUMN act SET STORAGE EXTERNAL;    -- out of line, not compressed
-- (each value made afresh through its text form, which is canonical: a
-- value copied as stored would keep its compression)
INSERT INTO ur_plain SELECT name, account_id, act::text::activity FROM ur_summaries WHERE pg_column_size(act) < 3000;
INSERT INTO ur_main SELECT name, account_id, act::text::activity FROM ur_summaries
WHERE pg_column_size(act) BETWEEN 1200 AND 4000;
INSERT INTO ur_external SELECT name, account_id, act::text::activity FROM ur_summaries WHERE pg_column_size(act) > 1200;
DO $$
BEGIN
    IF (SELECT count(*) FROM ur_plain) < 5 OR (SELECT count(*) FROM ur_main) < 3
       OR (SELECT count(*) FROM ur_external) < 3 THEN
        RAISE EXCEPTION 'too few summaries for the storage forms: % plain, % main, % external',
            (SELECT count(*) FROM ur_plain), (SELECT count(*) FROM ur_main), (SELECT count(*) FROM ur_external);
    END IF;
    -- compressed in line: smaller as stored than the same values out of line uncompressed
    IF (SELECT sum(pg_column_size(act)) FROM ur_main)
       >= (SELECT sum(pg_column_size(e.act)) FROM ur_external e JOIN ur_main m USING (name)) THEN
        RAISE EXCEPTION 'ur_main holds no compressed value';
    END IF;
    IF (SELECT pg_relation_size(reltoastrelid) FROM pg_class WHERE oid = 'ur_main'::regclass) <> 0
       OR (SELECT pg_relation_size(reltoastrelid) FROM pg_class WHERE oid = 'ur_external'::regclass) = 0 THEN
        RAISE EXCEPTION 'ur_main has values out of line, or ur_external none';
    END IF;
END $$;

DO $$
DECLARE
    tab text;
    order_name text;
    q text;
    n bigint;
    bad bigint;
    want bigint;
BEGIN
    FOR tab IN VALUES ('ur_summaries'), ('ur_plain'), ('ur_main'), ('ur_external') LOOP
    EXECUTE format('SELECT count(*) FROM rep_accessors WHERE name IN (SELECT name FROM %I)', tab) INTO want;
    FOR order_name, q IN VALUES
        ('each summary at every date in a row', $q$
         SELECT s.name, x.i, x.days, row(x.days, x.active_users, x.stickiness, x.adoption_rate, x.depth,
                                          x.champion_share, x.effective_users, x.usage_trend)::text AS report
         FROM %I s LEFT JOIN seats st USING (account_id)
         CROSS JOIN LATERAL (SELECT d.i, r.* FROM rep_dates d,
                             usage_report(s.act, d.as_of, '{7,30,90}', st.seats) r ORDER BY d.i OFFSET 0) x$q$),
        ('every summary once per date', $q$
         SELECT x.name, d.i, x.days, row(x.days, x.active_users, x.stickiness, x.adoption_rate, x.depth,
                                          x.champion_share, x.effective_users, x.usage_trend)::text AS report
         FROM rep_dates d
         CROSS JOIN LATERAL (SELECT s.name, r.* FROM %I s LEFT JOIN seats st USING (account_id),
                             usage_report(s.act, d.as_of, '{7,30,90}', st.seats) r OFFSET 0) x$q$)
    LOOP
        EXECUTE format('SELECT count(*), count(*) FILTER (WHERE r.report IS DISTINCT FROM a.accessors)
                        FROM (%s) r FULL JOIN (SELECT * FROM rep_accessors WHERE name IN (SELECT name FROM %I)) a
                        USING (name, i, days)', format(q, tab), tab) INTO n, bad;
        IF n <> want OR bad <> 0 THEN
            RAISE EXCEPTION 'usage_report, % of %: % rows of % differ from the accessors (% rows)',
                order_name, tab, bad, want, n;
        END IF;
        RAISE NOTICE 'usage_report = accessors, % of %: % rows', order_name, tab, n;
    END LOOP;
    END LOOP;
END $$;

-- ------------------------------------------------------------------
-- Parallel workers forced and none: the same rows
-- ------------------------------------------------------------------
CREATE TEMP TABLE serial_report AS
SELECT s.name, r.* FROM ur_summaries s, usage_report(s.act, '2026-06-30', '{1,7,30,90}', 100) r;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET max_parallel_workers = 8;
DO $$
DECLARE
    plan text := '';
    line text;
    n bigint;
BEGIN
    PERFORM set_config(CASE WHEN current_setting('server_version_num')::int >= 160000
                            THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END, 'on', true);
    FOR line IN EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, VERBOSE)
        SELECT s.name, r.* FROM ur_summaries s, usage_report(s.act, '2026-06-30', '{1,7,30,90}', 100) r
    LOOP
        plan := plan || line || E'\n';
    END LOOP;
    IF plan !~ 'Gather' OR plan !~ 'Workers Launched: [1-9]' OR plan !~ 'Function Scan on public.usage_report' THEN
        RAISE EXCEPTION 'no parallel plan running usage_report in workers:%', E'\n' || plan;
    END IF;
    CREATE TEMP TABLE parallel_report AS
    SELECT s.name, r.* FROM ur_summaries s, usage_report(s.act, '2026-06-30', '{1,7,30,90}', 100) r;
    SELECT count(*) INTO n FROM ((SELECT * FROM serial_report EXCEPT ALL SELECT * FROM parallel_report)
                                 UNION ALL (SELECT * FROM parallel_report EXCEPT ALL SELECT * FROM serial_report)) d;
    IF n <> 0 OR (SELECT count(*) FROM parallel_report) <> (SELECT count(*) FROM serial_report) THEN
        RAISE EXCEPTION 'parallel usage_report differs from serial on % rows', n;
    END IF;
    RAISE NOTICE 'parallel = serial: % rows', (SELECT count(*) FROM parallel_report);
END $$;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- ------------------------------------------------------------------
-- A hand-checked case
-- ------------------------------------------------------------------
-- user 1: reports 06-01, 06-02, alerts 06-02, 06-20; user 2: NULL 06-25,
-- reports 05-20.  as_of 06-30.
--   7 days (06-24, 06-30]: user 2 on 06-25: 1 active, 1 user-day,
--     stickiness 1/7, no named pair, depth 0, share 1, effective 1;
--     before (06-17, 06-24]: user 1 on 06-20: trend 1/1 - 1 = 0.
--   30 days (05-31, 06-30]: user 1 on 06-01, 06-02, 06-20 (3), user 2 on
--     06-25 (1): 2 active, 4 user-days, stickiness 4/30/2, pairs (1,
--     reports), (1, alerts): depth 2/2 = 1, share 3/4, effective 16/10;
--     before (05-01, 05-31]: user 2 on 05-20: trend 4/1 - 1 = 3.
--   seats 4: adoption_rate 1/4 and 2/4.
DO $$
DECLARE
    a activity := (SELECT activity_agg(u, d, f) FROM (VALUES
        (1, date '2026-06-01', 'reports'), (1, '2026-06-02', 'reports'), (1, '2026-06-02', 'alerts'),
        (1, '2026-06-20', 'alerts'), (2, '2026-06-25', NULL), (2, '2026-05-20', 'reports')) v(u, d, f));
    got text;
BEGIN
    SELECT string_agg(row(r.*)::text, ' ') INTO got
    FROM usage_report(a, '2026-06-30', '{7,30}', 4) r;
    IF got IS DISTINCT FROM format('(7,1,%s,0.25,0,1,1,0) (30,2,%s,0.5,1,0.75,1.6,3)',
                                   1.0::float8 / 7, 4.0::float8 / 30 / 2) THEN
        RAISE EXCEPTION 'hand-checked case: %', got;
    END IF;
    -- seats 0: adoption_rate NULL, as adoption_rate(act, 0) is
    SELECT string_agg(row(r.*)::text, ' ') INTO got FROM usage_report(a, '2026-06-30', '{30}', 0) r;
    IF got IS DISTINCT FROM format('(30,2,%s,,1,0.75,1.6,3)', 4.0::float8 / 30 / 2) THEN
        RAISE EXCEPTION 'hand-checked case, seats 0: %', got;
    END IF;
    -- a window where nobody is active: 0 users, NULL rates, trend from the window before
    SELECT string_agg(row(r.*)::text, ' ') INTO got FROM usage_report(a, '2026-07-08', '{7}', 4) r;
    IF got IS DISTINCT FROM '(7,0,,0,,,,-1)' THEN
        RAISE EXCEPTION 'hand-checked case, empty window: %', got;
    END IF;
    RAISE NOTICE 'hand-checked cases: ok';
END $$;

-- ------------------------------------------------------------------
-- NULL arguments and invalid ones
-- ------------------------------------------------------------------
DO $$
DECLARE
    a activity := (SELECT act FROM ur_summaries WHERE name = 'all events');
    q text;
    n bigint;
    checks int := 0;
BEGIN
    -- no rows: a NULL summary (whatever the other arguments), a NULL as_of,
    -- a NULL or empty days (no windows, as retention's days)
    FOREACH q IN ARRAY ARRAY[
        'SELECT count(*) FROM usage_report(NULL::activity, ''2026-06-30'')',
        'SELECT count(*) FROM usage_report(NULL::activity, ''2026-06-30'', ''{0}'', -1)',
        'SELECT count(*) FROM usage_report(NULL::activity, ''2026-06-30'', NULL)',
        'SELECT count(*) FROM usage_report($1, NULL)',
        'SELECT count(*) FROM usage_report($1, NULL, ''{7}'', 10)',
        'SELECT count(*) FROM usage_report($1, ''2026-06-30'', NULL)',
        'SELECT count(*) FROM usage_report($1, ''2026-06-30'', ''{}'')',
        'SELECT count(*) FROM usage_report($1, ''2026-06-30'', ''{}'', 10)']
    LOOP
        EXECUTE q INTO n USING a;
        IF n <> 0 THEN
            RAISE EXCEPTION 'expected no rows: %', q;
        END IF;
        checks := checks + 1;
    END LOOP;
    -- errors 22023 naming the argument
    FOR q, n IN VALUES
        ('SELECT count(*) FROM usage_report($1, ''2026-06-30'', ''{}'', -1)', 1),
        ('SELECT count(*) FROM usage_report($1, ''2026-06-30'', ''{7,NULL}'')', 0),
        ('SELECT count(*) FROM usage_report($1, ''2026-06-30'', ''{7,0}'')', 0),
        ('SELECT count(*) FROM usage_report($1, ''2026-06-30'', ''{-3}'')', 0),
        ('SELECT count(*) FROM usage_report($1, ''2026-06-30'', ''{{7,30}}'')', 0),
        ('SELECT count(*) FROM usage_report($1, ''2026-06-30'', ''{7}'', -1)', 1),
        ('SELECT count(*) FROM usage_report($1, ''infinity'')', 2)
    LOOP
        BEGIN
            EXECUTE q USING a;
            RAISE EXCEPTION 'no error: %', q;
        EXCEPTION WHEN invalid_parameter_value THEN
            IF SQLERRM NOT LIKE (ARRAY['days %', 'seats %', 'as_of %'])[n + 1] THEN
                RAISE EXCEPTION 'the message does not name the argument: % (%)', SQLERRM, q;
            END IF;
            RAISE NOTICE 'ok  %: %', q, SQLERRM;
            checks := checks + 1;
        END;
    END LOOP;
    IF checks <> 15 THEN
        RAISE EXCEPTION 'ran % checks, expected 15', checks;
    END IF;
END $$;

DROP TABLE ur_summaries, ur_plain, ur_main, ur_external;
