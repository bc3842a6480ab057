// bench/engines/bench.mjs: the engine comparison, driven by bench/engines/run.
//
//   node bench.mjs <events.tsv> <accounts.tsv> <clickhouse http port>
//
// Expects the PG* environment of a database holding the extension, the
// tables of data/generate.sql, bench_daily, bench_day and bench_summaries, a
// ClickHouse server on the given port holding the same events and accounts,
// and BENCH_REPS (default 3).  Loads the files into an in-memory DuckDB
// database, computes the reference numbers with the extension from raw events
// in PostgreSQL, checks that every engine (plain SQL on raw events) and every
// timed PostgreSQL side (the extension from per-day summaries per account
// rolled up per account, from all-history stored summaries per account, for
// retention also from product-wide per-day summaries; the per-day summaries
// again with 2 parallel workers, PostgreSQL's default; PostgreSQL's own count
// for the floor) gives the same numbers, then times the queries alternated
// over the repetitions and prints medians: one row per metric, engine and
// PostgreSQL side, with ratio = engine seconds / PostgreSQL seconds.
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';

const [eventsFile, accountsFile, chPort] = process.argv.slice(2);
const REPS = Number(process.env.BENCH_REPS || 3);
const AS_OF = '2026-06-30';
const WINDOWS = [7, 30, 90];
// The triangle's 12 months and the lifecycle's 12 ISO weeks (Monday to
// Sunday) are the last ones ended by AS_OF, as the extension counts them:
// months MONTH0 .. MONTHS_END - 1 day; the weeks from WEEK0 + 7 to
// WEEKS_END - 1 day, and the week WEEK0 before them, whose activity tells the
// first week's returning users from its resurrecting ones.
const PERIODS = 12;
const addDays = (iso, n) => new Date(Date.parse(iso) + n * 86400000).toISOString().slice(0, 10);
const MONTHS_END = `${addDays(AS_OF, 1).slice(0, 7)}-01`;
const MONTH0 = new Date(Date.UTC(Number(MONTHS_END.slice(0, 4)), Number(MONTHS_END.slice(5, 7)) - 1 - PERIODS, 1))
  .toISOString().slice(0, 10);
const WEEKS_END = addDays(AS_OF, 1 - (new Date(addDays(AS_OF, 1)).getUTCDay() + 6) % 7);
const WEEK0 = addDays(WEEKS_END, -7 * (PERIODS + 1));

// ---------------------------------------------------------------------------
// The five metrics, one column list each (types as PostgreSQL compares them);
// triangle and lifecycle are product-wide, the sums of the per-account rows
// (every user belongs to one account)
// ---------------------------------------------------------------------------
const COLUMNS = {
  floor: [['account_id', 'bigint'], ['events', 'bigint']],
  report: [['account_id', 'bigint'], ['user_count', 'bigint'], ['first_day', 'date'], ['last_day', 'date'],
    ...WINDOWS.flatMap((d) => [[`active_users_${d}`, 'bigint'], [`stickiness_${d}`, 'float8'],
      [`adoption_rate_${d}`, 'float8'], [`depth_${d}`, 'float8'], [`champion_share_${d}`, 'float8'],
      [`effective_users_${d}`, 'float8']]),
    ['usage_trend_30', 'float8']],
  retention: [['feature', 'text'], ['day', 'int'], ['cohort', 'bigint'], ['eligible', 'bigint'], ['retained', 'bigint']],
  triangle: [['cohort', 'date'], ['period', 'int'], ['cohort_users', 'bigint'], ['retained_users', 'bigint'],
    ['rate', 'float8']],
  lifecycle: [['period_start', 'date'], ['new_users', 'bigint'], ['returning_users', 'bigint'],
    ['resurrecting_users', 'bigint'], ['dormant_users', 'bigint']],
};

