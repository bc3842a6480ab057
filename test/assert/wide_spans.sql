-- test/assert/wide_spans.sql: values whose days span centuries, or every date
-- PostgreSQL has (activity_agg accepts 4713-01-01 BC to 5874897-12-31).
-- frequency, lifecycle and cohort_retention used to size arrays by the
-- number of periods the value spans: over the whole range they failed with
-- "invalid memory alloc request size" (XX000), and cohort_retention's
-- triangle of cohorts by periods grew with the square of the span (8.5 GB
-- for two users 126 years apart in day periods; month periods over the
-- whole range had the server killed for lack of memory).  Their memory is
-- now in proportion to the value: arrays by period when the periods are
-- few, sorted (user, period) keys otherwise (the cases below).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE TEMP TABLE every_date AS
SELECT activity_agg(u, d, 'f') AS act
FROM (VALUES (1, date '4713-01-01 BC'), (2, date '5874897-12-31'), (3, date '2026-01-01')) AS x(u, d);
CREATE TEMP TABLE centuries AS
SELECT activity_agg(u, d, 'f') AS act
FROM (VALUES (1, date '1700-01-01'), (2, date '2026-01-01')) AS x(u, d);

-- 1. day periods over 326 years: two cohorts, every k of each, up to as_of
DO $$
DECLARE
    r record;
    span int := date '2026-01-02' - date '1700-01-01';
BEGIN
    SELECT count(*) AS n, count(DISTINCT cohort) AS cohorts, sum(retained_users) AS retained,
           count(*) FILTER (WHERE cohort = date '1700-01-01' AND period = span) AS last_k,
           min(cohort_users) AS lo, max(cohort_users) AS hi
    INTO r
    FROM centuries, cohort_retention(act, 'day', 150000, date '2026-01-02');
    IF r.n <> span + 1 + 2 OR r.cohorts <> 2 OR r.retained <> 2 OR r.last_k <> 1
       OR r.lo <> 1 OR r.hi <> 1 THEN
        RAISE EXCEPTION 'cohort_retention over 326 years of days: %', r;
    END IF;

    SELECT count(*) AS n, sum(new_users) AS new, sum(dormant_users) AS dormant,
           sum(returning_users + resurrecting_users) AS back
    INTO r
    FROM centuries, lifecycle(act, 'day', 150000, date '2026-01-02');
    IF r.n <> 150000 OR r.new <> 2 OR r.dormant <> 2 OR r.back <> 0 THEN
        RAISE EXCEPTION 'lifecycle over 326 years of days: %', r;
    END IF;

    SELECT count(*) AS n, sum(users) AS users, sum(users) FILTER (WHERE active_days = 1) AS once
    INTO r
    FROM centuries, frequency(act, date '2026-01-02', 150000);
    IF r.n <> 150000 OR r.users <> 2 OR r.once <> 2 THEN
        RAISE EXCEPTION 'frequency over 326 years of days: %', r;
    END IF;
END $$;

-- 2. month periods over every date: 70 million months for each of the
-- three cohorts; the first rows of the one of 2026
DO $$
DECLARE
    r record;
BEGIN
    SELECT count(*) AS n, sum(retained_users) AS retained
    INTO r
    FROM every_date, cohort_retention(act, 'month', 12, date '2026-06-30');
    IF r.n <> 6 OR r.retained <> 1 THEN
        RAISE EXCEPTION 'cohort_retention of every date, last 12 months: %', r;
    END IF;
    SELECT count(*) AS n, sum(new_users) AS new, sum(dormant_users) AS dormant
    INTO r
    FROM every_date, lifecycle(act, 'month', 12, date '2026-06-30');
    IF r.n <> 12 OR r.new <> 1 OR r.dormant <> 1 THEN
        RAISE EXCEPTION 'lifecycle of every date, last 12 months: %', r;
    END IF;
END $$;

-- 3. every period of every date: billions of rows, which the calls now
-- start to produce (until statement_timeout stops them) instead of failing
-- to allocate
SET statement_timeout = '1s';
DO $$
BEGIN
    PERFORM count(*) FROM every_date, frequency(act, date '5874897-12-31', 2147483647);
    RAISE EXCEPTION 'frequency over every date finished within the statement timeout';
EXCEPTION WHEN query_canceled THEN
    NULL;
END $$;
DO $$
BEGIN
    PERFORM count(*) FROM every_date, lifecycle(act, 'day', 2147483647, date '5874897-12-31');
    RAISE EXCEPTION 'lifecycle over every date finished within the statement timeout';
EXCEPTION WHEN query_canceled THEN
    NULL;
END $$;
DO $$
BEGIN
    PERFORM count(*) FROM every_date, cohort_retention(act, 'day', 2147483647, date '5874897-12-31');
    RAISE EXCEPTION 'cohort_retention (days) over every date finished within the statement timeout';
EXCEPTION WHEN query_canceled THEN
    NULL;
END $$;
DO $$
BEGIN
    PERFORM count(*) FROM every_date, cohort_retention(act, 'week', 2147483647, date '5874897-12-31');
    RAISE EXCEPTION 'cohort_retention (weeks) over every date finished within the statement timeout';
EXCEPTION WHEN query_canceled THEN
    NULL;
END $$;
DO $$
BEGIN
    PERFORM count(*) FROM every_date, cohort_retention(act, 'month', 2147483647, date '5874897-12-31');
    RAISE EXCEPTION 'cohort_retention (months) over every date finished within the statement timeout';
EXCEPTION WHEN query_canceled THEN
    NULL;
END $$;
RESET statement_timeout;
