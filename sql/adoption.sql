/* adoption.sql: B2B customer-adoption metrics; the install script of the current version (the Makefile copies it to adoption--VERSION.sql) */

\echo Use "CREATE EXTENSION adoption" to load this file. \quit

-- ------------------------------------------------------------------
-- The type activity: the exact set of (user, feature, day) triples of a group
-- ------------------------------------------------------------------

CREATE TYPE @extschema@.activity;

CREATE FUNCTION @extschema@.activity_in(cstring) RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 50;
CREATE FUNCTION @extschema@.activity_out(@extschema@.activity) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 50;
CREATE FUNCTION @extschema@.activity_recv(internal) RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 50;
CREATE FUNCTION @extschema@.activity_send(@extschema@.activity) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 50;

CREATE TYPE @extschema@.activity (
    INPUT = @extschema@.activity_in,
    OUTPUT = @extschema@.activity_out,
    RECEIVE = @extschema@.activity_recv,
    SEND = @extschema@.activity_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE @extschema@.activity IS
'Exact summary of a group''s activity: the set of distinct (user, feature, day) triples, in a compact canonical form';
COMMENT ON FUNCTION @extschema@.activity_in(cstring) IS 'Text input of activity (format version tag and base64 of the stored bytes)';
COMMENT ON FUNCTION @extschema@.activity_out(@extschema@.activity) IS 'Text output of activity (format version tag and base64 of the stored bytes)';
COMMENT ON FUNCTION @extschema@.activity_recv(internal) IS 'Binary input of activity';
COMMENT ON FUNCTION @extschema@.activity_send(@extschema@.activity) IS 'Binary output of activity';

-- ------------------------------------------------------------------
-- Building and merging
-- ------------------------------------------------------------------

CREATE FUNCTION @extschema@.activity_union(@extschema@.activity, @extschema@.activity)
    RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 500;
COMMENT ON FUNCTION @extschema@.activity_union(@extschema@.activity, @extschema@.activity) IS
'Union of two activity summaries (a NULL argument counts as the empty set)';

-- COST 10: as rollup's transition function it only copies each value
-- (the merge is done once per group); a higher cost per row made the
-- planner compile rollups of per-day tables with JIT, which cost more
-- than the rollup itself
CREATE FUNCTION @extschema@.activity_combine(@extschema@.activity, @extschema@.activity)
    RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 10;
COMMENT ON FUNCTION @extschema@.activity_combine(@extschema@.activity, @extschema@.activity) IS
'Transition and combine function of rollup and combine function of activity_agg (aggregate use only)';

CREATE AGGREGATE @extschema@.rollup(@extschema@.activity) (
    SFUNC = @extschema@.activity_combine,
    STYPE = @extschema@.activity,
    COMBINEFUNC = @extschema@.activity_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.activity) IS
'Union of activity summaries, e.g. per-day summaries rolled up to any window';

CREATE FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, bigint, date)
    RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'activity_trans_int8_date' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 2;
COMMENT ON FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, bigint, date) IS
'Transition function of activity_agg (aggregate use only)';
CREATE AGGREGATE @extschema@.activity_agg(bigint, date) (
    SFUNC = @extschema@.activity_agg_trans,
    STYPE = @extschema@.activity,
    COMBINEFUNC = @extschema@.activity_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.activity_agg(bigint, date) IS
'Exact summary of the rows of a group: (user_id, day); rows with a NULL user_id or day are skipped';

CREATE FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, bigint, date, text)
    RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'activity_trans_int8_date' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 2;
COMMENT ON FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, bigint, date, text) IS
'Transition function of activity_agg (aggregate use only)';
CREATE AGGREGATE @extschema@.activity_agg(bigint, date, text) (
    SFUNC = @extschema@.activity_agg_trans,
    STYPE = @extschema@.activity,
    COMBINEFUNC = @extschema@.activity_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.activity_agg(bigint, date, text) IS
'Exact summary of the rows of a group: (user_id, day, feature); rows with a NULL user_id or day are skipped';

CREATE FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, bigint, timestamptz)
    RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'activity_trans_int8_tstz' LANGUAGE C STABLE PARALLEL SAFE COST 2;
