#!/usr/bin/env bash
# API load benchmark: three classes of client at once over loopback against six years of aggregates (the
# database benchmarks/retention.sh builds), while an ingest keeps loading new files into the same database:
#   cached   200 connections of analysts' six-year aggregate queries (4 queries, answered from the cache
#            between the ingest's commits);
#   slow      20 connections, each request a new random date range by day,country,type (never cached);
#   operator  10 connections of /v1/files.
# Prints req/s, errors (non-2xx, timeouts, socket errors) and p50/p99/max per class, beside wrk against
# /healthz alone on the same server (the HTTP floor: no auth, no database) as the baseline.
# Goals: 0 errors in the cached and operator classes, cached p99 < 50 ms, operator p99 < 200 ms. Slow queries
# over the time limit are answered 503 by design and counted apart.
# BIN=/path/to/cdrpipe serves with another build (an older one, for a before-and-after).
# Usage: [READERS=N] [BIN=PATH] benchmarks/api.sh [SECONDS] [CONNECTIONS]   (needs wrk and sqlite3: apt-get install -y wrk sqlite3)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20}
connections=${2:-200}
data=bench-data
command -v wrk >/dev/null || { echo "needs wrk (apt-get install -y wrk)"; exit 2; }
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 CLI (apt-get install -y sqlite3)"; exit 2; }
years=$data/aggregates-6y.db
[ -s "$years" ] || { echo "building six years of aggregates first ..."; benchmarks/retention.sh >/dev/null; }
swift build -c release --product cdrpipe >/dev/null
bin=${BIN:-.build/release/cdrpipe}
db=$data/api-bench.db
rm -rf "$db" "$db"-wal "$db"-shm "$db.keys" "$data"/api-load-*.csv
cp "$years" "$db"
analyst=$($bin users add --db "$db" --role analyst "analyst-$$" | grep -o 'cdr_[0-9a-f]*')
operator=$($bin users add --db "$db" --role operator "operator-$$" | grep -o 'cdr_[0-9a-f]*')
range=$(sqlite3 "$db" "SELECT date(min(day) * 86400, 'unixepoch'), date(max(day) * 86400, 'unixepoch'),
  min(day), max(day) FROM aggregates")
IFS='|' read -r from to first last <<<"$range"
cells=$(sqlite3 "$db" "SELECT count(*) FROM aggregates")
$bin serve --db "$db" --port 0 ${READERS:+--readers "$READERS"} >"$data/api-serve.log" 2>&1 &
server=$!
loader=""
trap 'kill $server $loader 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q listening "$data/api-serve.log" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$data/api-serve.log" | sed 's#/$##')

source benchmarks/wrk-classes.sh
wrk_classes "$data" "" "$analyst" "$operator" "$first" "$last" 30 200 \
  "/v1/aggregates?from=$from&to=$to&by=month" "/v1/aggregates?from=$from&to=$to&by=day" \
  "/v1/aggregates?from=$from&to=$to&by=country,type" \
  "/v1/aggregates?from=$from&to=$to&by=month,direction,disposition"

one=$(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $analyst" \
  "$url/v1/aggregates?from=$from&to=$to&by=day,country,type") || { echo "the query failed"; cat "$data/api-serve.log"; exit 1; }
echo "six years of aggregates: $cells cells, $from .. $to; one uncached six-year by=day,country,type query alone: $(echo "$one * 1000" | bc -l | xargs printf '%.0f') ms"

# The ingest running beside the load: new 200k-row files (a new seed each), one after another, into the
# served database.
(
  n=0
  while true; do
    n=$((n + 1))
    $bin generate --rows 200000 --seed $((1000 + n)) --days 2 -o "$data/api-load-$n.csv" >/dev/null
    $bin ingest --db "$db" --no-fraud --rejects "$data/api-load.rejects.jsonl" "$data/api-load-$n.csv" \
      >/dev/null 2>&1 || true
    rm -f "$data/api-load-$n.csv"
  done
) &
loader=$!

wrk -t1 -c50 -d2s -s "$data/cached.lua" "$url/" >/dev/null 2>&1   # warm-up, not counted
wrk -t1 -c"$connections" -d"${duration}s" --timeout 10s -s "$data/cached.lua" "$url/" >"$data/wrk-cached.txt" 2>&1 &
a=$!
wrk -t1 -c20 -d"${duration}s" --timeout 30s -s "$data/slow.lua" "$url/" >"$data/wrk-slow.txt" 2>&1 &
b=$!
wrk -t1 -c10 -d"${duration}s" --timeout 10s -s "$data/operator.lua" "$url/" >"$data/wrk-operator.txt" 2>&1 &
c=$!
wait $a $b $c
kill $loader 2>/dev/null || true
wait $loader 2>/dev/null || true
loader=""
loaded=$(sqlite3 "$db" "SELECT count(*) FROM records")
wrk -t1 -c"$connections" -d5s --timeout 10s -s "$data/report.lua" "$url/healthz" >"$data/wrk-healthz.txt" 2>&1

printf '%-46s %9s %7s %9s %9s %9s\n' class "req/s" errors "p50 ms" "p99 ms" "max ms"
line() {
  local name=$1 file=$2
  read -r _ requests errors rate p50 p99 max status < <(grep RESULT "$file")
  printf '%-46s %9s %7s %9s %9s %9s\n' "$name" "$rate" "$errors" "$p50" "$p99" "$max"
  echo "$errors $p99" >"$file.figures"
}
line "/healthz alone, $connections connections (baseline)" "$data/wrk-healthz.txt"
line "cached aggregates, $connections connections" "$data/wrk-cached.txt"
line "slow uncached aggregates, 20 connections" "$data/wrk-slow.txt"
line "operator /v1/files, 10 connections" "$data/wrk-operator.txt"
echo "ingest running throughout: $loaded records in the database at the end"
read -r cached_errors cached_p99 <"$data/wrk-cached.txt.figures"
read -r operator_errors operator_p99 <"$data/wrk-operator.txt.figures"
read -r slow_errors _ <"$data/wrk-slow.txt.figures"
verdict() { [ "$(echo "$1" | bc -l)" = 1 ] && echo met || echo "NOT met"; }
echo "goal: 0 errors (cached, operator): $(verdict "$cached_errors + $operator_errors == 0"); cached p99 < 50 ms: $(verdict "$cached_p99 < 50"); operator p99 < 200 ms: $(verdict "$operator_p99 < 200")"
echo "slow queries answered 503 (time limit or queue full, by design): $slow_errors; see $data/api-serve.log"
