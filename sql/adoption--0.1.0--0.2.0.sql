/* adoption--0.1.0--0.2.0.sql: update from 0.1.0 to 0.2.0 */

\echo Use "ALTER EXTENSION adoption UPDATE TO '0.2.0'" to load this file. \quit

-- Planner estimates: the cost of each C function relative to a built-in
-- operator (COST 1), so that the planner evaluates summaries as seldom as
-- it can (e.g. filters on plain columns first): a transition step is a
-- few operators' work, reading a summary a few hundred, the set-returning
-- and window-scanning accessors a thousand.  The ROWS estimates of 0.1.0
-- stay.  Nothing is dropped or redefined: stored values, views and
-- functions that use the extension's objects are untouched.
ALTER FUNCTION @extschema@.activity_in(cstring) COST 50;
ALTER FUNCTION @extschema@.activity_out(@extschema@.activity) COST 50;
ALTER FUNCTION @extschema@.activity_recv(internal) COST 50;
ALTER FUNCTION @extschema@.activity_send(@extschema@.activity) COST 50;
ALTER FUNCTION @extschema@.activity_union(@extschema@.activity, @extschema@.activity) COST 500;
ALTER FUNCTION @extschema@.activity_combine(@extschema@.activity, @extschema@.activity) COST 500;
ALTER FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, bigint, date) COST 2;
ALTER FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, bigint, date, text) COST 2;
ALTER FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, bigint, timestamptz) COST 2;
ALTER FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, bigint, timestamptz, text) COST 2;
ALTER FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, integer, date) COST 2;
ALTER FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, integer, date, text) COST 2;
ALTER FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, integer, timestamptz) COST 2;
ALTER FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, integer, timestamptz, text) COST 2;
ALTER FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, text, date) COST 2;
ALTER FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, text, date, text) COST 2;
ALTER FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, text, timestamptz) COST 2;
ALTER FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, text, timestamptz, text) COST 2;
ALTER FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, uuid, date) COST 2;
ALTER FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, uuid, date, text) COST 2;
ALTER FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, uuid, timestamptz) COST 2;
ALTER FUNCTION @extschema@.activity_agg_trans(@extschema@.activity, uuid, timestamptz, text) COST 2;
ALTER FUNCTION @extschema@.user_count(@extschema@.activity, text, date) COST 200;
ALTER FUNCTION @extschema@.active_users(@extschema@.activity, date, integer, text) COST 200;
ALTER FUNCTION @extschema@.stickiness(@extschema@.activity, date, integer, text) COST 1000;
ALTER FUNCTION @extschema@.adoption_rate(@extschema@.activity, bigint, date, integer, text) COST 200;
ALTER FUNCTION @extschema@.feature_adoption_rate(@extschema@.activity, text, date, integer) COST 200;
ALTER FUNCTION @extschema@.features(@extschema@.activity, date, integer, bigint) COST 1000;
ALTER FUNCTION @extschema@.depth(@extschema@.activity, date, integer) COST 200;
ALTER FUNCTION @extschema@.first_day(@extschema@.activity, text) COST 200;
ALTER FUNCTION @extschema@.last_day(@extschema@.activity, text) COST 200;
ALTER FUNCTION @extschema@.retention(@extschema@.activity, integer[], integer, date, text, date, date) COST 1000;
ALTER FUNCTION @extschema@.retention_rate(@extschema@.activity, integer, integer, date, text) COST 200;
ALTER FUNCTION @extschema@.feature_retention(@extschema@.activity, integer[], integer, date) COST 1000;
ALTER FUNCTION @extschema@.cohort_retention(@extschema@.activity, text, integer, date, text) COST 1000;
ALTER FUNCTION @extschema@.lifecycle(@extschema@.activity, text, integer, date, text) COST 1000;
ALTER FUNCTION @extschema@.time_to_feature(@extschema@.activity, integer, date) COST 1000;
ALTER FUNCTION @extschema@.usage_trend(@extschema@.activity, date, integer, text) COST 200;
ALTER FUNCTION @extschema@.dormant_users(@extschema@.activity, date, integer, text) COST 200;
ALTER FUNCTION @extschema@.abandonment_rate(@extschema@.activity, text, date, integer) COST 200;
ALTER FUNCTION @extschema@.champion(@extschema@.activity, date, integer) COST 1000;
ALTER FUNCTION @extschema@.champion_share(@extschema@.activity, date, integer) COST 200;
ALTER FUNCTION @extschema@.effective_users(@extschema@.activity, date, integer) COST 200;
ALTER FUNCTION @extschema@.frequency(@extschema@.activity, date, integer, text) COST 1000;
ALTER FUNCTION @extschema@.seat_activation(@extschema@.activity, bigint, date) COST 200;
ALTER FUNCTION @extschema@.health_score(jsonb, jsonb) COST 100;
ALTER FUNCTION @extschema@.health_grade(jsonb, jsonb) COST 100;
ALTER FUNCTION @extschema@.health_breakdown(jsonb, jsonb) COST 100;
