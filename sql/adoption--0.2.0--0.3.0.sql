/* adoption--0.2.0--0.3.0.sql: update from 0.2.0 to 0.3.0 */

\echo Use "ALTER EXTENSION adoption UPDATE TO '0.3.0'" to load this file. \quit

-- ------------------------------------------------------------------
-- Users: one row per user (0.3.0)
-- ------------------------------------------------------------------

CREATE FUNCTION @extschema@.user_activity(act @extschema@.activity, as_of date DEFAULT current_date,
                                          days integer DEFAULT 30,
                                          OUT user_id text, OUT first_day date, OUT last_day date,
                                          OUT active_days integer, OUT features integer)
    RETURNS SETOF record AS 'MODULE_PATHNAME', 'activity_user_activity' LANGUAGE C STABLE PARALLEL SAFE COST 1000
    ROWS 100;
COMMENT ON FUNCTION @extschema@.user_activity(@extschema@.activity, date, integer) IS
'One row per user with activity up to as_of, in the summary''s user order: first and last active day up to as_of, active days and distinct non-NULL features in the window (0 when not active in it)';
-- Evaluating and fitting health models: score_auc, health_fit
-- ------------------------------------------------------------------

CREATE TYPE @extschema@.score_sample;
CREATE FUNCTION @extschema@.score_sample_in(cstring) RETURNS @extschema@.score_sample
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 50;
CREATE FUNCTION @extschema@.score_sample_out(@extschema@.score_sample) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 50;
CREATE FUNCTION @extschema@.score_sample_recv(internal) RETURNS @extschema@.score_sample
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 50;
CREATE FUNCTION @extschema@.score_sample_send(@extschema@.score_sample) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 50;
CREATE TYPE @extschema@.score_sample (
    INPUT = @extschema@.score_sample_in,
    OUTPUT = @extschema@.score_sample_out,
    RECEIVE = @extschema@.score_sample_recv,
    SEND = @extschema@.score_sample_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE @extschema@.score_sample IS
'State of score_auc: every (score, outcome) row of a group (text form: format version and base64 of the stored bytes)';
COMMENT ON FUNCTION @extschema@.score_sample_in(cstring) IS 'Text input of score_sample';
COMMENT ON FUNCTION @extschema@.score_sample_out(@extschema@.score_sample) IS 'Text output of score_sample';
COMMENT ON FUNCTION @extschema@.score_sample_recv(internal) IS 'Binary input of score_sample';
COMMENT ON FUNCTION @extschema@.score_sample_send(@extschema@.score_sample) IS 'Binary output of score_sample';

CREATE FUNCTION @extschema@.score_auc_trans(@extschema@.score_sample, float8, boolean)
    RETURNS @extschema@.score_sample
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 2;
COMMENT ON FUNCTION @extschema@.score_auc_trans(@extschema@.score_sample, float8, boolean) IS
'Transition function of score_auc (aggregate use only)';
CREATE FUNCTION @extschema@.score_auc_combine(@extschema@.score_sample, @extschema@.score_sample)
    RETURNS @extschema@.score_sample
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 100;
COMMENT ON FUNCTION @extschema@.score_auc_combine(@extschema@.score_sample, @extschema@.score_sample) IS
'Combine function of score_auc (aggregate use only)';
CREATE FUNCTION @extschema@.score_auc_final(@extschema@.score_sample)
    RETURNS float8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION @extschema@.score_auc_final(@extschema@.score_sample) IS
'Final function of score_auc: the exact ROC AUC of the sample';
CREATE AGGREGATE @extschema@.score_auc(score float8, outcome boolean) (
    SFUNC = @extschema@.score_auc_trans,
    STYPE = @extschema@.score_sample,
    COMBINEFUNC = @extschema@.score_auc_combine,
    FINALFUNC = @extschema@.score_auc_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.score_auc(float8, boolean) IS
'Exact ROC AUC: the probability that a row with a true outcome has a higher score than one with a false outcome, ties counting one half (Mann-Whitney U / (positives x negatives)); NULL without both outcomes';

CREATE TYPE @extschema@.health_sample;
CREATE FUNCTION @extschema@.health_sample_in(cstring) RETURNS @extschema@.health_sample
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 50;
CREATE FUNCTION @extschema@.health_sample_out(@extschema@.health_sample) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 50;
CREATE FUNCTION @extschema@.health_sample_recv(internal) RETURNS @extschema@.health_sample
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 50;
CREATE FUNCTION @extschema@.health_sample_send(@extschema@.health_sample) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 50;
CREATE TYPE @extschema@.health_sample (
    INPUT = @extschema@.health_sample_in,
    OUTPUT = @extschema@.health_sample_out,
    RECEIVE = @extschema@.health_sample_recv,
    SEND = @extschema@.health_sample_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE @extschema@.health_sample IS
'State of health_fit: the model and, per row, each component''s score as a fraction (NaN when missing) and the outcome (text form: format version and base64 of the stored bytes)';
COMMENT ON FUNCTION @extschema@.health_sample_in(cstring) IS 'Text input of health_sample';
COMMENT ON FUNCTION @extschema@.health_sample_out(@extschema@.health_sample) IS 'Text output of health_sample';
COMMENT ON FUNCTION @extschema@.health_sample_recv(internal) IS 'Binary input of health_sample';
COMMENT ON FUNCTION @extschema@.health_sample_send(@extschema@.health_sample) IS 'Binary output of health_sample';

CREATE FUNCTION @extschema@.health_fit_trans(@extschema@.health_sample, jsonb, boolean, jsonb)
    RETURNS @extschema@.health_sample
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 20;
COMMENT ON FUNCTION @extschema@.health_fit_trans(@extschema@.health_sample, jsonb, boolean, jsonb) IS
'Transition function of health_fit (aggregate use only)';
CREATE FUNCTION @extschema@.health_fit_combine(@extschema@.health_sample, @extschema@.health_sample)
    RETURNS @extschema@.health_sample
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 100;
COMMENT ON FUNCTION @extschema@.health_fit_combine(@extschema@.health_sample, @extschema@.health_sample) IS
'Combine function of health_fit (aggregate use only)';
CREATE FUNCTION @extschema@.health_fit_final(@extschema@.health_sample)
    RETURNS jsonb
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION @extschema@.health_fit_final(@extschema@.health_sample) IS
'Final function of health_fit: the penalised logistic fit and the refitted model';
CREATE AGGREGATE @extschema@.health_fit(signals jsonb, outcome boolean, model jsonb) (
    SFUNC = @extschema@.health_fit_trans,
    STYPE = @extschema@.health_sample,
    COMBINEFUNC = @extschema@.health_fit_combine,
    FINALFUNC = @extschema@.health_fit_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.health_fit(jsonb, boolean, jsonb) IS
'The model with its component weights refitted by L2-penalised logistic regression (fit.l2, default 1) of the outcome on the component scores, and a "fit" object (rows, positives, l2, intercept, coefficients, auc, iterations)';
-- usage_report: the per-account dashboard row of several windows, from
-- one reading of the summary
-- ------------------------------------------------------------------

CREATE FUNCTION @extschema@.usage_report(act @extschema@.activity, as_of date DEFAULT current_date,
                                         days integer[] DEFAULT '{7,30,90}', seats bigint DEFAULT NULL,
                                         OUT days integer, OUT active_users bigint,
                                         OUT stickiness float8, OUT adoption_rate float8,
                                         OUT depth float8, OUT champion_share float8,
                                         OUT effective_users float8, OUT usage_trend float8)
    RETURNS SETOF record AS 'MODULE_PATHNAME', 'activity_usage_report' LANGUAGE C STABLE PARALLEL SAFE COST 1000
    ROWS 3;
COMMENT ON FUNCTION @extschema@.usage_report(@extschema@.activity, date, integer[], bigint) IS
'One row per element of days, in array order: active_users, stickiness, adoption_rate (NULL without seats), depth, champion_share, effective_users and usage_trend of the window (as_of - days, as_of], each equal to the accessor of that name, from one reading of the summary';
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
-- Reshaping summaries: product areas, filters, erasure (SPEC 2.13)
-- ------------------------------------------------------------------

CREATE FUNCTION @extschema@.activity_map(act @extschema@.activity, mapping jsonb)
    RETURNS @extschema@.activity AS 'MODULE_PATHNAME', 'activity_map'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 500;
COMMENT ON FUNCTION @extschema@.activity_map(@extschema@.activity, jsonb) IS
'The summary with every feature that is a key of mapping (a JSON object) renamed to its value, a string, or removed when the value is null; features mapped to one name merge; NULL when nothing is left';

CREATE FUNCTION @extschema@.activity_filter(act @extschema@.activity, features text[])
    RETURNS @extschema@.activity AS 'MODULE_PATHNAME', 'activity_filter'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 500;
COMMENT ON FUNCTION @extschema@.activity_filter(@extschema@.activity, text[]) IS
'The summary of the triples whose feature is in features (a NULL element keeps the activity without a feature); NULL when nothing is left';

CREATE FUNCTION @extschema@.activity_drop_users(act @extschema@.activity, user_ids anyarray)
    RETURNS @extschema@.activity AS 'MODULE_PATHNAME', 'activity_drop_users'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 500;
COMMENT ON FUNCTION @extschema@.activity_drop_users(@extschema@.activity, anyarray) IS
'The summary without any triple of the given users (an array of the summary''s id type; bigint and integer serve either integer type; NULL elements ignored), as if their events had never been summarised; NULL when nobody is left';
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

-- rollup's transition function costs a copy per row: estimated at 10
-- rather than 500, so that rollups of per-day tables no longer cross the
-- planner's JIT thresholds
ALTER FUNCTION @extschema@.activity_combine(@extschema@.activity, @extschema@.activity) COST 10;

-- feature_adoption_rate and abandonment_rate take feature by name with a
-- default, as every accessor does (NULL: any activity); adding a default
-- keeps the function, so views that use it are untouched
CREATE OR REPLACE FUNCTION @extschema@.feature_adoption_rate(act @extschema@.activity, feature text DEFAULT NULL,
                                                             as_of date DEFAULT current_date,
                                                             days integer DEFAULT 30)
    RETURNS float8 AS 'MODULE_PATHNAME', 'activity_feature_adoption_rate' LANGUAGE C STABLE PARALLEL SAFE COST 200;
CREATE OR REPLACE FUNCTION @extschema@.abandonment_rate(act @extschema@.activity, feature text DEFAULT NULL,
                                                        as_of date DEFAULT current_date,
                                                        quiet_days integer DEFAULT 30)
    RETURNS float8 AS 'MODULE_PATHNAME', 'activity_abandonment_rate' LANGUAGE C STABLE PARALLEL SAFE COST 200;
COMMENT ON FUNCTION @extschema@.features(@extschema@.activity, date, integer, bigint) IS
'One row per feature used up to as_of: users up to as_of, active users in the window, adoption rate among active users, penetration of seats, first and last day';
