/* adoption--0.2.0--0.3.0.sql: update from 0.2.0 to 0.3.0 */

\echo Use "ALTER EXTENSION adoption UPDATE TO '0.3.0'" to load this file. \quit

-- ------------------------------------------------------------------
-- Start features, recurring cohorts, week_start and quarters:
-- retention, retention_rate, cohort_retention and lifecycle take new
-- trailing arguments with defaults
-- ------------------------------------------------------------------
-- PostgreSQL cannot add arguments to an existing function, and an overload
-- that only adds defaulted arguments would make every call that omits them
-- ambiguous ("function ... is not unique").  Dropping the 0.2.0 functions
-- would fail, or cascade, where user views use them.  So the 0.2.0
-- functions are renamed (views, materialized views and SQL-standard
-- function bodies that use them refer to them by oid and keep working,
-- with the same results) and the new signatures are created under the old
-- names: existing calls, positional or named, now resolve to them, with the
-- same results.  The fresh install script defines the renamed functions
-- too.  Nothing is dropped.
ALTER FUNCTION @extschema@.retention(@extschema@.activity, integer[], integer, date, text, date, date)
    RENAME TO retention_v0_2;
COMMENT ON FUNCTION @extschema@.retention_v0_2(@extschema@.activity, integer[], integer, date, text, date, date) IS
'The 0.2.0 signature of retention, kept for views made with it: retention with start_feature NULL';

ALTER FUNCTION @extschema@.retention_rate(@extschema@.activity, integer, integer, date, text)
    RENAME TO retention_rate_v0_2;
COMMENT ON FUNCTION @extschema@.retention_rate_v0_2(@extschema@.activity, integer, integer, date, text) IS
'The 0.2.0 signature of retention_rate, kept for views made with it: retention_rate with start_feature NULL';

ALTER FUNCTION @extschema@.cohort_retention(@extschema@.activity, text, integer, date, text)
    RENAME TO cohort_retention_v0_2;
COMMENT ON FUNCTION @extschema@.cohort_retention_v0_2(@extschema@.activity, text, integer, date, text) IS
'The 0.2.0 signature of cohort_retention, kept for views made with it: cohort_retention with start_feature NULL, recurring false, week_start monday';

ALTER FUNCTION @extschema@.lifecycle(@extschema@.activity, text, integer, date, text)
    RENAME TO lifecycle_v0_2;
COMMENT ON FUNCTION @extschema@.lifecycle_v0_2(@extschema@.activity, text, integer, date, text) IS
'The 0.2.0 signature of lifecycle, kept for views made with it: lifecycle with week_start monday';

CREATE FUNCTION @extschema@.retention(act @extschema@.activity,
                                      days integer[] DEFAULT '{30,60,90}',
                                      width integer DEFAULT 30,
                                      as_of date DEFAULT current_date,
                                      feature text DEFAULT NULL,
                                      cohort_from date DEFAULT NULL,
                                      cohort_to date DEFAULT NULL,
                                      start_feature text DEFAULT NULL,
                                      OUT day integer, OUT cohort_users bigint,
                                      OUT eligible_users bigint, OUT retained_users bigint,
                                      OUT rate float8)
    RETURNS SETOF record AS 'MODULE_PATHNAME', 'activity_retention' LANGUAGE C STABLE PARALLEL SAFE COST 1000
    ROWS 3;
COMMENT ON FUNCTION @extschema@.retention(@extschema@.activity, integer[], integer, date, text, date, date, text) IS
'Retention at each checkpoint day N: users whose start s (first active day, or first use of start_feature when given) has s + N + width - 1 <= as_of (eligible) and who were active (on feature, when given) in [s + N, s + N + width) (retained); width NULL is unbounded';

CREATE FUNCTION @extschema@.retention_rate(act @extschema@.activity, day integer,
                                           width integer DEFAULT 30,
                                           as_of date DEFAULT current_date,
                                           feature text DEFAULT NULL,
                                           start_feature text DEFAULT NULL)
    RETURNS float8 AS 'MODULE_PATHNAME', 'activity_retention_rate' LANGUAGE C STABLE PARALLEL SAFE COST 200;
COMMENT ON FUNCTION @extschema@.retention_rate(@extschema@.activity, integer, integer, date, text, text) IS
'The rate of one retention checkpoint: retained users / eligible users (start and activity as in retention)';

CREATE FUNCTION @extschema@.cohort_retention(act @extschema@.activity,
                                             period text DEFAULT 'month',
                                             periods integer DEFAULT 12,
                                             as_of date DEFAULT current_date,
                                             feature text DEFAULT NULL,
                                             start_feature text DEFAULT NULL,
                                             recurring boolean DEFAULT false,
                                             week_start text DEFAULT 'monday',
                                             OUT cohort date, OUT period integer,
                                             OUT cohort_users bigint, OUT retained_users bigint,
                                             OUT rate float8)
    RETURNS SETOF record AS 'MODULE_PATHNAME', 'activity_cohort_retention' LANGUAGE C STABLE PARALLEL SAFE COST 1000
    ROWS 78;
COMMENT ON FUNCTION @extschema@.cohort_retention(@extschema@.activity, text, integer, date, text, text, boolean, text) IS
'Retention triangle: users grouped by the calendar period (day, week starting on week_start, month or quarter) of their start (first active day, or first use of start_feature when given; with recurring, every period they start in), active (on feature, when given) in each later ended period';

CREATE FUNCTION @extschema@.lifecycle(act @extschema@.activity,
                                      period text DEFAULT 'week',
                                      periods integer DEFAULT 12,
                                      as_of date DEFAULT current_date,
                                      feature text DEFAULT NULL,
                                      week_start text DEFAULT 'monday',
                                      OUT period_start date, OUT new_users bigint,
                                      OUT returning_users bigint, OUT resurrecting_users bigint,
                                      OUT dormant_users bigint)
    RETURNS SETOF record AS 'MODULE_PATHNAME', 'activity_lifecycle' LANGUAGE C STABLE PARALLEL SAFE COST 1000
    ROWS 12;
COMMENT ON FUNCTION @extschema@.lifecycle(@extschema@.activity, text, integer, date, text, text) IS
'New, returning, resurrecting and dormant users of each of the last ended calendar periods (day, week starting on week_start, month or quarter)';