// PostgreSQL: the extension from raw events (the reference, untimed); timed,
// the extension from the per-day summaries per account (bench_daily) rolled
// up per account, from the all-history stored summaries per account
// (bench_summaries, every metric but the floor), from the product-wide
// all-history summary (bench_product: retention, triangle, lifecycle), for
// retention also from the product-wide per-day summaries (bench_day) rolled
// up into one, and PostgreSQL's own GROUP BY count (the floor).
const reportAccessors = (src) => `
SELECT s.account_id, user_count(s.act, as_of => '${AS_OF}'), first_day(s.act), last_day(s.act),
${WINDOWS.map((d) => `       active_users(s.act, '${AS_OF}', ${d}), stickiness(s.act, '${AS_OF}', ${d}),
       adoption_rate(s.act, a.seats, '${AS_OF}', ${d}), depth(s.act, '${AS_OF}', ${d}),
       champion_share(s.act, '${AS_OF}', ${d}), effective_users(s.act, '${AS_OF}', ${d}),`).join('\n')}
       usage_trend(s.act, '${AS_OF}', 30)
FROM (${src}) s LEFT JOIN accounts a USING (account_id)`;
// the report from summaries (stored or rolled up) as fastest (of the accessors, this
// pivot and one by array_agg): usage_report reads each summary once for the
// three windows (one row per window, column days), pivoted into the report's
// columns as stored_usage_report in bench/report_queries.sql does; column
// <field>_<days> is that window's field
const reportStored = (src) => `
SELECT s.account_id, user_count(s.act, as_of => '${AS_OF}'), first_day(s.act), last_day(s.act), r.*
FROM (${src}) s LEFT JOIN accounts a USING (account_id)
CROSS JOIN LATERAL (
    SELECT ${COLUMNS.report.slice(4).map(([c]) => c.match(/^(.*)_(\d+)$/))
    .map(([c, f, d]) => `max(${f}) FILTER (WHERE days = ${d}) AS ${c}`).join(',\n           ')}
    FROM usage_report(s.act, '${AS_OF}', '{${WINDOWS}}', a.seats)) r`;
const retentionOf = (src) => `
SELECT f.feature, f.day, sum(f.cohort_users) AS cohort, sum(f.eligible_users) AS eligible,
       sum(f.retained_users) AS retained
FROM (${src}) s, feature_retention(s.act, as_of => '${AS_OF}') f
GROUP BY 1, 2`;
const triangleOf = (src) => `
SELECT r.cohort, r.period, sum(r.cohort_users), sum(r.retained_users),
       sum(r.retained_users)::float8 / sum(r.cohort_users)::float8
FROM (${src}) s, cohort_retention(s.act, 'month', ${PERIODS}, '${AS_OF}') r
GROUP BY 1, 2`;
const lifecycleOf = (src) => `
SELECT r.period_start, sum(r.new_users), sum(r.returning_users), sum(r.resurrecting_users), sum(r.dormant_users)
FROM (${src}) s, lifecycle(s.act, 'week', ${PERIODS}, '${AS_OF}') r
GROUP BY 1`;
const RAW = 'SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act FROM events GROUP BY 1';
const DAILY = 'SELECT account_id, rollup(act) AS act FROM bench_daily GROUP BY 1';
const DAY = 'SELECT rollup(act) AS act FROM bench_day';
const STORED = 'SELECT account_id, act FROM bench_summaries';
const PRODUCT = 'SELECT act FROM bench_product';
const PG = {
  reference: { floor: 'SELECT account_id, count(*) FROM events GROUP BY 1',
    report: reportAccessors(RAW), retention: retentionOf(RAW), triangle: triangleOf(RAW), lifecycle: lifecycleOf(RAW) },
};
// the timed PostgreSQL sides: [key, queries, name of each metric's side]
const DAILY_NAME = 'extension, per-day summaries per account';
const STORED_NAME = 'extension, all-history stored summaries';
const PRODUCT_NAME = 'extension, product-wide all-history summary';
const PG_SIDES = [
  ['postgresql', { floor: 'SELECT account_id, count(*) FROM events GROUP BY 1',
    report: reportStored(DAILY), retention: retentionOf(DAILY), triangle: triangleOf(DAILY),
    lifecycle: lifecycleOf(DAILY) },
  { floor: 'PostgreSQL count(*), raw events', report: `${DAILY_NAME}, usage_report`, retention: DAILY_NAME,
    triangle: DAILY_NAME, lifecycle: DAILY_NAME }],
  ['postgresql, stored summaries', { report: reportStored(STORED), retention: retentionOf(STORED),
    triangle: triangleOf(STORED), lifecycle: lifecycleOf(STORED) },
  { report: `${STORED_NAME}, usage_report`, retention: STORED_NAME, triangle: STORED_NAME, lifecycle: STORED_NAME }],
  ['postgresql, product-wide history', { retention: retentionOf(PRODUCT), triangle: triangleOf(PRODUCT),
    lifecycle: lifecycleOf(PRODUCT) },
  { retention: PRODUCT_NAME, triangle: PRODUCT_NAME, lifecycle: PRODUCT_NAME }],
  ['postgresql, product-wide days', { retention: retentionOf(DAY) },
    { retention: 'extension, product-wide per-day summaries' }],
  // the per-day summaries with PostgreSQL's default max_parallel_workers_per_gather
  // (2, as DuckDB and ClickHouse have 2 threads here), the plan the planner picks
  ['postgresql, parallel', { report: reportStored(DAILY), retention: retentionOf(DAILY), triangle: triangleOf(DAILY),
    lifecycle: lifecycleOf(DAILY) },
  { report: `${DAILY_NAME}, usage_report, 2 parallel workers`, retention: `${DAILY_NAME}, 2 parallel workers`,
    triangle: `${DAILY_NAME}, 2 parallel workers`, lifecycle: `${DAILY_NAME}, 2 parallel workers` }, 'parallel'],
];

