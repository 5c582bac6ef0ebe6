#!/usr/bin/env bash
# The analysts' page in headless Chromium: serves a small generated database, opens `/` with an analyst's
# token, takes a screenshot, and checks that the chart drew its bars (#1f77b4) and ASR line (#d1242f)
# and that the table has one row per day; then that a wrong token draws no bars and shows the error.
# Needs `chromium` (Debian package). Usage: scripts/web-check.sh [cdrpipe binary]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/debug/cdrpipe}
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || { echo "web-check: needs chromium (apt-get install -y chromium)"; exit 2; }
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin" generate --rows 30000 --seed 77 --start 2026-03-01 --days 14 -o "$work/a.csv" >/dev/null
"$bin" ingest --db "$work/cdr.db" --no-fraud "$work/a.csv" >/dev/null
token=$("$bin" users add --db "$work/cdr.db" --role analyst page-check | grep -o 'cdr_[0-9a-f]*')
"$bin" serve --db "$work/cdr.db" --port 0 >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 50); do grep -q listening "$work/serve.log" && break; sleep 0.2; done
url=$(grep -o 'http://[^ ]*' "$work/serve.log")
[ -n "$url" ] || { cat "$work/serve.log"; exit 1; }

shoot() { # shoot NAME FRAGMENT: screenshot and DOM of the page
  "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,900 \
    --virtual-time-budget=8000 --screenshot="$work/$1.png" "$url#$2" >/dev/null 2>&1
  "$browser" --headless --no-sandbox --disable-gpu --virtual-time-budget=8000 --dump-dom "$url#$2" \
    2>/dev/null >"$work/$1.html"
}
status=0
shoot good "token=$token&from=2026-03-01&to=2026-03-14&by=day"
read -r bars line < <(python3 scripts/png_pixels.py "$work/good.png" 1f77b4 d1242f)
rows=$(grep -o '<td>2026-03-[0-9]*</td>' "$work/good.html" | wc -l)
echo "chart with a valid token: $bars bar pixels, $line ASR-line pixels, $rows day rows in the table"
[ "$bars" -gt 20000 ] || { echo "FAIL: the chart has no bars"; status=1; }
[ "$line" -gt 200 ] || { echo "FAIL: the chart has no ASR line"; status=1; }
[ "$rows" -eq 14 ] || { echo "FAIL: expected 14 day rows"; status=1; }

shoot bad "token=cdr_wrong&from=2026-03-01&to=2026-03-14&by=day"
read -r bars line < <(python3 scripts/png_pixels.py "$work/bad.png" 1f77b4 d1242f)
echo "chart with a wrong token: $bars bar pixels"
[ "$bars" -lt 100 ] || { echo "FAIL: bars drawn without a valid token"; status=1; }
grep -q '401' "$work/bad.html" || { echo "FAIL: the page does not show the 401"; status=1; }

if [ -n "${WEB_CHECK_KEEP:-}" ]; then cp "$work/good.png" "$WEB_CHECK_KEEP"; fi
[ $status -eq 0 ] && echo "web-check: ok"
exit $status
