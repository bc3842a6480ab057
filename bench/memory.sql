-- bench/memory.sql: peak backend memory while building per-account summaries.
-- Run in a fresh session (VmHWM is the backend's peak resident set since it
-- started); shared buffers touched by the scan are subtracted.
\set QUIET on
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SET work_mem = '1GB';
CREATE OR REPLACE FUNCTION pg_temp.kb(field text) RETURNS bigint LANGUAGE sql AS $$
    SELECT (regexp_match(pg_read_file('/proc/self/status'), field || ':\s+(\d+) kB'))[1]::bigint
$$;
SELECT pg_temp.kb('VmHWM') AS hwm0, pg_temp.kb('RssShmem') AS shm0 \gset
SELECT sum(pg_column_size(act)) AS bytes
FROM (SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act FROM events GROUP BY 1) s \gset
SELECT pg_temp.kb('VmHWM') AS hwm1, pg_temp.kb('RssShmem') AS shm1 \gset
SELECT count(*) AS triples FROM (SELECT DISTINCT user_id, feature, occurred_at::date FROM events) d \gset
SELECT round(((:hwm1 - :hwm0) - (:shm1 - :shm0)) / 1024.0, 1) AS peak_build_mib,
       round(((:hwm1 - :hwm0) - (:shm1 - :shm0)) * 1024.0 / :triples, 1) AS peak_bytes_per_triple \gset
SELECT :peak_build_mib AS peak_build_mib, :peak_bytes_per_triple AS peak_bytes_per_triple;
-- kept for bench/summary.sql
\ir compare.sql
SELECT pg_temp.figure('peak backend memory while building, MiB (bytes per distinct triple)',
                      format('%s (%s)', :peak_build_mib, :peak_bytes_per_triple)) \gset