// DuckDB: plain SQL over raw events.  occurred_at holds the wall-clock time in
// the PostgreSQL session's TimeZone, so ::date is the same day boundary.
const duckWindows = (f) => WINDOWS.map(f).join(',\n');
const DUCK = {
  floor: 'SELECT account_id, count(*) FROM events GROUP BY account_id',
  report: `
WITH ud AS (            -- distinct active user-days
    SELECT account_id, user_id, occurred_at::date AS day FROM events GROUP BY ALL
), ux AS (              -- per user: active days in each window
    SELECT account_id, user_id, min(day) AS first_day, max(day) AS last_day,
           count(*) FILTER (WHERE day <= DATE '${AS_OF}') AS ever,
${duckWindows((d) => `           count(*) FILTER (WHERE day > DATE '${AS_OF}' - ${d} AND day <= DATE '${AS_OF}') AS x${d}`)},
           count(*) FILTER (WHERE day > DATE '${AS_OF}' - 60 AND day <= DATE '${AS_OF}' - 30) AS xp
    FROM ud GROUP BY ALL
), acc AS (
    SELECT account_id, count(*) FILTER (WHERE ever > 0) AS user_count,
           min(first_day) AS first_day, max(last_day) AS last_day,
${duckWindows((d) => `           count(*) FILTER (WHERE x${d} > 0) AS a${d}, sum(x${d})::double AS s${d},
           max(x${d})::double AS m${d}, sum(x${d} * x${d})::double AS q${d}`)},
           sum(xp)::double AS sp
    FROM ux GROUP BY ALL
), pf AS (              -- (user, feature) pairs of the last 90 days, last day of use
    SELECT account_id, user_id, feature, max(occurred_at)::date AS last
    FROM events
    WHERE feature IS NOT NULL AND occurred_at >= DATE '${AS_OF}' - 89 AND occurred_at < DATE '${AS_OF}' + 1
    GROUP BY ALL
), pa AS (
    SELECT account_id,
${duckWindows((d) => `           count(*) FILTER (WHERE last > DATE '${AS_OF}' - ${d}) AS p${d}`)}
    FROM pf GROUP BY ALL
)
SELECT acc.account_id, user_count, first_day, last_day,
${duckWindows((d) => `       a${d}, s${d} / nullif(${d} * a${d}, 0), a${d} / nullif(a.seats, 0)::double,
       coalesce(p${d}, 0) / nullif(a${d}, 0)::double, m${d} / nullif(s${d}, 0),
       s${d} * s${d} / nullif(q${d}, 0)`)},
       s30 / nullif(sp, 0) - 1
FROM acc LEFT JOIN pa USING (account_id) LEFT JOIN accounts a USING (account_id)`,
  retention: `
WITH u AS (             -- per (user, feature): first day, and the days of use
    SELECT feature, min(occurred_at::date) AS start, list(occurred_at::date) AS days
    FROM events WHERE feature IS NOT NULL AND occurred_at < DATE '${AS_OF}' + 1
    GROUP BY user_id, feature
), b AS (               -- the 30-day brackets after the first day holding some use
    SELECT feature, start, list_transform(days, x -> (x - start) // 30) AS brackets FROM u
)
SELECT feature, n.n AS day, count(*) AS cohort,
       count(*) FILTER (WHERE start + n.n + 29 <= DATE '${AS_OF}') AS eligible,
       count(*) FILTER (WHERE start + n.n + 29 <= DATE '${AS_OF}' AND list_contains(brackets, n.n // 30)) AS retained
FROM b CROSS JOIN (VALUES (30), (60), (90)) AS n(n)
GROUP BY ALL`,
  // triangle and lifecycle as bench/triangle.sql does it in PostgreSQL: one
  // GROUP BY user_id giving the first event and the months (weeks) active as
  // bits of an int, then one row per user and period.  CASE, not FILTER:
  // DuckDB evaluates an aggregate's argument on filtered-out rows too, and a
  // negative shift is an error.
  triangle: `
WITH u AS (             -- per user: first event; bit m set if active in the month ${MONTH0} + m
    SELECT min(occurred_at) AS first_at,
           bit_or(CASE WHEN occurred_at >= DATE '${MONTH0}'
                       THEN 1 << date_diff('month', DATE '${MONTH0}', occurred_at) END) AS months
    FROM events WHERE occurred_at < DATE '${MONTHS_END}'
    GROUP BY user_id
), c AS (               -- users whose first month is one of the ${PERIODS}: c = its index
    SELECT date_diff('month', DATE '${MONTH0}', first_at) AS c, months
    FROM u WHERE first_at >= DATE '${MONTH0}'
)
SELECT (DATE '${MONTH0}' + to_months(c))::date AS cohort, k AS period, count(*) AS cohort_users,
       count(*) FILTER (WHERE months & (1 << (c + k)) <> 0) AS retained_users,
       retained_users / cohort_users AS rate
FROM c CROSS JOIN LATERAL (SELECT unnest(range(${PERIODS} - c)) AS k)
GROUP BY c, k`,
  lifecycle: `
WITH u AS (             -- per user: first event; bit w set if active in the week ${WEEK0} + 7 w
    SELECT min(occurred_at) AS first_at,
           bit_or(CASE WHEN occurred_at >= DATE '${WEEK0}'
                       THEN 1 << ((date_trunc('week', occurred_at)::date - DATE '${WEEK0}') // 7) END) AS weeks
    FROM events WHERE occurred_at < DATE '${WEEKS_END}'
    GROUP BY user_id
), w AS (               -- f: the week of the first event (negative before ${WEEK0})
    SELECT (date_trunc('week', first_at)::date - DATE '${WEEK0}') // 7 AS f, coalesce(weeks, 0) AS weeks FROM u
)
SELECT DATE '${WEEK0}' + 7 * i AS period_start,
       count(*) FILTER (WHERE f = i) AS new_users,
       count(*) FILTER (WHERE weeks & (1 << i) <> 0 AND weeks & (1 << (i - 1)) <> 0) AS returning_users,
       count(*) FILTER (WHERE weeks & (1 << i) <> 0 AND weeks & (1 << (i - 1)) = 0 AND f < i - 1) AS resurrecting_users,
       count(*) FILTER (WHERE weeks & (1 << i) = 0 AND weeks & (1 << (i - 1)) <> 0) AS dormant_users
FROM w CROSS JOIN (SELECT range::int AS i FROM range(1, ${PERIODS + 1}))
GROUP BY i`,
};