COMMENT ON FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, bigint, timestamptz) IS
'Transition function of activity_agg (aggregate use only)';
CREATE AGGREGATE @extschema@.activity_agg(bigint, timestamptz) (
    SFUNC = @extschema@.activity_agg_trans,
    STYPE = @extschema@.activity,
    COMBINEFUNC = @extschema@.activity_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.activity_agg(bigint, timestamptz) IS
'Exact summary of the rows of a group: (user_id, day); rows with a NULL user_id or day are skipped; timestamptz is turned into a date in the session TimeZone';

CREATE FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, bigint, timestamptz, text)
    RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'activity_trans_int8_tstz' LANGUAGE C STABLE PARALLEL SAFE COST 2;
COMMENT ON FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, bigint, timestamptz, text) IS
'Transition function of activity_agg (aggregate use only)';
CREATE AGGREGATE @extschema@.activity_agg(bigint, timestamptz, text) (
    SFUNC = @extschema@.activity_agg_trans,
    STYPE = @extschema@.activity,
    COMBINEFUNC = @extschema@.activity_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.activity_agg(bigint, timestamptz, text) IS
'Exact summary of the rows of a group: (user_id, day, feature); rows with a NULL user_id or day are skipped; timestamptz is turned into a date in the session TimeZone';

CREATE FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, integer, date)
    RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'activity_trans_int4_date' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 2;
COMMENT ON FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, integer, date) IS
'Transition function of activity_agg (aggregate use only)';
CREATE AGGREGATE @extschema@.activity_agg(integer, date) (
    SFUNC = @extschema@.activity_agg_trans,
    STYPE = @extschema@.activity,
    COMBINEFUNC = @extschema@.activity_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.activity_agg(integer, date) IS
'Exact summary of the rows of a group: (user_id, day); rows with a NULL user_id or day are skipped';

CREATE FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, integer, date, text)
    RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'activity_trans_int4_date' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 2;
COMMENT ON FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, integer, date, text) IS
'Transition function of activity_agg (aggregate use only)';
CREATE AGGREGATE @extschema@.activity_agg(integer, date, text) (
    SFUNC = @extschema@.activity_agg_trans,
    STYPE = @extschema@.activity,
    COMBINEFUNC = @extschema@.activity_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.activity_agg(integer, date, text) IS
'Exact summary of the rows of a group: (user_id, day, feature); rows with a NULL user_id or day are skipped';

CREATE FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, integer, timestamptz)
    RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'activity_trans_int4_tstz' LANGUAGE C STABLE PARALLEL SAFE COST 2;
COMMENT ON FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, integer, timestamptz) IS
'Transition function of activity_agg (aggregate use only)';
CREATE AGGREGATE @extschema@.activity_agg(integer, timestamptz) (
    SFUNC = @extschema@.activity_agg_trans,
    STYPE = @extschema@.activity,
    COMBINEFUNC = @extschema@.activity_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.activity_agg(integer, timestamptz) IS
'Exact summary of the rows of a group: (user_id, day); rows with a NULL user_id or day are skipped; timestamptz is turned into a date in the session TimeZone';

CREATE FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, integer, timestamptz, text)
    RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'activity_trans_int4_tstz' LANGUAGE C STABLE PARALLEL SAFE COST 2;
COMMENT ON FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, integer, timestamptz, text) IS
'Transition function of activity_agg (aggregate use only)';
CREATE AGGREGATE @extschema@.activity_agg(integer, timestamptz, text) (
    SFUNC = @extschema@.activity_agg_trans,
    STYPE = @extschema@.activity,
    COMBINEFUNC = @extschema@.activity_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.activity_agg(integer, timestamptz, text) IS
'Exact summary of the rows of a group: (user_id, day, feature); rows with a NULL user_id or day are skipped; timestamptz is turned into a date in the session TimeZone';

CREATE FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, text, date)
    RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'activity_trans_text_date' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 2;
COMMENT ON FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, text, date) IS
'Transition function of activity_agg (aggregate use only)';
CREATE AGGREGATE @extschema@.activity_agg(text, date) (
    SFUNC = @extschema@.activity_agg_trans,
    STYPE = @extschema@.activity,
    COMBINEFUNC = @extschema@.activity_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.activity_agg(text, date) IS
'Exact summary of the rows of a group: (user_id, day); rows with a NULL user_id or day are skipped';

CREATE FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, text, date, text)
    RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'activity_trans_text_date' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 2;
