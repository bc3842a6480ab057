-- bench/summaries.sql: the stored summaries the comparison scripts read,
-- made when missing: bench_summaries (core.sql makes it afresh first) and
-- bench_daily (retention.sql drops it first, so it is made afresh there).
CREATE TABLE IF NOT EXISTS bench_summaries AS
SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act
FROM events GROUP BY account_id;
CREATE TABLE IF NOT EXISTS bench_daily AS
SELECT account_id, occurred_at::date AS day, activity_agg(user_id, occurred_at, feature) AS act
FROM events GROUP BY 1, 2;
ANALYZE bench_summaries;
ANALYZE bench_daily;