// ClickHouse 18.16: no CTEs, no FILTER, no window functions, one JOIN per
// SELECT, lambdas cannot capture columns (replicate() passes them in).
const chWindows = ((f) => WINDOWS.map(f).join(',\n'));
const D = `toDate('${AS_OF}')`;
const M0 = `toDate('${MONTH0}')`;
const W0 = `toDate('${WEEK0}')`;
const CH = {
  floor: 'SELECT account_id, count() FROM events GROUP BY account_id',
  report: `
SELECT account_id, user_count, first_day, last_day,
${chWindows((d) => `       a${d}, if(a${d} = 0, NULL, s${d} / (${d} * a${d})), if(seats = 0, NULL, a${d} / seats),
       if(a${d} = 0, NULL, p${d} / a${d}), if(s${d} = 0, NULL, m${d} / s${d}),
       if(q${d} = 0, NULL, s${d} * s${d} / q${d})`)},
       if(sp = 0, NULL, s30 / sp - 1)
FROM (SELECT * FROM (
    SELECT account_id, countIf(ever > 0) AS user_count, min(fd) AS first_day, max(ld) AS last_day,
${chWindows((d) => `           countIf(x${d} > 0) AS a${d}, sum(x${d}) AS s${d}, max(x${d}) AS m${d}, sum(x${d} * x${d}) AS q${d}`)},
           sum(xp) AS sp
    FROM (              -- per user: active days in each window
        SELECT account_id, user_id, toDate(min(occurred_at)) AS fd, toDate(max(occurred_at)) AS ld,
               countIf(occurred_at < toDateTime(${D} + 1)) AS ever,
${chWindows((d) => `               uniqExactIf(toDate(occurred_at), occurred_at >= toDateTime(${D} - ${d - 1})
                                                AND occurred_at < toDateTime(${D} + 1)) AS x${d}`)},
               uniqExactIf(toDate(occurred_at), occurred_at >= toDateTime(${D} - 59)
                                                AND occurred_at < toDateTime(${D} - 29)) AS xp
        FROM events
        GROUP BY account_id, user_id)
    GROUP BY account_id)
    ANY LEFT JOIN (SELECT account_id, seats FROM accounts) USING account_id)
ANY LEFT JOIN (
    SELECT account_id,
${chWindows((d) => `           countIf(last > ${D} - ${d}) AS p${d}`)}
    FROM (SELECT account_id, user_id, feature, toDate(max(occurred_at)) AS last FROM events
          WHERE feature IS NOT NULL AND occurred_at >= toDateTime(${D} - 89) AND occurred_at < toDateTime(${D} + 1)
          GROUP BY account_id, user_id, feature)
    GROUP BY account_id) USING account_id`,
  retention: `
SELECT feat AS feature, n AS day, count() AS cohort, countIf(start + n + 29 <= ${D}) AS eligible,
       countIf(start + n + 29 <= ${D} AND has(brackets, intDiv(n, 30))) AS retained
FROM (
    SELECT feat, start, arrayMap((d, s) -> intDiv(d - s, 30), days, replicate(start, days)) AS brackets
    FROM (SELECT user_id, assumeNotNull(feature) AS feat, min(toDate(occurred_at)) AS start,
                 groupArray(toDate(occurred_at)) AS days
          FROM events WHERE feature IS NOT NULL AND occurred_at < toDateTime(${D} + 1)
          GROUP BY user_id, feat))
ARRAY JOIN [30, 60, 90] AS n
GROUP BY feat, n`,
  // triangle and lifecycle with the same bits as DuckDB, as UInt64:
  // bitShiftLeft(1, n) is a UInt8 (the type of its first argument) and a
  // signed shift makes the result signed, which groupBitOr refuses.  The
  // shift, negative before the first period, is computed on the rows the If
  // drops too, harmlessly.
  triangle: `
SELECT addMonths(${M0}, c) AS cohort, k AS period, count() AS cohort_users,
       countIf(bitAnd(months, bitShiftLeft(toUInt64(1), c + k)) != 0) AS retained_users,
       retained_users / cohort_users AS rate
FROM (
    SELECT c, months, arrayJoin(range(toUInt64(${PERIODS} - c))) AS k
    FROM (              -- per user: c the index of the first month, bit m set if active in the month ${MONTH0} + m
        SELECT toRelativeMonthNum(min(occurred_at)) - toRelativeMonthNum(${M0}) AS c,
               groupBitOrIf(bitShiftLeft(toUInt64(1), toUInt32(toRelativeMonthNum(occurred_at) - toRelativeMonthNum(${M0}))),
                            occurred_at >= toDateTime(${M0})) AS months
        FROM events WHERE occurred_at < toDateTime(toDate('${MONTHS_END}'))
        GROUP BY user_id
        HAVING c >= 0))
GROUP BY c, k`,
  lifecycle: `
SELECT ${W0} + 7 * i AS period_start,
       countIf(f = i) AS new_users,
       countIf(bitAnd(weeks, bitShiftLeft(toUInt64(1), i)) != 0
               AND bitAnd(weeks, bitShiftLeft(toUInt64(1), i - 1)) != 0) AS returning_users,
       countIf(bitAnd(weeks, bitShiftLeft(toUInt64(1), i)) != 0
               AND bitAnd(weeks, bitShiftLeft(toUInt64(1), i - 1)) = 0 AND f < i - 1) AS resurrecting_users,
       countIf(bitAnd(weeks, bitShiftLeft(toUInt64(1), i)) = 0
               AND bitAnd(weeks, bitShiftLeft(toUInt64(1), i - 1)) != 0) AS dormant_users
FROM (                  -- per user: f the week of the first event, bit w set if active in the week ${WEEK0} + 7 w
    SELECT toRelativeWeekNum(min(occurred_at)) - toRelativeWeekNum(${W0}) AS f,
           groupBitOrIf(bitShiftLeft(toUInt64(1), toUInt32(toRelativeWeekNum(occurred_at) - toRelativeWeekNum(${W0}))),
                        occurred_at >= toDateTime(${W0})) AS weeks
    FROM events WHERE occurred_at < toDateTime(toDate('${WEEKS_END}'))
    GROUP BY user_id)
ARRAY JOIN arrayMap(x -> x + 1, range(${PERIODS})) AS i
GROUP BY i`,
};
// the same with ClickHouse's retention() aggregate: its conditions need each
// row's start day, hence a join of the events with the first days
const CH_RETENTION_FN = { retention: `
SELECT feat AS feature, n AS day, count() AS cohort, countIf(start + n + 29 <= ${D}) AS eligible,
       countIf(start + n + 29 <= ${D} AND r[intDiv(n, 30) + 1] = 1) AS retained
FROM (
    SELECT user_id, feat, start,
           retention(day = start, day >= start + 30 AND day < start + 60,
                     day >= start + 60 AND day < start + 90, day >= start + 90 AND day < start + 120) AS r
    FROM (SELECT user_id, assumeNotNull(feature) AS feat, toDate(occurred_at) AS day FROM events
          WHERE feature IS NOT NULL AND occurred_at < toDateTime(${D} + 1))
    ALL INNER JOIN (
        SELECT user_id, assumeNotNull(feature) AS feat, min(toDate(occurred_at)) AS start FROM events
        WHERE feature IS NOT NULL AND occurred_at < toDateTime(${D} + 1)
        GROUP BY user_id, feat) USING (user_id, feat)
    GROUP BY user_id, feat, start)
ARRAY JOIN [30, 60, 90] AS n
GROUP BY feat, n` };


