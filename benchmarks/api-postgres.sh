#!/usr/bin/env bash
# API load benchmark on PostgreSQL: three classes of client at once over loopback against `cdrpipe serve
# --db postgres://…` holding 60 days of full records (every aggregate answer rolled up from the records on
# the fly, the heaviest path):
#   cached   100 connections of four 60-day aggregate queries (answered from the cache; each request still
#            reads the data version and checks its token);
#   slow      10 connections, each request a new random date range by day,country,type (never cached);
#   operator  10 connections of /v1/files.
# Prints req/s, errors and p50/p99/max per class, beside wrk against /healthz alone on the same server (the
# HTTP floor) as the baseline. With BEFORE=/path/to/an/older/cdrpipe it runs the same load against that
# binary too, on the same database, and prints its rows beneath: the before-and-after of a change.
# Usage: [BEFORE=BIN] benchmarks/api-postgres.sh [SECONDS] [ROWS]   (defaults 15, 300000; needs wrk and psql;
# starts a throwaway server unless CDRPIPE_TEST_POSTGRES names one)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${CDRPIPE_TEST_POSTGRES:-}" ]; then exec scripts/with-postgres.sh "$0" "$@"; fi
duration=${1:-15}
rows=${2:-300000}
data=bench-data
mkdir -p "$data"
command -v wrk >/dev/null || { echo "needs wrk (apt-get install -y wrk)"; exit 2; }
swift build -c release --product cdrpipe >/dev/null
after=.build/release/cdrpipe
admin=$CDRPIPE_TEST_POSTGRES
db=${admin%/*}/bench_api
psql "$admin" -X -q -c "DROP DATABASE IF EXISTS bench_api" -c "CREATE DATABASE bench_api" >/dev/null
file=$data/api-pg-$rows.csv
[ -s "$file" ] || $after generate --rows "$rows" --seed 77 --days 60 -o "$file" >/dev/null
$after ingest --db "$db" --no-fraud --rejects "$data/api-pg.rejects.jsonl" "$file" >/dev/null
range=$(psql "$db" -X -t -A -F'|' -c "SELECT to_char(to_timestamp(min(start_at)) AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
  to_char(to_timestamp(max(start_at)) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), min(start_at) / 86400, max(start_at) / 86400
  FROM records")
IFS='|' read -r from to first last <<<"$range"
analyst=$($after users add --db "$db" --role analyst "analyst-$$" | grep -o 'cdr_[0-9a-f]*')
operator=$($after users add --db "$db" --role operator "operator-$$" | grep -o 'cdr_[0-9a-f]*')

source benchmarks/wrk-classes.sh
wrk_classes "$data" pg- "$analyst" "$operator" "$first" "$last" 3 10 \
  "/v1/aggregates?from=$from&to=$to&by=day" "/v1/aggregates?from=$from&to=$to&by=country,type" \
  "/v1/aggregates?from=$from&to=$to&by=direction,disposition" "/v1/aggregates?from=$from&to=$to&by=carrier"

line() {
  local name=$1 file=$2
  read -r _ requests errors rate p50 p99 max status < <(grep RESULT "$file")
  printf '%-52s %9s %7s %9s %9s %9s\n' "$name" "$rate" "$errors" "$p50" "$p99" "$max"
}

run() { # run LABEL BIN
  local label=$1 bin=$2 server url
  $bin serve --db "$db" --key-dir "$data/api-pg.keys" --port 0 >"$data/api-pg-serve.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do grep -q listening "$data/api-pg-serve.log" && break; sleep 0.1; done
  grep -q listening "$data/api-pg-serve.log" || { echo "$label: the server did not start:"; cat "$data/api-pg-serve.log"; exit 1; }
  url=$(grep -o 'http://[^ ]*' "$data/api-pg-serve.log" | sed 's#/$##')
  wrk -t1 -c20 -d2s -s "$data/pg-cached.lua" "$url/" >/dev/null 2>&1 # warm-up, not counted
  wrk -t1 -c100 -d"${duration}s" --timeout 10s -s "$data/pg-cached.lua" "$url/" >"$data/pg-wrk-cached.txt" 2>&1 &
  local a=$!
  wrk -t1 -c10 -d"${duration}s" --timeout 30s -s "$data/pg-slow.lua" "$url/" >"$data/pg-wrk-slow.txt" 2>&1 &
  local b=$!
  wrk -t1 -c10 -d"${duration}s" --timeout 10s -s "$data/pg-operator.lua" "$url/" >"$data/pg-wrk-operator.txt" 2>&1 &
  local c=$!
  wait $a $b $c
  wrk -t1 -c100 -d5s --timeout 10s -s "$data/report.lua" "$url/healthz" >"$data/pg-wrk-healthz.txt" 2>&1
  kill $server 2>/dev/null || true
  wait $server 2>/dev/null || true
  line "$label: /healthz alone, 100 connections (baseline)" "$data/pg-wrk-healthz.txt"
  line "$label: cached aggregates, 100 connections" "$data/pg-wrk-cached.txt"
  line "$label: slow uncached aggregates, 10 connections" "$data/pg-wrk-slow.txt"
  line "$label: operator /v1/files, 10 connections" "$data/pg-wrk-operator.txt"
}

echo "PostgreSQL, $rows records over 60 days ($from .. $to), ${duration} s per run"
printf '%-52s %9s %7s %9s %9s %9s\n' class "req/s" errors "p50 ms" "p99 ms" "max ms"
run this "$after"
if [ -n "${BEFORE:-}" ]; then run before "$BEFORE"; fi
