-- bench/timing.sql: pg_temp.secs(query), the seconds one run of a query
-- takes (its result is read into a variable, so nothing is sent back), and
-- pg_temp.time_named(queries, wrap), the runs of a table of named queries
CREATE OR REPLACE FUNCTION pg_temp.secs(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; r text;
BEGIN
    t0 := clock_timestamp();
    EXECUTE q INTO r;
    RETURN extract(epoch FROM clock_timestamp() - t0);
END $$;

-- Runs the queries of the table queries (name, sql), each given to
-- format(wrap, sql), in name order, the setting bench.reps times,
-- alternating them: one row (name, rep, secs) a run.
CREATE OR REPLACE FUNCTION pg_temp.time_named(queries regclass, wrap text DEFAULT '%s')
RETURNS TABLE (name text, rep int, secs float8) LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
    FOR i IN 1 .. current_setting('bench.reps')::int LOOP
        FOR r IN EXECUTE format('SELECT name, sql FROM %s ORDER BY name', queries) LOOP
            name := r.name;
            rep := i;
            secs := pg_temp.secs(format(wrap, r.sql));
            RETURN NEXT;
        END LOOP;
    END LOOP;
END $$;
