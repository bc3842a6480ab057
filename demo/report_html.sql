-- demo/report_html.sql: the demo report (demo/report.sql) as one
-- self-contained web page, written to standard output:
--
--   psql -X -q -v ON_ERROR_STOP=1 -f demo/report_html.sql > report.html
--
-- Plain HTML, CSS and inline SVG charts, drawn here from the report's
-- numbers (demo/prepare.sql); no script, nothing fetched from a network.
-- Every figure the test (test/scripts/report_html.sh) compares with SQL carries a
-- data-k attribute naming it.
\ir prepare.sql
\pset format unaligned
\pset tuples_only on
\pset footer off

-- HTML-escaped text
CREATE FUNCTION pg_temp.h(text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT replace(replace(replace(replace($1, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;')
$$;
-- a fraction as a percentage with d decimals
CREATE FUNCTION pg_temp.pct(r float8, d int) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN d = 0 THEN to_char(100 * r, 'FM990')
                ELSE to_char(100 * r, 'FM990.' || repeat('0', d)) END
$$;
-- a colour of the heat-map scale (yellow-green, teal, deep blue) at t in [0, 1]
CREATE FUNCTION pg_temp.heat(t float8) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT '#' || string_agg(lpad(to_hex(round(CASE WHEN u < 0.5 THEN a + (b - a) * u * 2
                                                    ELSE b + (c - b) * (u - 0.5) * 2 END)::int), 2, '0'),
                             '' ORDER BY i)
    FROM (SELECT greatest(0, least(1, coalesce(t, 0))) AS u) x,
         (VALUES (1, 237, 65, 37), (2, 248, 182, 52), (3, 177, 196, 148)) v(i, a, b, c)
$$;
-- a horizontal bar of width w for a fraction r
CREATE FUNCTION pg_temp.bar(r float8, w int, colour text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT format('<svg class="bar" width="%s" height="8" viewBox="0 0 %s 8" aria-hidden="true">'
                  '<rect width="%s" height="8" rx="4" fill="#e9edf2"/>'
                  '<rect width="%s" height="8" rx="4" fill="%s"/></svg>',
                  w, w, w, round((greatest(0, least(1, coalesce(r, 0))) * w)::numeric, 1), colour)
$$;

-- the page head and the tiles
SELECT $html$<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Adoption report</title>
<style>
:root{--ink:#1f2933;--muted:#687485;--line:#e3e7ed;--bg:#f3f5f8;--card:#fff;--accent:#2f6fde;
--green:#2f9e5d;--yellow:#dc9b00;--red:#d64545}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans","DejaVu Sans",sans-serif}
main{max-width:1200px;margin:0 auto;padding:28px 24px 36px}
h1{font-size:26px;margin:0 0 2px;letter-spacing:-.01em}
.sub{color:var(--muted);margin:0}
.tiles{display:grid;grid-template-columns:repeat(4,1fr);gap:14px;margin:20px 0 4px}
.tile,section{background:var(--card);border-radius:10px;box-shadow:0 1px 2px rgba(16,24,40,.06),0 1px 3px rgba(16,24,40,.08)}
.tile{padding:14px 16px}
.tile .k{color:var(--muted);font-size:11.5px;text-transform:uppercase;letter-spacing:.05em;font-weight:600}
.tile .v{font-size:27px;font-weight:650;margin:2px 0 2px;font-variant-numeric:tabular-nums}
.tile .s{color:var(--muted);font-size:12.5px}
section{padding:18px 20px 16px;margin:18px 0}
h2{font-size:17px;margin:0 0 2px}
.note{color:var(--muted);font-size:12.5px;margin:0 0 12px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th{font-size:11.5px;color:var(--muted);font-weight:600;text-align:right;padding:6px 8px;
border-bottom:1px solid var(--line);text-transform:uppercase;letter-spacing:.03em;white-space:nowrap}
td{padding:5px 8px;text-align:right;border-bottom:1px solid #eef1f4;white-space:nowrap}
tr:last-child td{border-bottom:0}
th.l,td.l{text-align:left}
tr.total td{border-top:1px solid var(--line);font-weight:600}
tr.red td{background:#fdf4f4}
.badge{display:inline-block;min-width:60px;text-align:center;padding:1px 8px;border-radius:999px;
font-size:12px;font-weight:600;color:#fff}
.badge.green{background:var(--green)}.badge.yellow{background:var(--yellow)}.badge.red{background:var(--red)}
.up{color:var(--green)}.down{color:var(--red)}.muted{color:var(--muted)}
td.weak{color:var(--muted);font-size:12px;text-align:left;white-space:normal}
svg.bar{vertical-align:middle;margin-left:8px}
.curves{display:grid;grid-template-columns:repeat(4,1fr);gap:10px;margin-top:14px}
.curve{border:1px solid var(--line);border-radius:8px;padding:7px 8px 0}
.curve h3{font-size:13px;margin:0 2px;display:flex;justify-content:space-between;align-items:baseline}
.curve h3 span{color:var(--muted);font-weight:400;font-size:11.5px}
.legend{display:flex;gap:18px;color:var(--muted);font-size:12px;align-items:center}
.legend svg{vertical-align:middle;margin-right:5px}
svg text{font-family:inherit}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:8px}
</style>
</head>
<body>
<main>
$html$;

SELECT format('<header><h1>Adoption report</h1>'
              '<p class="sub">As of <b>%s</b> &middot; %s accounts, %s users, %s events from %s to %s'
              ' &middot; windows: the 30 days up to %s</p></header>',
              to_char(date :as_of, 'FMDD Month YYYY'), s.accounts, to_char(s.users, 'FM999,999,999'),
              to_char(s.events, 'FM999,999,999,999'), s.first_day, s.last_day, to_char(date :as_of, 'FMDD Mon'))
FROM sample s;

WITH a AS (
    SELECT count(*) AS accounts,
           count(*) FILTER (WHERE active > 0) AS active_accounts,
           sum(active) AS active, sum(seats) AS seats,
           count(*) FILTER (WHERE grade = 'green') AS green,
           count(*) FILTER (WHERE grade = 'yellow') AS yellow,
           count(*) FILTER (WHERE grade = 'red') AS red
    FROM account_report),
r AS (SELECT * FROM retention_report WHERE feature IS NULL AND day = 90),
w AS (SELECT 250.0 / greatest(green + yellow + red, 1) AS u FROM a)
SELECT format('<div class="tiles">'
              '<div class="tile"><div class="k">Accounts</div><div class="v">%s</div>'
              '<div class="s">%s with active users in the last 30 days</div></div>'
              '<div class="tile"><div class="k">Active users, 30 days</div><div class="v">%s</div>'
              '<div class="s">%s %% of %s seats</div></div>'
              '<div class="tile"><div class="k">Account health</div>'
              '<svg width="100%%" height="14" viewBox="0 0 250 14" preserveAspectRatio="none" style="margin:11px 0 7px">'
              '<rect x="0" width="%s" height="14" fill="var(--green)"/>'
              '<rect x="%s" width="%s" height="14" fill="var(--yellow)"/>'
              '<rect x="%s" width="%s" height="14" fill="var(--red)"/></svg>'
              '<div class="s"><b class="up">%s green</b> &middot; <b style="color:var(--yellow)">%s yellow</b>'
              ' &middot; <b class="down">%s red</b></div></div>'
              '<div class="tile"><div class="k">Retained at day 90</div><div class="v">%s %%</div>'
              '<div class="s">of %s eligible users, any feature</div></div>'
              '</div>',
              a.accounts, a.active_accounts, to_char(a.active, 'FM999,999,999'),
              coalesce(pg_temp.pct(a.active::float8 / nullif(a.seats, 0), 0), '-'), to_char(a.seats, 'FM999,999,999'),
              round(a.green * w.u, 2), round(a.green * w.u, 2), round(a.yellow * w.u, 2),
              round((a.green + a.yellow) * w.u, 2), round(a.red * w.u, 2),
              a.green, a.yellow, a.red,
              coalesce(pg_temp.pct(r.rate, 0), '-'), to_char(r.eligible, 'FM999,999,999'))
FROM a CROSS JOIN w LEFT JOIN r ON true;

-- accounts
\echo '<section id="accounts"><h2>Accounts</h2>'
\echo '<p class="note">The 20 largest accounts by seats. Health scores adoption (active users / seats), DAU/MAU and the 30-day usage trend from 0 to 100 and grades them red below 40, green from 70; the weak components score below 50.</p>'
\echo '<table><thead><tr><th class="l">Account</th><th class="l">Segment</th><th>Seats</th><th>Active</th><th>Adoption</th><th>DAU/MAU</th><th>Features / user</th><th>Trend</th><th>Top user</th><th>Score</th><th>Health</th><th class="l">Weak components</th></tr></thead><tbody>'
SELECT string_agg(format(
           '<tr class="%s" data-account="%s"><td class="l"><b>%s</b></td><td class="l">%s</td><td>%s</td><td>%s</td>'
           '<td>%s%s</td><td>%s</td><td>%s</td><td class="%s">%s</td><td>%s</td>'
           '<td><span data-k="score:%s">%s</span>%s</td>'
           '<td><span class="badge %s" data-k="grade:%s">%s</span></td><td class="weak">%s</td></tr>',
           grade, account_id, account_id, pg_temp.h(segment), seats, active,
           coalesce(pg_temp.pct(adoption, 0) || ' %', '-'), pg_temp.bar(adoption, 60, 'var(--accent)'),
           coalesce(to_char(dau_mau, 'FM0.00'), '-'), coalesce(to_char(depth, 'FM990.0'), '-'),
           CASE WHEN trend > 0 THEN 'up' WHEN trend < 0 THEN 'down' ELSE 'muted' END,
           coalesce(to_char(100 * trend, 'FMS990') || ' %', '-'),
           coalesce(pg_temp.pct(top_share, 0) || ' %', '-'),
           account_id, coalesce(to_char(score, 'FM990'), '-'),
           pg_temp.bar(score / 100, 50, 'var(--' || coalesce(grade, 'muted') || ')'),
           grade, account_id, coalesce(grade, '-'),
           coalesce(pg_temp.h(replace(replace(weak, 'adoption_rate', 'adoption'), 'dau_mau', 'DAU/MAU')), '')),
           E'\n' ORDER BY seats DESC, account_id)
FROM (SELECT * FROM account_report ORDER BY seats DESC, account_id LIMIT 20) a;
\echo '</tbody></table></section>'

-- feature retention: the table
\echo '<section id="features"><h2>Feature retention</h2>'
\echo '<p class="note">Users: ever; active: in the last 30 days. Retention at day N: the share of the users eligible at N (whose first use of the feature is at least N + 30 days old) active on it in days N to N + 29 after that first use. The last row counts any activity.</p>'
\echo '<table><thead><tr><th class="l">Feature</th><th>Users</th><th>Active</th><th>Day 30</th><th>Day 60</th><th>Day 90</th></tr></thead><tbody>'
WITH cell AS (
    SELECT feature, day,
           format('<td title="%s of %s eligible users"><span data-k="ret:%s:%s">%s</span> %%%s</td>',
                  retained, eligible, coalesce(pg_temp.h(feature), '*'), day, coalesce(pg_temp.pct(rate, 1), '-'),
                  pg_temp.bar(rate, 90, CASE WHEN feature IS NULL THEN '#8a96a6' ELSE 'var(--accent)' END)) AS td
    FROM retention_report)
SELECT string_agg(format('<tr%s><td class="l">%s</td><td>%s</td><td>%s</td>%s%s%s</tr>',
                         CASE WHEN f.feature IS NULL THEN ' class="total"' ELSE '' END,
                         coalesce(pg_temp.h(f.feature), 'any feature'), f.users, f.active,
                         coalesce(c30.td, '<td>-</td>'), coalesce(c60.td, '<td>-</td>'),
                         coalesce(c90.td, '<td>-</td>')),
                  E'\n' ORDER BY f.feature IS NULL, f.users DESC, f.feature)
FROM feature_report f
LEFT JOIN cell c30 ON c30.feature IS NOT DISTINCT FROM f.feature AND c30.day = 30
LEFT JOIN cell c60 ON c60.feature IS NOT DISTINCT FROM f.feature AND c60.day = 60
LEFT JOIN cell c90 ON c90.feature IS NOT DISTINCT FROM f.feature AND c90.day = 90;
\echo '</tbody></table>'

-- feature retention: one curve per feature (day 0 to 90), against any activity
\echo '<div class="legend" style="margin-top:16px"><span><svg width="22" height="8"><line x1="0" y1="4" x2="22" y2="4" stroke="#2f6fde" stroke-width="2.5"/></svg>the feature</span><span><svg width="22" height="8"><line x1="0" y1="4" x2="22" y2="4" stroke="#9aa5b4" stroke-width="1.5" stroke-dasharray="4 3"/></svg>any feature</span><span>retention at day 0, 30, 60, 90; labels in per cent</span></div>'
\echo '<div class="curves">'
WITH geo AS (SELECT 30.0 AS x0, 270.0 AS x1, 14.0 AS y0, 104.0 AS y1),
pts AS (
    SELECT r.feature, r.day, r.rate, r.retained, r.eligible,
           round(g.x0 + (g.x1 - g.x0) * r.day / 90.0, 1) AS x,
           round(g.y1 - (g.y1 - g.y0) * r.rate::numeric, 1) AS y
    FROM retention_report r, geo g WHERE r.rate IS NOT NULL),
anyline AS (
    SELECT string_agg(x || ',' || y, ' ' ORDER BY day) AS line FROM pts WHERE feature IS NULL),
grid AS (
    SELECT string_agg(format('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#eceff3"/>'
                             '<text x="%s" y="%s" font-size="9" fill="#8a96a6" text-anchor="end">%s</text>',
                             g.x0, y, g.x1, y, g.x0 - 4, y + 3, v || '%'), '' ORDER BY v) AS svg
    FROM geo g, LATERAL (SELECT v, round(g.y1 - (g.y1 - g.y0) * v / 100.0, 1) AS y
                         FROM unnest('{0,50,100}'::int[]) v) t),
xgrid AS (
    SELECT string_agg(format('<text x="%s" y="%s" font-size="9" fill="#8a96a6" text-anchor="middle">%s</text>',
                             round(g.x0 + (g.x1 - g.x0) * d / 90.0, 1), g.y1 + 13, d), '' ORDER BY d) AS svg
    FROM geo g, unnest('{0,30,60,90}'::int[]) d),
panel AS (
    SELECT f.feature, f.users,
           format('<div class="curve"><h3>%s<span>%s users</span></h3>'
                  '<svg width="100%%" viewBox="0 0 280 122" role="img" aria-label="retention of %s">'
                  '%s%s<polyline points="%s" fill="none" stroke="#9aa5b4" stroke-width="1.5" stroke-dasharray="4 3"/>'
                  '<polyline points="%s" fill="none" stroke="#2f6fde" stroke-width="2.5" stroke-linejoin="round"/>%s</svg></div>',
                  pg_temp.h(f.feature), f.users, pg_temp.h(f.feature),
                  (SELECT svg FROM grid), (SELECT svg FROM xgrid), (SELECT line FROM anyline),
                  string_agg(p.x || ',' || p.y, ' ' ORDER BY p.day),
                  string_agg(format('<circle cx="%s" cy="%s" r="3" fill="#2f6fde"><title>%s, day %s: %s %% (%s of %s users)</title></circle>'
                                    '%s',
                                    p.x, p.y, pg_temp.h(f.feature), p.day, pg_temp.pct(p.rate, 1), p.retained, p.eligible,
                                    CASE WHEN p.day > 0 THEN
                                        format('<text x="%s" y="%s" font-size="10" font-weight="600" fill="#1f2933" text-anchor="middle" data-k="curve:%s:%s">%s</text>',
                                               p.x, p.y - 7, pg_temp.h(f.feature), p.day, pg_temp.pct(p.rate, 0))
                                    ELSE '' END),
                             '' ORDER BY p.day)) AS html
    FROM feature_report f JOIN pts p ON p.feature = f.feature
    GROUP BY f.feature, f.users)
SELECT string_agg(html, E'\n' ORDER BY users DESC, feature) FROM panel;
\echo '</div></section>'

-- the monthly retention triangle as a heat map
\echo '<section id="triangle"><h2>Monthly retention triangle</h2>'
\echo '<p class="note">Users grouped by the month of their first activity (the cohort); month k is the k-th calendar month after it; each cell is the share of the cohort active in that month.</p>'
WITH dom AS (
    -- the colour scale runs from the lowest cell (rounded down to 10 %) to 100 %
    SELECT least(floor(min(rate) * 10) / 10, 0.9) AS lo FROM triangle_report),
co AS (
    SELECT cohort, max(users) AS users, row_number() OVER (ORDER BY cohort) - 1 AS i
    FROM triangle_report GROUP BY cohort),
dim AS (
    SELECT 130 AS lx, 88 AS cw, 36 AS ch, 30 AS top, (SELECT count(*) FROM co) AS n,
           greatest((SELECT max(period) + 1 FROM triangle_report), 1) AS m),
cells AS (
    SELECT string_agg(format('<g><rect x="%s" y="%s" width="%s" height="%s" rx="5" fill="%s"/>'
                             '<text x="%s" y="%s" font-size="12.5" font-weight="600" fill="%s" text-anchor="middle"'
                             ' data-k="tri:%s:%s">%s %%</text><title>%s, month %s: %s of %s users</title></g>',
                             d.lx + t.period * d.cw + 2, d.top + co.i * d.ch + 2, d.cw - 4, d.ch - 4,
                             pg_temp.heat((t.rate - dom.lo) / (1 - dom.lo)),
                             d.lx + t.period * d.cw + d.cw / 2, d.top + co.i * d.ch + d.ch / 2 + 4,
                             CASE WHEN (t.rate - dom.lo) / (1 - dom.lo) > 0.45 THEN '#fff' ELSE '#1f2933' END,
                             to_char(t.cohort, 'YYYY-MM'), t.period, pg_temp.pct(t.rate, 0),
                             to_char(t.cohort, 'YYYY-MM'), t.period, t.retained, t.users),
                      '' ORDER BY t.cohort, t.period) AS svg
    FROM triangle_report t JOIN co USING (cohort), dim d, dom),
labels AS (
    SELECT string_agg(format('<text x="0" y="%s" font-size="13" font-weight="600" fill="#1f2933">%s</text>'
                             '<text x="%s" y="%s" font-size="11.5" fill="#687485" text-anchor="end">%s users</text>',
                             d.top + co.i * d.ch + d.ch / 2 + 4, to_char(co.cohort, 'Mon YYYY'),
                             d.lx - 10, d.top + co.i * d.ch + d.ch / 2 + 4, co.users), '' ORDER BY co.i) AS svg
    FROM co, dim d),
heads AS (
    SELECT string_agg(format('<text x="%s" y="%s" font-size="11" fill="#687485" text-anchor="middle">month %s</text>',
                             d.lx + k * d.cw + d.cw / 2, d.top - 10, k), '' ORDER BY k) AS svg
    FROM dim d, generate_series(0, d.m - 1) k),
legend AS (
    SELECT format('<defs><linearGradient id="heat"><stop offset="0" stop-color="%s"/><stop offset="0.5" stop-color="%s"/>'
                  '<stop offset="1" stop-color="%s"/></linearGradient></defs>'
                  '<rect x="%s" y="%s" width="200" height="10" rx="3" fill="url(#heat)"/>'
                  '<text x="%s" y="%s" font-size="11" fill="#687485" text-anchor="end">%s %%</text>'
                  '<text x="%s" y="%s" font-size="11" fill="#687485">100 %%</text>',
                  pg_temp.heat(0), pg_temp.heat(0.5), pg_temp.heat(1),
                  d.lx + 40, d.top + d.n * d.ch + 14,
                  d.lx + 34, d.top + d.n * d.ch + 23, pg_temp.pct(dom.lo, 0),
                  d.lx + 246, d.top + d.n * d.ch + 23) AS svg
    FROM dim d, dom)
SELECT format('<svg width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-label="monthly retention triangle">%s%s%s%s</svg>',
              d.lx + d.m * d.cw, d.top + d.n * d.ch + 32, d.lx + d.m * d.cw, d.top + d.n * d.ch + 32,
              (SELECT svg FROM heads), (SELECT svg FROM labels), coalesce((SELECT svg FROM cells), ''),
              (SELECT svg FROM legend))
FROM dim d;
\echo '</section>'

SELECT format('<footer>adoption %s &middot; report as of %s</footer>',
              (SELECT extversion FROM pg_extension WHERE extname = 'adoption'), date :as_of);
\echo '</main>'
\echo '</body>'
\echo '</html>'
