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
