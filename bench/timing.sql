-- bench/timing.sql: pg_temp.secs(query), the seconds one run of a query
-- takes (its result is read into a variable, so nothing is sent back)
CREATE OR REPLACE FUNCTION pg_temp.secs(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; r text;
BEGIN
    t0 := clock_timestamp();
    EXECUTE q INTO r;
    RETURN extract(epoch FROM clock_timestamp() - t0);
END $$;
