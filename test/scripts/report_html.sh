#!/usr/bin/env bash
# The demo's web page (demo/report_html.sql), rendered by a real browser.
#
# In a fresh database holding generated data (data/generate.sql, the test
# suite's scale), it writes the page, opens it in headless Chromium, and
# checks that the rendered page shows the numbers SQL gives, computed here
# by separate queries over the events: per-feature retention at day 30, 60
# and 90 (table cells, curve labels, curve points and their positions), the
# monthly retention triangle's cells, and the scores and grades of the
# accounts shown. It also checks that the page is self-contained (nothing
# to fetch, no script). The page, the rendered DOM and a screenshot are
# kept in test/artifacts/.
#
# Runs with a server reachable through the PG* environment (test/run gives
# it one); ADOPTION_TEST_EVENTS and ADOPTION_TEST_SEED as in test/run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
bash test/install-deps chromium python3

EVENTS="${ADOPTION_TEST_EVENTS:-50000}"
SEED="${ADOPTION_TEST_SEED:-42}"
DB=adoption_test_report_html
ART="$ROOT/test/artifacts"
mkdir -p "$ART"
tmp="$(mktemp -d)"
chmod 755 "$tmp"
cleanup() { dropdb --if-exists "$DB" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT

psql=(psql -X -q -v ON_ERROR_STOP=1 -d "$DB")
dropdb --if-exists "$DB" >/dev/null 2>&1 || true
createdb "$DB"
"${psql[@]}" -c 'CREATE EXTENSION adoption'
"${psql[@]}" -v events="$EVENTS" -v seed="$SEED" -f data/generate.sql >/dev/null

# --- the page -----------------------------------------------------------------
"${psql[@]}" -f demo/report_html.sql >"$ART/report.html"
echo "page: $ART/report.html ($(stat -c %s "$ART/report.html") bytes)"

# --- the numbers, by separate queries -----------------------------------------
# rates as float8, as the page has them; lines "key|value": ret:FEATURE:DAY (one decimal; feature * for any
# activity), curve:FEATURE:DAY (whole per cent), point:FEATURE:DAY
# (rate|retained|eligible), tri:YYYY-MM:K (whole per cent), score:ACCOUNT,
# grade:ACCOUNT
"${psql[@]}" -At -F '|' >"$tmp/expected" <<'SQL'
\i demo/model.sql
CREATE TEMP TABLE s AS
SELECT account_id, activity_agg(user_id, occurred_at, feature) AS act FROM events GROUP BY 1;
CREATE TEMP TABLE fr AS
SELECT r.feature, r.day, sum(r.retained_users) AS retained, sum(r.eligible_users) AS eligible
FROM s, feature_retention(s.act, as_of => :as_of) r GROUP BY 1, 2
UNION ALL
SELECT '*', r.day, sum(r.retained_users), sum(r.eligible_users)
FROM s, retention(s.act, as_of => :as_of) r GROUP BY 2;
SELECT 'ret:' || feature || ':' || day,
       coalesce(to_char(100 * (retained::float8 / nullif(eligible, 0)), 'FM990.0'), '-') FROM fr;
SELECT 'curve:' || feature || ':' || day, to_char(100 * (retained::float8 / eligible), 'FM990')
FROM fr WHERE feature <> '*' AND eligible > 0;
SELECT 'point:' || feature || ':' || day,
       to_char(100 * (retained::float8 / eligible), 'FM990.0') || '|' || retained || '|' || eligible
FROM fr WHERE feature <> '*' AND eligible > 0;
SELECT 'tri:' || to_char(r.cohort, 'YYYY-MM') || ':' || r.period,
       to_char(100 * (sum(r.retained_users)::float8 / sum(r.cohort_users)), 'FM990')
FROM s, cohort_retention(s.act, 'month', 6, :as_of) r GROUP BY r.cohort, r.period;
WITH top AS (SELECT * FROM accounts ORDER BY seats DESC, account_id LIMIT 20),
sig AS (
    SELECT t.account_id, jsonb_strip_nulls(jsonb_build_object(
               'adoption_rate', CASE WHEN s.act IS NULL AND t.seats > 0 THEN 0
                                     ELSE adoption_rate(s.act, t.seats, :as_of) END,
               'dau_mau', stickiness(s.act, :as_of),
               'trend', usage_trend(s.act, :as_of))) AS signals
    FROM top t LEFT JOIN s USING (account_id))
SELECT k || ':' || account_id, v
FROM sig, LATERAL (VALUES ('score', coalesce(to_char(health_score(signals, :'health_model'), 'FM990'), '-')),
                          ('grade', coalesce(health_grade(signals, :'health_model'), '-'))) x(k, v);
SQL
echo "expected: $(wc -l <"$tmp/expected") figures from SQL"

# --- rendered by Chromium -----------------------------------------------------
chrome=(chromium --headless --disable-gpu --hide-scrollbars --no-first-run
        --user-data-dir="$tmp/profile" --window-size=1280,2600)
[[ "$(id -u)" -ne 0 ]] || chrome+=(--no-sandbox)
cp "$ART/report.html" "$tmp/report.html"
timeout 120 "${chrome[@]}" --dump-dom "file://$tmp/report.html" >"$ART/report.dom.html" 2>"$tmp/chromium.log" \
    || { cat "$tmp/chromium.log"; echo "FAIL: chromium --dump-dom"; exit 1; }
timeout 120 "${chrome[@]}" --screenshot="$tmp/report.png" "file://$tmp/report.html" >>"$tmp/chromium.log" 2>&1 \
    || { cat "$tmp/chromium.log"; echo "FAIL: chromium --screenshot"; exit 1; }
[[ -s "$tmp/report.png" ]] || { cat "$tmp/chromium.log"; echo "FAIL: no screenshot"; exit 1; }
cp "$tmp/report.png" "$ART/report.png"
echo "rendered DOM: $ART/report.dom.html ($(stat -c %s "$ART/report.dom.html") bytes)"
echo "screenshot: $ART/report.png"

# --- compare ------------------------------------------------------------------
python3 - "$ART/report.dom.html" "$ART/report.html" "$tmp/expected" <<'PY'
import re, sys
from html.parser import HTMLParser

dom_file, page_file, expected_file = sys.argv[1:4]
errors = []

class Figures(HTMLParser):
    """Texts of the elements carrying data-k, and every chart point."""
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.figures, self.points, self.tags = {}, [], {}
        self.key = self.circle = None
        self.text = ""
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if "data-k" in a:
            self.key, self.text = a["data-k"], ""
        if tag == "circle":
            self.circle = {"cy": float(a["cy"]), "title": ""}
        if tag == "title" and self.circle is not None:
            self.key, self.text = "title", ""
    def handle_data(self, data):
        if self.key is not None:
            self.text += data
    def handle_endtag(self, tag):
        if self.key == "title" and tag == "title":
            self.circle["title"] = self.text
            self.points.append(self.circle)
            self.circle = self.key = None
        elif self.key is not None and self.key != "title":
            if self.key in self.figures:
                errors.append("figure %s shown twice" % self.key)
            self.figures[self.key] = self.text.strip()
            self.key = None
        if tag == "circle":
            self.circle = None

with open(dom_file, encoding="utf-8") as f:
    dom = f.read()
p = Figures()
p.feed(dom)
shown = {k: re.sub(r"\s*%$", "", v) for k, v in p.figures.items()}

# the chart points: "FEATURE, day D: R % (RETAINED of ELIGIBLE users)",
# drawn at y = 104 - 90 * rate in the panel's coordinates (0 % at 104, 100 % at 14)
for c in p.points:
    m = re.fullmatch(r"(.+), day (\d+): ([\d.]+) % \((\d+) of (\d+) users\)", c["title"])
    if not m:
        errors.append("chart point with an unexpected title: %r" % c["title"])
        continue
    feature, day, rate, retained, eligible = m.groups()
    if day != "0":
        shown["point:%s:%s" % (feature, day)] = "%s|%s|%s" % (rate, retained, eligible)
    y = 104 - 90 * int(retained) / int(eligible)
    if abs(c["cy"] - y) > 0.06:
        errors.append("point %s day %s drawn at y=%s, its rate puts it at %.2f" % (feature, day, c["cy"], y))

expected = {}
with open(expected_file) as f:
    for line in f:
        k, v = line.rstrip("\n").split("|", 1)
        expected[k] = v

groups = {}
for k in expected:
    groups.setdefault(k.split(":")[0], set()).add(k)
for k in sorted(expected):
    if k not in shown:
        errors.append("%s = %s: not on the page" % (k, expected[k]))
    elif shown[k] != expected[k]:
        errors.append("%s: the page shows %r, SQL gives %r" % (k, shown[k], expected[k]))
for k in sorted(shown):
    if k.split(":")[0] in groups and k not in expected:
        errors.append("%s = %s: on the page, not in the SQL results" % (k, shown[k]))
for g in ("ret", "curve", "point", "tri", "score", "grade"):
    n = len(groups.get(g, ()))
    if n == 0:
        errors.append("no %s figure to compare" % g)
    print("  %-6s %3d figures compared" % (g, n))

# every grade badge is coloured by its grade
for m in re.finditer(r'<span class="badge (\w+)" data-k="grade:(\d+)">(\w+)</span>', dom):
    if m.group(1) != m.group(3):
        errors.append("account %s: badge class %s, grade %s" % (m.group(2), m.group(1), m.group(3)))

# the charts: 12 or so retention panels and the heat map, all inline SVG
if p.tags.get("svg", 0) < 10 or p.tags.get("polyline", 0) < 2 or p.tags.get("rect", 0) < 10:
    errors.append("charts missing: %r" % {t: p.tags.get(t, 0) for t in ("svg", "polyline", "rect")})

# self-contained: nothing to fetch, no script
with open(page_file, encoding="utf-8") as f:
    page = f.read()
for what, rx in (("an external reference", r"""(?:src|href|srcset|xlink:href)\s*=\s*["']?\s*(?!#)"""),
                 ("a CSS url() outside the page", r"url\(\s*['\"]?\s*(?!#)"),
                 ("a CSS @import", r"@import"),
                 ("a script", r"<script"),
                 ("a link element", r"<link\b"),
                 ("an embedded frame or object", r"<(?:iframe|object|embed)\b")):
    m = re.search(rx, page, re.I)
    if m:
        errors.append("the page holds %s: %r" % (what, page[max(0, m.start() - 40):m.end() + 40]))

for e in errors[:40]:
    print("FAIL: " + e)
if errors:
    print("%d mismatches" % len(errors))
    sys.exit(1)
print("the rendered page shows the numbers SQL gives")
PY