// ---------------------------------------------------------------------------
// Clients.  Every side returns its rows to this process (arrays of values,
// as text or numbers), so every timing includes handing over the result.
// ---------------------------------------------------------------------------
pg.types.setTypeParser(1082, (v) => v);          // dates as text
// two sessions: serial (the benchmark's setting), and with PostgreSQL's
// default of 2 parallel workers per Gather
async function pgSession(workers) {
  const c = new pg.Client();
  await c.connect();
  for (const s of [`SET max_parallel_workers_per_gather = ${workers}`, 'SET jit = off', "SET work_mem = '1GB'"]) {
    await c.query(s);
  }
  // libpq (psql, which made the export) honours PGTZ; node-postgres does not
  if (process.env.PGTZ) await c.query("SELECT set_config('TimeZone', $1, false)", [process.env.PGTZ]);
  return c;
}
const pgc = await pgSession(0);
const pgp = await pgSession(2);
const runPg = async (sql) => (await pgc.query({ text: sql, rowMode: 'array' })).rows;
const runPgParallel = async (sql) => (await pgp.query({ text: sql, rowMode: 'array' })).rows;
const pgRun = (mode) => (mode === 'parallel' ? runPgParallel : runPg);

const duck = await (await DuckDBInstance.create(':memory:')).connect();
const runDuck = async (sql) => (await duck.runAndReadAll(sql)).getRowsJson();