COMMENT ON FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, text, date, text) IS
'Transition function of activity_agg (aggregate use only)';
CREATE AGGREGATE @extschema@.activity_agg(text, date, text) (
    SFUNC = @extschema@.activity_agg_trans,
    STYPE = @extschema@.activity,
    COMBINEFUNC = @extschema@.activity_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.activity_agg(text, date, text) IS
'Exact summary of the rows of a group: (user_id, day, feature); rows with a NULL user_id or day are skipped';

CREATE FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, text, timestamptz)
    RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'activity_trans_text_tstz' LANGUAGE C STABLE PARALLEL SAFE COST 2;
COMMENT ON FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, text, timestamptz) IS
'Transition function of activity_agg (aggregate use only)';
CREATE AGGREGATE @extschema@.activity_agg(text, timestamptz) (
    SFUNC = @extschema@.activity_agg_trans,
    STYPE = @extschema@.activity,
    COMBINEFUNC = @extschema@.activity_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.activity_agg(text, timestamptz) IS
'Exact summary of the rows of a group: (user_id, day); rows with a NULL user_id or day are skipped; timestamptz is turned into a date in the session TimeZone';

CREATE FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, text, timestamptz, text)
    RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'activity_trans_text_tstz' LANGUAGE C STABLE PARALLEL SAFE COST 2;
COMMENT ON FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, text, timestamptz, text) IS
'Transition function of activity_agg (aggregate use only)';
CREATE AGGREGATE @extschema@.activity_agg(text, timestamptz, text) (
    SFUNC = @extschema@.activity_agg_trans,
    STYPE = @extschema@.activity,
    COMBINEFUNC = @extschema@.activity_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.activity_agg(text, timestamptz, text) IS
'Exact summary of the rows of a group: (user_id, day, feature); rows with a NULL user_id or day are skipped; timestamptz is turned into a date in the session TimeZone';

CREATE FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, uuid, date)
    RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'activity_trans_uuid_date' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 2;
COMMENT ON FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, uuid, date) IS
'Transition function of activity_agg (aggregate use only)';
CREATE AGGREGATE @extschema@.activity_agg(uuid, date) (
    SFUNC = @extschema@.activity_agg_trans,
    STYPE = @extschema@.activity,
    COMBINEFUNC = @extschema@.activity_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.activity_agg(uuid, date) IS
'Exact summary of the rows of a group: (user_id, day); rows with a NULL user_id or day are skipped';

CREATE FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, uuid, date, text)
    RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'activity_trans_uuid_date' LANGUAGE C IMMUTABLE PARALLEL SAFE COST 2;
COMMENT ON FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, uuid, date, text) IS
'Transition function of activity_agg (aggregate use only)';
CREATE AGGREGATE @extschema@.activity_agg(uuid, date, text) (
    SFUNC = @extschema@.activity_agg_trans,
    STYPE = @extschema@.activity,
    COMBINEFUNC = @extschema@.activity_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.activity_agg(uuid, date, text) IS
'Exact summary of the rows of a group: (user_id, day, feature); rows with a NULL user_id or day are skipped';

CREATE FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, uuid, timestamptz)
    RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'activity_trans_uuid_tstz' LANGUAGE C STABLE PARALLEL SAFE COST 2;
COMMENT ON FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, uuid, timestamptz) IS
'Transition function of activity_agg (aggregate use only)';
CREATE AGGREGATE @extschema@.activity_agg(uuid, timestamptz) (
    SFUNC = @extschema@.activity_agg_trans,
    STYPE = @extschema@.activity,
    COMBINEFUNC = @extschema@.activity_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.activity_agg(uuid, timestamptz) IS
'Exact summary of the rows of a group: (user_id, day); rows with a NULL user_id or day are skipped; timestamptz is turned into a date in the session TimeZone';

CREATE FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, uuid, timestamptz, text)
    RETURNS @extschema@.activity
    AS 'MODULE_PATHNAME', 'activity_trans_uuid_tstz' LANGUAGE C STABLE PARALLEL SAFE COST 2;
