#!/usr/bin/env bash
# API load benchmark: wrk drives GET /v1/aggregates over loopback at 200 concurrent connections against
# six years of aggregates (the database benchmarks/retention.sh builds), cycling through six-year queries by
# month, by day, by country+type and by month+direction+disposition; prints req/s and latency percentiles,
# beside wrk against /healthz on the same server (the HTTP floor: no auth, no database) as the baseline.
# The first answer to each query is timed alone (it reads the cells); the load runs after a 2 s warm-up, so it
# measures the steady state in which answers come from the cache until the data changes.
# Target: p99 < 50 ms at 200 connections.
# Usage: benchmarks/api.sh [SECONDS] [CONNECTIONS]   (needs wrk: apt-get install -y wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-20}
connections=${2:-200}
data=bench-data
command -v wrk >/dev/null || { echo "needs wrk (apt-get install -y wrk)"; exit 2; }
years=$data/aggregates-6y.db
[ -s "$years" ] || { echo "building six years of aggregates first ..."; benchmarks/retention.sh >/dev/null; }
swift build -c release --product cdrpipe >/dev/null
bin=.build/release/cdrpipe
db=$data/api-bench.db
rm -rf "$db" "$db"-wal "$db"-shm "$db.keys"
cp "$years" "$db"
token=$($bin users add --db "$db" --role analyst "bench-$$" | grep -o 'cdr_[0-9a-f]*')
range=$(sqlite3 "$db" "SELECT date(min(day) * 86400, 'unixepoch'), date(max(day) * 86400, 'unixepoch') FROM aggregates")
from=${range%|*}
to=${range#*|}
cells=$(sqlite3 "$db" "SELECT count(*) FROM aggregates")
$bin serve --db "$db" --port 0 >"$data/api-serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q listening "$data/api-serve.log" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$data/api-serve.log" | sed 's#/$##')

cat >"$data/plain.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.0f %.2f %.2f %.2f\n", summary.requests, summary.errors.status
    + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
LUA
{ cat <<LUA
local paths = {
  "/v1/aggregates?from=$from&to=$to&by=month",
  "/v1/aggregates?from=$from&to=$to&by=day",
  "/v1/aggregates?from=$from&to=$to&by=country,type",
  "/v1/aggregates?from=$from&to=$to&by=month,direction,disposition",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], { ["Authorization"] = "Bearer $token" })
end
LUA
  cat "$data/plain.lua"; } >"$data/api.lua"
cold=""
for by in month day country,type month,direction,disposition; do
  ms=$(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" \
    "$url/v1/aggregates?from=$from&to=$to&by=$by") || { echo "the query failed"; cat "$data/api-serve.log"; exit 1; }
  cold="$cold by=$by $(echo "$ms * 1000" | bc -l | xargs printf '%.0f') ms;"
done
echo "first (uncached) answers, one at a time:$cold"
echo "six years of aggregates: $cells cells, $from .. $to; $connections connections, ${duration}s each, wrk -t2"
printf '%-44s %10s %8s %10s %10s %10s\n' endpoint "req/s" errors "p50 ms" "p99 ms" "max ms"
run() {
  local name=$1 script=$2 path=$3
  wrk -t2 -c"$connections" -d"${duration}s" --timeout 10s -s "$script" "$url$path" >"$data/wrk.txt" 2>&1
  read -r _ requests errors rate p50 p99 max < <(grep RESULT "$data/wrk.txt")
  printf '%-44s %10s %8s %10s %10s %10s\n' "$name" "$rate" "$errors" "$p50" "$p99" "$max"
  [ "$name" = "/healthz (baseline)" ] || echo "$p99" >"$data/api-p99.txt"
}
wrk -t2 -c"$connections" -d2s -s "$data/api.lua" "$url/" >/dev/null 2>&1   # warm-up, not counted
run "/healthz (baseline)" "$data/plain.lua" /healthz
run "/v1/aggregates (4 six-year queries)" "$data/api.lua" /
p99=$(cat "$data/api-p99.txt")
printf 'target: p99 < 50 ms at %s connections: %s\n' "$connections" \
  "$(echo "$p99 < 50" | bc -l | sed 's/1/met/;s/0/NOT met/')"