async function runCh(sql) {
  const res = await fetch(`http://127.0.0.1:${chPort}/`, { method: 'POST', body: `${sql}\nFORMAT TabSeparated` });
  const text = await res.text();
  if (!res.ok) throw new Error(`ClickHouse: ${text}`);
  return text.split('\n').filter((l) => l !== '').map((l) => l.split('\t').map((v) => (v === '\\N' ? null : v)));
}

const ENGINES = [['DuckDB', runDuck, DUCK], ['ClickHouse', runCh, CH], ['ClickHouse, retention()', runCh, CH_RETENTION_FN]];

// ---------------------------------------------------------------------------
// Load DuckDB (the ClickHouse load is done by run), record versions and threads
// ---------------------------------------------------------------------------
const t0 = performance.now();
await duck.run(`CREATE TABLE events AS SELECT * FROM read_csv('${eventsFile}', delim = '\t', header = false,
    quote = '', escape = '', nullstr = '\\N',
    columns = {'account_id': 'BIGINT', 'user_id': 'BIGINT', 'feature': 'VARCHAR', 'occurred_at': 'TIMESTAMP'})`);
await duck.run(`CREATE TABLE accounts AS SELECT * FROM read_csv('${accountsFile}', delim = '\t', header = false,
    quote = '', escape = '', nullstr = '\\N', columns = {'account_id': 'BIGINT', 'seats': 'INTEGER'})`);
