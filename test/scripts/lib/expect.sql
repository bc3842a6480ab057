-- test/scripts/lib/expect.sql: assertion helpers of the script tests (refresh.sh,
-- refresh_history.sh), included with \i test/scripts/lib/expect.sql.
CREATE FUNCTION pg_temp.expect(label text, got numeric, want numeric) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF got IS DISTINCT FROM want THEN
        RAISE EXCEPTION '%: got %, expected %', label, got, want;
    END IF;
    RAISE NOTICE 'ok  %: %', label, got;
END $$;
CREATE FUNCTION pg_temp.expect_positive(label text, got numeric) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF got IS NULL OR got <= 0 THEN
        RAISE EXCEPTION '%: got %, expected a positive number', label, got;
    END IF;
    RAISE NOTICE 'ok  %: %', label, got;
END $$;
-- equal floats, or both NULL
CREATE FUNCTION pg_temp.close(a float8, b float8) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(abs(a - b) < 1e-12, a IS NULL AND b IS NULL)
$$;
