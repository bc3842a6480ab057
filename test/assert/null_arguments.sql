-- test/assert/null_arguments.sql: a NULL summary, or a NULL required argument,
-- gives NULL (or no rows) before any other argument is checked, as a
-- STRICT function would; invalid arguments with real values still fail.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
CREATE TEMP TABLE one AS
SELECT activity_agg(user_id, occurred_at, feature) AS act FROM events;

DO $$
DECLARE
    a activity := (SELECT act FROM one);
    checks int := 0;
    q text;
BEGIN
    -- NULL summary: NULL, whatever the other arguments
    FOREACH q IN ARRAY ARRAY[
        'SELECT active_users(NULL::activity, days => 0)',
        'SELECT stickiness(NULL::activity, days => -1)',
        'SELECT adoption_rate(NULL::activity, -1)',
        'SELECT depth(NULL::activity, days => 0)',
        'SELECT retention_rate(NULL::activity, -1, 0)',
        'SELECT usage_trend(NULL::activity, days => 0)',
        'SELECT dormant_users(NULL::activity, quiet_days => 0)',
        'SELECT abandonment_rate(NULL::activity, ''x'', quiet_days => 0)',
        'SELECT (time_to_feature(NULL::activity, 0)).users',
        'SELECT champion_share(NULL::activity, days => 0)',
        'SELECT seat_activation(NULL::activity, -1)',
        -- NULL as_of: NULL before days is checked
        'SELECT active_users(act, NULL, 0) FROM one',
        'SELECT usage_trend(act, NULL, -5) FROM one',
        'SELECT retention_rate(act, -1, 0, NULL) FROM one',
        'SELECT dormant_users(act, NULL, 0) FROM one',
        'SELECT (time_to_feature(act, 0, NULL)).users FROM one']
    LOOP
        EXECUTE q INTO q;
        IF q IS NOT NULL THEN
            RAISE EXCEPTION 'expected NULL, got %', q;
        END IF;
        checks := checks + 1;
    END LOOP;
    -- set-returning functions: no rows
    FOREACH q IN ARRAY ARRAY[
        'SELECT count(*) FROM retention(NULL::activity, ''{-1}'', 0)',
        'SELECT count(*) FROM feature_retention(NULL::activity, ''{-1}'')',
        'SELECT count(*) FROM cohort_retention(NULL::activity, ''year'', 0)',
        'SELECT count(*) FROM lifecycle(NULL::activity, ''year'', 0)',
        'SELECT count(*) FROM features(NULL::activity, days => 0)',
        'SELECT count(*) FROM frequency(NULL::activity, days => 0)',
        'SELECT count(*) FROM retention((SELECT act FROM one), ''{-1}'', 0, NULL)',
        'SELECT count(*) FROM cohort_retention((SELECT act FROM one), ''year'', 0, NULL)']
    LOOP
        EXECUTE q INTO q;
        IF q <> '0' THEN
            RAISE EXCEPTION 'expected no rows: %', q;
        END IF;
        checks := checks + 1;
    END LOOP;
    -- with every argument present, the invalid ones still fail
    FOREACH q IN ARRAY ARRAY[
        'SELECT active_users(act, ''2026-06-30'', 0) FROM one',
        'SELECT count(*) FROM retention((SELECT act FROM one), ''{-1}'', 30, ''2026-06-30'')',
        'SELECT dormant_users(act, ''2026-06-30'', 0) FROM one',
        'SELECT (time_to_feature(act, 0, ''2026-06-30'')).users FROM one']
    LOOP
        BEGIN
            EXECUTE q;
            RAISE EXCEPTION 'no error: %', q;
        EXCEPTION WHEN invalid_parameter_value THEN
            checks := checks + 1;
        END;
    END LOOP;
    IF checks <> 28 THEN
        RAISE EXCEPTION 'ran % checks, expected 28', checks;
    END IF;
END $$;