const duckLoad = (performance.now() - t0) / 1000;
const [[duckVersion, duckThreads]] = await runDuck("SELECT version(), current_setting('threads')");
const [[chVersion, chThreads]] = await runCh("SELECT version(), value FROM system.settings WHERE name = 'max_threads'");
const [[pgVersion]] = await runPg('SELECT version()');
const counts = {
  postgresql: (await runPg('SELECT count(*) FROM events'))[0][0],
  duckdb: (await runDuck('SELECT count(*) FROM events'))[0][0],
  clickhouse: (await runCh('SELECT count() FROM events'))[0][0],
};
const [[pgTz]] = await runPg('SHOW TimeZone');
console.log(`PostgreSQL: ${pgVersion.split(',')[0]}, serial (max_parallel_workers_per_gather = 0) except the sides said to have 2 parallel workers, TimeZone ${pgTz}`);
console.log(`DuckDB ${duckVersion} (@duckdb/node-api, in memory, ${duckThreads} threads), loaded in ${duckLoad.toFixed(1)} s`);
console.log(`ClickHouse ${chVersion} (MergeTree ORDER BY tuple(), max_threads ${chThreads})`);
console.log(`events: ${JSON.stringify(counts)}`);
if (new Set(Object.values(counts).map(String)).size !== 1) throw new Error('the engines hold different event counts');

