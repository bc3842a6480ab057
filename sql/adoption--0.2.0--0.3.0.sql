/* adoption--0.2.0--0.3.0.sql: update from 0.2.0 to 0.3.0 */

\echo Use "ALTER EXTENSION adoption UPDATE TO '0.3.0'" to load this file. \quit

-- ------------------------------------------------------------------
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
