/* adoption--0.2.0--0.3.0.sql: update from 0.2.0 to 0.3.0 */

\echo Use "ALTER EXTENSION adoption UPDATE TO '0.3.0'" to load this file. \quit

-- ------------------------------------------------------------------
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