// ---------------------------------------------------------------------------
// Check: the same numbers everywhere (floats rounded to 9 decimals), or no
// timing at all
// ---------------------------------------------------------------------------
const norm = (cols, t) => cols.map(([c, ty]) => (ty === 'float8' ? `round(${t}.${c}::numeric, 9)` : `${t}.${c}`)).join(', ');
for (const [metric, cols] of Object.entries(COLUMNS)) {
  const def = cols.map(([c, ty]) => `${c} ${ty}`).join(', ');
  await pgc.query(`CREATE TEMP TABLE ref_${metric} (${def})`);
  await pgc.query(`INSERT INTO ref_${metric} ${PG.reference[metric]}`);
  const nref = Number((await runPg(`SELECT count(*) FROM ref_${metric}`))[0][0]);
  if (nref === 0) throw new Error(`${metric}: no reference rows`);
  if (metric === 'report') {
    const [[n7, nt]] = await runPg('SELECT count(*) FILTER (WHERE stickiness_7 IS NULL), count(*) FILTER (WHERE usage_trend_30 IS NULL) FROM ref_report');
    console.log(`reference report: ${nref} accounts, ${n7} with nobody active in the last 7 days, ${nt} with a NULL usage trend`);
  }
  for (const [side, run, q] of [...PG_SIDES.map(([, qs, names, mode]) => [names[metric], pgRun(mode), qs]), ...ENGINES]) {
    if (!q[metric]) continue;
    const rows = await run(q[metric]);
    const json = JSON.stringify(rows.map((r) => Object.fromEntries(cols.map(([c], i) => {
      let v = r[i];
      if (typeof v === 'bigint') v = v.toString();
      if (typeof v === 'number' && !Number.isFinite(v)) v = String(v);   // NaN, Infinity: not NULL
      return [c, v];
    }))));
    await pgc.query(`CREATE TEMP TABLE got (${def})`);
    await pgc.query('INSERT INTO got SELECT * FROM json_populate_recordset(NULL::got, $1::json)', [json]);
    const [[diff, n]] = await runPg(`
      SELECT (SELECT count(*) FROM (((SELECT ${norm(cols, 'r')} FROM ref_${metric} r)
                                     EXCEPT ALL (SELECT ${norm(cols, 'g')} FROM got g))
                                    UNION ALL ((SELECT ${norm(cols, 'g')} FROM got g)
                                     EXCEPT ALL (SELECT ${norm(cols, 'r')} FROM ref_${metric} r))) x),
             (SELECT count(*) FROM got)`);
    if (Number(diff) !== 0) {
      const sample = await runPg(`(SELECT 'want', ${norm(cols, 'r')} FROM ref_${metric} r EXCEPT ALL SELECT 'want', ${norm(cols, 'g')} FROM got g)
         UNION ALL (SELECT 'got', ${norm(cols, 'g')} FROM got g EXCEPT ALL SELECT 'got', ${norm(cols, 'r')} FROM ref_${metric} r)
         ORDER BY 2, 1 LIMIT 6`);
      console.error(sample.map((r) => r.join(' | ')).join('\n'));
      throw new Error(`${metric}: ${side} disagrees with the extension on ${diff} rows (${n} rows against ${nref})`);
    }
    await pgc.query('DROP TABLE got');
    console.log(`check ${metric}: ${side} equals the extension (${n} rows)`);
  }
}

// ---------------------------------------------------------------------------
// Timing: alternated over REPS repetitions, medians
// ---------------------------------------------------------------------------

const times = {};
for (let rep = 0; rep < REPS; rep++) {
  for (const metric of Object.keys(COLUMNS)) {
    for (const [side, run, q] of [...PG_SIDES.map(([key, qs, , mode]) => [key, pgRun(mode), qs]), ...ENGINES]) {
      if (!q[metric]) continue;
      const t = performance.now();
      await run(q[metric]);
      ((times[metric] ??= {})[side] ??= []).push((performance.now() - t) / 1000);
    }
  }
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (x) => (x >= 1 ? x.toFixed(2) : x >= 0.1 ? x.toFixed(3) : x.toFixed(4));
const NAMES = { floor: 'GROUP BY account_id count', report: 'per-account report',
  retention: 'per-feature 30/60/90 retention', triangle: `monthly retention triangle (${PERIODS} cohorts)`,
  lifecycle: `weekly lifecycle (${PERIODS} weeks)` };
console.log(`\nmedians of ${REPS} alternated runs, seconds (results checked equal first); ratio = engine seconds / PostgreSQL seconds`);
console.log('| metric | engine | seconds | PostgreSQL side | PostgreSQL seconds | ratio |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const metric of Object.keys(COLUMNS)) {
  for (const [key, qs, names] of PG_SIDES) {
    if (!qs[metric]) continue;
    const p = median(times[metric][key]);
    for (const [side, , q] of ENGINES) {
      if (!q[metric]) continue;
      const e = median(times[metric][side]);
      console.log(`| ${NAMES[metric]} | ${side} | ${fmt(e)} | ${names[metric]} | ${fmt(p)} | ${(e / p).toFixed(2)} |`);
    }
  }
}
console.log(`\nall runs: ${JSON.stringify(times, (k, v) => (typeof v === 'number' ? Number(v.toFixed(4)) : v))}`);
await pgc.end();
await pgp.end();