COMMENT ON FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, uuid, timestamptz, text) IS
'Transition function of activity_agg (aggregate use only)';
CREATE AGGREGATE @extschema@.activity_agg(uuid, timestamptz, text) (
    SFUNC = @extschema@.activity_agg_trans,
    STYPE = @extschema@.activity,
    COMBINEFUNC = @extschema@.activity_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.activity_agg(uuid, timestamptz, text) IS
'Exact summary of the rows of a group: (user_id, day, feature); rows with a NULL user_id or day are skipped; timestamptz is turned into a date in the session TimeZone';
-- ------------------------------------------------------------------
-- Usage accessors (every accessor: NULL for a NULL activity, STABLE
-- because as_of defaults to current_date, PARALLEL SAFE)
-- ------------------------------------------------------------------

CREATE FUNCTION @extschema@.user_count(act @extschema@.activity, feature text DEFAULT NULL,
                                       as_of date DEFAULT NULL)
    RETURNS bigint AS 'MODULE_PATHNAME', 'activity_user_count' LANGUAGE C STABLE PARALLEL SAFE COST 200;
COMMENT ON FUNCTION @extschema@.user_count(@extschema@.activity, text, date) IS
'Distinct users ever active (on feature, when given; up to as_of, when given)';

CREATE FUNCTION @extschema@.active_users(act @extschema@.activity, as_of date DEFAULT current_date,
                                         days integer DEFAULT 30, feature text DEFAULT NULL)
    RETURNS bigint AS 'MODULE_PATHNAME', 'activity_active_users' LANGUAGE C STABLE PARALLEL SAFE COST 200;
COMMENT ON FUNCTION @extschema@.active_users(@extschema@.activity, date, integer, text) IS
'Distinct users active in the window (as_of - days, as_of] (on feature, when given)';

CREATE FUNCTION @extschema@.stickiness(act @extschema@.activity, as_of date DEFAULT current_date,
                                       days integer DEFAULT 30, feature text DEFAULT NULL)
    RETURNS float8 AS 'MODULE_PATHNAME', 'activity_stickiness' LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION @extschema@.stickiness(@extschema@.activity, date, integer, text) IS
'Mean daily active users over the days of the window divided by active users in the window (DAU/MAU for 30 days)';

CREATE FUNCTION @extschema@.adoption_rate(act @extschema@.activity, seats bigint,
                                          as_of date DEFAULT current_date,
                                          days integer DEFAULT 30, feature text DEFAULT NULL)
    RETURNS float8 AS 'MODULE_PATHNAME', 'activity_adoption_rate' LANGUAGE C STABLE PARALLEL SAFE COST 200;
COMMENT ON FUNCTION @extschema@.adoption_rate(@extschema@.activity, bigint, date, integer, text) IS
'Active users in the window / seats (license utilisation; not clamped; NULL for 0 seats)';

CREATE FUNCTION @extschema@.feature_adoption_rate(act @extschema@.activity, feature text DEFAULT NULL,
                                                  as_of date DEFAULT current_date,
                                                  days integer DEFAULT 30)
    RETURNS float8 AS 'MODULE_PATHNAME', 'activity_feature_adoption_rate' LANGUAGE C STABLE PARALLEL SAFE COST 200;
COMMENT ON FUNCTION @extschema@.feature_adoption_rate(@extschema@.activity, text, date, integer) IS
'Users active on feature in the window / users active at all in the window';

CREATE FUNCTION @extschema@.features(act @extschema@.activity, as_of date DEFAULT current_date,
                                     days integer DEFAULT 30, seats bigint DEFAULT NULL,
                                     OUT feature text, OUT users bigint, OUT active_users bigint,
                                     OUT adoption_rate float8, OUT penetration float8,
                                     OUT first_day date, OUT last_day date)
    RETURNS SETOF record AS 'MODULE_PATHNAME', 'activity_features' LANGUAGE C STABLE PARALLEL SAFE COST 1000
    ROWS 20;
COMMENT ON FUNCTION @extschema@.features(@extschema@.activity, date, integer, bigint) IS
'One row per feature used up to as_of: users up to as_of, active users in the window, adoption rate among active users, penetration of seats, first and last day';

CREATE FUNCTION @extschema@.depth(act @extschema@.activity, as_of date DEFAULT current_date,
                                  days integer DEFAULT 30)
    RETURNS float8 AS 'MODULE_PATHNAME', 'activity_depth' LANGUAGE C STABLE PARALLEL SAFE COST 200;
COMMENT ON FUNCTION @extschema@.depth(@extschema@.activity, date, integer) IS
'Distinct (user, feature) pairs with a feature in the window / users active in the window';

CREATE FUNCTION @extschema@.first_day(act @extschema@.activity, feature text DEFAULT NULL)
    RETURNS date AS 'MODULE_PATHNAME', 'activity_first_day' LANGUAGE C STABLE PARALLEL SAFE COST 200;
COMMENT ON FUNCTION @extschema@.first_day(@extschema@.activity, text) IS
'First active day (on feature, when given)';

CREATE FUNCTION @extschema@.last_day(act @extschema@.activity, feature text DEFAULT NULL)
    RETURNS date AS 'MODULE_PATHNAME', 'activity_last_day' LANGUAGE C STABLE PARALLEL SAFE COST 200;
COMMENT ON FUNCTION @extschema@.last_day(@extschema@.activity, text) IS
'Last active day (on feature, when given)';

-- ------------------------------------------------------------------
-- Retention, cohorts, lifecycle, time to feature, trends
-- ------------------------------------------------------------------

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

CREATE FUNCTION @extschema@.feature_retention(act @extschema@.activity,
                                              days integer[] DEFAULT '{30,60,90}',
                                              width integer DEFAULT 30,
                                              as_of date DEFAULT current_date,
                                              OUT feature text, OUT day integer,
                                              OUT cohort_users bigint, OUT eligible_users bigint,
                                              OUT retained_users bigint, OUT rate float8)
    RETURNS SETOF record AS 'MODULE_PATHNAME', 'activity_feature_retention' LANGUAGE C STABLE PARALLEL SAFE COST 1000
    ROWS 36;
COMMENT ON FUNCTION @extschema@.feature_retention(@extschema@.activity, integer[], integer, date) IS
'retention() for every feature used up to as_of, computed in one pass';

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

CREATE FUNCTION @extschema@.time_to_feature(act @extschema@.activity, n integer DEFAULT 2,
                                            as_of date DEFAULT current_date,
                                            OUT users bigint, OUT reached bigint,
                                            OUT median_days float8, OUT p90_days float8)
    RETURNS record AS 'MODULE_PATHNAME', 'activity_time_to_feature' LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION @extschema@.time_to_feature(@extschema@.activity, integer, date) IS
'Days from a user''s first active day to the first day of their n-th distinct feature: Kaplan-Meier median and 90th percentile, users not there yet censored at as_of';

CREATE FUNCTION @extschema@.usage_trend(act @extschema@.activity, as_of date DEFAULT current_date,
                                        days integer DEFAULT 30, feature text DEFAULT NULL)
    RETURNS float8 AS 'MODULE_PATHNAME', 'activity_usage_trend' LANGUAGE C STABLE PARALLEL SAFE COST 200;
COMMENT ON FUNCTION @extschema@.usage_trend(@extschema@.activity, date, integer, text) IS
'Active user-days in the window / active user-days in the window before it, minus 1 (-0.2 = a 20 % drop)';

CREATE FUNCTION @extschema@.dormant_users(act @extschema@.activity, as_of date DEFAULT current_date,
                                          quiet_days integer DEFAULT 14, feature text DEFAULT NULL)
    RETURNS bigint AS 'MODULE_PATHNAME', 'activity_dormant_users' LANGUAGE C STABLE PARALLEL SAFE COST 200;
COMMENT ON FUNCTION @extschema@.dormant_users(@extschema@.activity, date, integer, text) IS
'Users active before the last quiet_days days and not in them';

CREATE FUNCTION @extschema@.abandonment_rate(act @extschema@.activity, feature text DEFAULT NULL,
                                             as_of date DEFAULT current_date,
                                             quiet_days integer DEFAULT 30)
    RETURNS float8 AS 'MODULE_PATHNAME', 'activity_abandonment_rate' LANGUAGE C STABLE PARALLEL SAFE COST 200;
COMMENT ON FUNCTION @extschema@.abandonment_rate(@extschema@.activity, text, date, integer) IS
'Users of feature with no use of it in the last quiet_days days / users of feature';

-- ------------------------------------------------------------------
-- Team-level adoption: champions, frequency, seat activation, stage
-- ------------------------------------------------------------------

CREATE FUNCTION @extschema@.champion(act @extschema@.activity, as_of date DEFAULT current_date,
                                     days integer DEFAULT 30,
                                     OUT user_id text, OUT active_days integer,
                                     OUT share float8, OUT last_day date)
    RETURNS record AS 'MODULE_PATHNAME', 'activity_champion' LANGUAGE C STABLE PARALLEL SAFE COST 1000;
COMMENT ON FUNCTION @extschema@.champion(@extschema@.activity, date, integer) IS
'The user with the most active days in the window (ties: smallest user id), their share of active user-days and their last active day up to as_of';

CREATE FUNCTION @extschema@.champion_share(act @extschema@.activity, as_of date DEFAULT current_date,
                                           days integer DEFAULT 30)
    RETURNS float8 AS 'MODULE_PATHNAME', 'activity_champion_share' LANGUAGE C STABLE PARALLEL SAFE COST 200;
COMMENT ON FUNCTION @extschema@.champion_share(@extschema@.activity, date, integer) IS
'The largest share of the window''s active user-days held by one user (1 = a single-champion account)';

CREATE FUNCTION @extschema@.effective_users(act @extschema@.activity, as_of date DEFAULT current_date,
                                            days integer DEFAULT 30)
    RETURNS float8 AS 'MODULE_PATHNAME', 'activity_effective_users' LANGUAGE C STABLE PARALLEL SAFE COST 200;
COMMENT ON FUNCTION @extschema@.effective_users(@extschema@.activity, date, integer) IS
'(sum x)^2 / sum x^2 over users'' active days x in the window: 1 when one user does everything, n when n users are equally active';

CREATE FUNCTION @extschema@.frequency(act @extschema@.activity, as_of date DEFAULT current_date,
                                      days integer DEFAULT 30, feature text DEFAULT NULL,
                                      OUT active_days integer, OUT users bigint)
    RETURNS SETOF record AS 'MODULE_PATHNAME', 'activity_frequency' LANGUAGE C STABLE PARALLEL SAFE COST 1000
    ROWS 30;
COMMENT ON FUNCTION @extschema@.frequency(@extschema@.activity, date, integer, text) IS
'Usage-frequency histogram: for k = 1 .. days, the users active on exactly k days of the window';

CREATE FUNCTION @extschema@.seat_activation(act @extschema@.activity, seats bigint,
                                            as_of date DEFAULT current_date)
    RETURNS float8 AS 'MODULE_PATHNAME', 'activity_seat_activation' LANGUAGE C STABLE PARALLEL SAFE COST 200;
COMMENT ON FUNCTION @extschema@.seat_activation(@extschema@.activity, bigint, date) IS
'Users ever active up to as_of / seats (NULL for 0 seats)';

CREATE FUNCTION @extschema@.adoption_stage(active_users bigint, seats bigint,
                                           active_teams integer, teams integer,
                                           company_wide_teams float8 DEFAULT 0.5,
                                           company_wide_seats float8 DEFAULT 0.4)
    RETURNS text AS 'MODULE_PATHNAME', 'adoption_stage' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.adoption_stage(bigint, bigint, integer, integer, float8, float8) IS
'none, champion, role_based, company_wide or cross_team: the stage of the B2B adoption spectrum (thresholds: share of teams and of seats for company_wide)';

-- ------------------------------------------------------------------
-- Health scores
-- ------------------------------------------------------------------

CREATE FUNCTION @extschema@.health_score(signals jsonb, model jsonb)
    RETURNS float8 AS 'MODULE_PATHNAME', 'health_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 100;
COMMENT ON FUNCTION @extschema@.health_score(jsonb, jsonb) IS
'Weighted mean, in [0, 100], of the model''s component scores clamp((value - red) / (green - red), 0, 1) * 100';

CREATE FUNCTION @extschema@.health_grade(signals jsonb, model jsonb)
    RETURNS text AS 'MODULE_PATHNAME', 'health_grade' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 100;
COMMENT ON FUNCTION @extschema@.health_grade(jsonb, jsonb) IS
'red below the model''s grades.red, green at or above grades.green, else yellow';

CREATE FUNCTION @extschema@.health_breakdown(signals jsonb, model jsonb,
                                             OUT component text, OUT value float8,
                                             OUT score float8, OUT weight float8,
                                             OUT contribution float8)
    RETURNS SETOF record AS 'MODULE_PATHNAME', 'health_breakdown' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 100
    ROWS 8;
COMMENT ON FUNCTION @extschema@.health_breakdown(jsonb, jsonb) IS
'One row per model component: the signal, its score, its weight and its contribution to the health score';

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
-- The 0.2.0 signatures of retention, retention_rate, cohort_retention and
-- lifecycle
-- ------------------------------------------------------------------
-- 0.3.0 gave these functions trailing arguments with defaults
-- (start_feature, recurring, week_start).  PostgreSQL cannot add arguments
-- to a function, and an overload that only adds defaulted arguments makes
-- every call that omits them ambiguous, so the update to 0.3.0 renames the
-- 0.2.0 functions (views and other objects that use them keep working,
-- unchanged: they refer to the function, not to its name) and creates the
-- new signatures under the old names.  The same functions are here, so
-- that a fresh install and an updated one have the same objects, and a
-- dump of a database whose views use them restores.  They compute what the
-- new signatures compute with the new arguments at their defaults.
CREATE FUNCTION @extschema@.retention_v0_2(act @extschema@.activity,
                                           days integer[] DEFAULT '{30,60,90}',
                                           width integer DEFAULT 30,
                                           as_of date DEFAULT current_date,
                                           feature text DEFAULT NULL,
                                           cohort_from date DEFAULT NULL,
                                           cohort_to date DEFAULT NULL,
                                           OUT day integer, OUT cohort_users bigint,
                                           OUT eligible_users bigint, OUT retained_users bigint,
                                           OUT rate float8)
    RETURNS SETOF record AS 'MODULE_PATHNAME', 'activity_retention' LANGUAGE C STABLE PARALLEL SAFE COST 1000
    ROWS 3;
COMMENT ON FUNCTION @extschema@.retention_v0_2(@extschema@.activity, integer[], integer, date, text, date, date) IS
'The 0.2.0 signature of retention, kept for views made with it: retention with start_feature NULL';

CREATE FUNCTION @extschema@.retention_rate_v0_2(act @extschema@.activity, day integer,
                                                width integer DEFAULT 30,
                                                as_of date DEFAULT current_date,
                                                feature text DEFAULT NULL)
    RETURNS float8 AS 'MODULE_PATHNAME', 'activity_retention_rate' LANGUAGE C STABLE PARALLEL SAFE COST 200;
COMMENT ON FUNCTION @extschema@.retention_rate_v0_2(@extschema@.activity, integer, integer, date, text) IS
'The 0.2.0 signature of retention_rate, kept for views made with it: retention_rate with start_feature NULL';

CREATE FUNCTION @extschema@.cohort_retention_v0_2(act @extschema@.activity,
                                                  period text DEFAULT 'month',
                                                  periods integer DEFAULT 12,
                                                  as_of date DEFAULT current_date,
                                                  feature text DEFAULT NULL,
                                                  OUT cohort date, OUT period integer,
                                                  OUT cohort_users bigint, OUT retained_users bigint,
                                                  OUT rate float8)
    RETURNS SETOF record AS 'MODULE_PATHNAME', 'activity_cohort_retention' LANGUAGE C STABLE PARALLEL SAFE COST 1000
    ROWS 78;
COMMENT ON FUNCTION @extschema@.cohort_retention_v0_2(@extschema@.activity, text, integer, date, text) IS
'The 0.2.0 signature of cohort_retention, kept for views made with it: cohort_retention with start_feature NULL, recurring false, week_start monday';

CREATE FUNCTION @extschema@.lifecycle_v0_2(act @extschema@.activity,
                                           period text DEFAULT 'week',
                                           periods integer DEFAULT 12,
                                           as_of date DEFAULT current_date,
                                           feature text DEFAULT NULL,
                                           OUT period_start date, OUT new_users bigint,
                                           OUT returning_users bigint, OUT resurrecting_users bigint,
                                           OUT dormant_users bigint)
    RETURNS SETOF record AS 'MODULE_PATHNAME', 'activity_lifecycle' LANGUAGE C STABLE PARALLEL SAFE COST 1000
    ROWS 12;
COMMENT ON FUNCTION @extschema@.lifecycle_v0_2(@extschema@.activity, text, integer, date, text) IS
'The 0.2.0 signature of lifecycle, kept for views made with it: lifecycle with week_start monday';
