-- bench/session.sql: the session every timing script runs in (included
-- with \ir first): quiet output, serial plans unless a script says
-- otherwise, no JIT, work_mem 1GB, the repetitions (psql variable reps,
-- default 3) also in the setting bench.reps for DO blocks, and
-- pg_temp.secs() of timing.sql.
\set QUIET on
\pset footer off
\if :{?reps}
\else
\set reps 3
\endif
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SET work_mem = '1GB';
SET client_min_messages = warning;
SELECT set_config('bench.reps', :'reps', false) AS reps_set \gset
\ir timing.sql
