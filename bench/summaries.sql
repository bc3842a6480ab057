-- bench/summaries.sql: the stored summaries the comparison scripts read,
-- made when missing: bench_summaries (core.sql makes it afresh first, and
-- drops bench_product with it), bench_daily (retention.sql drops it first,
-- so it is made afresh there) and bench_product, one product-wide summary
-- of all the events (the rollup of bench_summaries), stored uncompressed as
-- doc/refresh.sql's adoption_history_product is.
CREATE TABLE IF NOT EXISTS bench_summaries AS
SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act
FROM events GROUP BY account_id;
CREATE TABLE IF NOT EXISTS bench_daily AS
SELECT account_id, occurred_at::date AS day, activity_agg(user_id, occurred_at, feature) AS act
FROM events GROUP BY 1, 2;
CREATE TABLE IF NOT EXISTS bench_product (act activity);
ALTER TABLE bench_product ALTER COLUMN act SET STORAGE EXTERNAL;
INSERT INTO bench_product
SELECT act FROM (SELECT rollup(act) AS act FROM bench_summaries) s WHERE NOT EXISTS (SELECT FROM bench_product);
ANALYZE bench_summaries;
ANALYZE bench_daily;
ANALYZE bench_product;
