/* adoption--0.2.0--0.3.0.sql: update from 0.2.0 to 0.3.0 */

\echo Use "ALTER EXTENSION adoption UPDATE TO '0.3.0'" to load this file. \quit

-- ------------------------------------------------------------------
-- Activation milestones: time to first use, funnels (0.3.0)
-- ------------------------------------------------------------------

CREATE FUNCTION @extschema@.time_to_first_use(act @extschema@.activity, feature text,
                                              as_of date DEFAULT current_date,
                                              start_feature text DEFAULT NULL,
                                              OUT users bigint, OUT reached bigint,
                                              OUT median_days float8, OUT p90_days float8)
    RETURNS record AS 'MODULE_PATHNAME', 'activity_time_to_first_use' LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION @extschema@.time_to_first_use(@extschema@.activity, text, date, text) IS
'Days from a user''s start (first active day, or first use of start_feature) to their first use of feature on or after it: Kaplan-Meier median and 90th percentile, users who have not used it censored at as_of';

CREATE FUNCTION @extschema@.funnel(act @extschema@.activity, steps text[],
                                   within integer DEFAULT 30,
                                   as_of date DEFAULT current_date,
                                   cohort_from date DEFAULT NULL, cohort_to date DEFAULT NULL,
                                   OUT step integer, OUT feature text,
                                   OUT eligible_users bigint, OUT reached_users bigint,
                                   OUT rate float8, OUT median_days float8)
    RETURNS SETOF record AS 'MODULE_PATHNAME', 'activity_funnel' LANGUAGE C STABLE PARALLEL SAFE COST 1000
    ROWS 4;
COMMENT ON FUNCTION @extschema@.funnel(@extschema@.activity, text[], integer, date, date, date) IS
'Ordered funnel: users entering with steps[1] (in the cohort range, window of within days observed whole), how many reached each later step in order within the window, the rate and the median days from entry';
