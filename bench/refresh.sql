-- bench/refresh.sql: what a refresh of the all-history table costs
-- (doc/refresh.sql, section 3, step 2: the day's summaries per account
-- unioned into each account's row), against the size of the history.
--
-- The new events are those from the last day of the data on (2026-06-30, in the
-- session TimeZone); three all-history tables hold every account's events
-- of the days before it, from three starts: the last 30 days, the last 180
-- and every day (bench_hist_30, bench_hist_180, bench_hist_all).  Timed,
-- alternated:
--   day        the day's summaries per account, from the events through
--              an index on occurred_at (the day's events only)
--   union_N    activity_union of each touched account's row of
--              bench_hist_N with its summary of the day: the new rows
--   write_N    PostgreSQL's own share: an UPDATE of the touched rows of
--              bench_hist_N to those new rows computed before (the heap
--              and TOAST writes of the refresh), rolled back
-- with the bytes of the touched rows.  The index is dropped at the end.
\ir session.sql

\ir compare.sql

CREATE INDEX IF NOT EXISTS bench_refresh_occurred_at ON events (occurred_at);
ANALYZE events;

DROP TABLE IF EXISTS pg_temp.bench_fresh, pg_temp.bench_hist_30, pg_temp.bench_hist_180,
    pg_temp.bench_hist_all, pg_temp.bench_new_30, pg_temp.bench_new_180, pg_temp.bench_new_all;
CREATE TEMP TABLE bench_fresh AS
SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act
FROM events WHERE occurred_at >= date '2026-06-30' GROUP BY 1;
CREATE TEMP TABLE bench_hist_30 AS
SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act
FROM events WHERE occurred_at >= date '2026-06-30' - 30 AND occurred_at < date '2026-06-30' GROUP BY 1;
CREATE TEMP TABLE bench_hist_180 AS
SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act
FROM events WHERE occurred_at >= date '2026-06-30' - 180 AND occurred_at < date '2026-06-30' GROUP BY 1;
CREATE TEMP TABLE bench_hist_all AS
SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act
FROM events WHERE occurred_at < date '2026-06-30' GROUP BY 1;

-- the refresh's new rows, for the floor of writing them
CREATE TEMP TABLE bench_new_30 AS
SELECT f.account_id, activity_union(h.act, f.act) AS act FROM bench_fresh f JOIN bench_hist_30 h USING (account_id);
CREATE TEMP TABLE bench_new_180 AS
SELECT f.account_id, activity_union(h.act, f.act) AS act FROM bench_fresh f JOIN bench_hist_180 h USING (account_id);
CREATE TEMP TABLE bench_new_all AS
SELECT f.account_id, activity_union(h.act, f.act) AS act FROM bench_fresh f JOIN bench_hist_all h USING (account_id);
ANALYZE bench_fresh, bench_hist_30, bench_hist_180, bench_hist_all, bench_new_30, bench_new_180, bench_new_all;

-- the union is the refresh's own: the new rows equal the summaries of the
-- events up to the day (checked for every history)
DO $do$
DECLARE n text; bad bigint;
BEGIN
    FOREACH n IN ARRAY ARRAY['30', '180', 'all'] LOOP
        EXECUTE format($q$
            SELECT count(*) FROM bench_new_%s u
            JOIN (SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act FROM events
                  WHERE occurred_at >= %s GROUP BY 1) d USING (account_id)
            WHERE u.act::text IS DISTINCT FROM d.act::text$q$,
            n, CASE n WHEN 'all' THEN $$'-infinity'::timestamptz$$ ELSE format($$date '2026-06-30' - %s$$, n) END)
        INTO bad;
        IF bad <> 0 THEN
            RAISE EXCEPTION 'refresh: % rows of the union into the history of % days differ from a rebuild', bad, n;
        END IF;
    END LOOP;
END $do$;

-- q run in a subtransaction that is then rolled back
CREATE OR REPLACE FUNCTION pg_temp.rolled_back(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        EXECUTE q;
        RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'roll back';
    EXCEPTION WHEN raise_exception THEN
        RETURN 'rolled back';
    END;
END $$;

-- the rows and bytes of a history table, and of the rows the day touches
CREATE OR REPLACE FUNCTION pg_temp.hist_size(n text, OUT accounts bigint, OUT bytes bigint,
                                             OUT touched bigint, OUT touched_bytes bigint)
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SELECT count(*), sum(pg_column_size(act)) FROM bench_hist_%s', n) INTO accounts, bytes;
    EXECUTE format('SELECT count(*), sum(pg_column_size(h.act)) FROM bench_hist_%s h JOIN bench_fresh USING (account_id)', n)
        INTO touched, touched_bytes;
END $$;

DELETE FROM bq WHERE metric = 'refresh of one day';
INSERT INTO bq
SELECT 'refresh of one day', 'day', 'the day''s summaries per account', $q$
SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act
FROM events WHERE occurred_at >= date '2026-06-30' GROUP BY 1$q$, 0;
INSERT INTO bq
SELECT 'refresh of one day', k || '_' || n, format('%s, history of %s days', k, n),
       CASE k WHEN 'union' THEN format($q$
SELECT f.account_id, activity_union(h.act, f.act) FROM bench_fresh f JOIN bench_hist_%s h USING (account_id)$q$, n)
       ELSE format($q$
SELECT pg_temp.rolled_back('UPDATE bench_hist_%1$s h SET act = u.act FROM bench_new_%1$s u WHERE u.account_id = h.account_id')$q$, n)
       END, o
FROM (VALUES ('30', 1), ('180', 2), ('all', 3)) v(n, o), (VALUES ('union'), ('write')) w(k);

SELECT pg_temp.time_queries(ARRAY['refresh of one day'], :reps) \gset

DROP TABLE IF EXISTS pg_temp.bench_hist_sizes;
CREATE TEMP TABLE bench_hist_sizes AS
SELECT n, o, (SELECT count(*) FROM events WHERE occurred_at >= date '2026-06-30') AS day_events,
       x.accounts, x.bytes, x.touched, x.touched_bytes
FROM (VALUES ('30', 1), ('180', 2), ('all', 3)) v(n, o),
     LATERAL pg_temp.hist_size(n) x;
\echo
\echo 'a refresh of one day''s events into all-history tables of three sizes (serial, median of' :reps 'runs)'
SELECT s.n AS history_days, s.accounts, round(s.bytes / 1e6, 2) AS history_mb, s.day_events,
       s.touched AS touched_accounts, round(s.touched_bytes / 1e6, 2) AS touched_mb,
       round(d.median::numeric, 4) AS day_s, round(u.median::numeric, 4) AS union_s,
       round(w.median::numeric, 4) AS write_s,
       round((u.median / (s.touched_bytes / 1e6))::numeric, 4) AS union_s_per_touched_mb,
       round((w.median / (s.touched_bytes / 1e6))::numeric, 4) AS write_s_per_touched_mb
FROM bench_hist_sizes s, bm d, bm u, bm w
WHERE d.name = 'day' AND u.name = 'union_' || s.n AND w.name = 'write_' || s.n
ORDER BY s.o;
SELECT count(*) AS figures FROM (
SELECT pg_temp.figure('refresh of one day: the day''s summaries per account, s (events, accounts)',
                      format('%s (%s, %s)', round(d.median::numeric, 4), s.day_events, s.touched))
FROM bench_hist_sizes s, bm d WHERE d.name = 'day' AND s.n = 'all'
UNION ALL
SELECT pg_temp.figure(format('refresh of one day into a history of %s days: union, s (write, s; touched rows, MB)', s.n),
                      format('%s (%s; %s)', round(u.median::numeric, 4), round(w.median::numeric, 4),
                             round(s.touched_bytes / 1e6, 2)))
FROM bench_hist_sizes s, bm u, bm w WHERE u.name = 'union_' || s.n AND w.name = 'write_' || s.n) x \gset

DROP INDEX bench_refresh_occurred_at;
