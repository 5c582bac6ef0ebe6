#!/usr/bin/env bash
# Detection memory against subscriber count: the same number of calls over 31 days made by 400k and by 2M
# lines (about 396k and 1.19M distinct callers), each ingested with detection on and off. Prints peak RSS
# and records/s; the off run is the baseline beside each. Detection state is capped per table (keyCap) and
# usage profiles live in the store, so detection's RSS should not grow with the subscriber count.
# Usage: benchmarks/fraud-memory.sh [ROWS] [SUBSCRIBERS ...]   (defaults 1800000, 400000 2000000)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1800000}
shift || true
counts=("${@:-400000 2000000}")
[ $# -gt 0 ] || counts=(400000 2000000)
data=bench-data/fraud-memory
rm -rf "$data"
mkdir -p "$data"
swift build -c release --product cdrpipe >/dev/null
bin=.build/release/cdrpipe
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install -y time)"; exit 2; }
printf "%-12s %-10s %12s %12s %10s\n" subscribers detection records/s "peak RSS" callers
for n in "${counts[@]}"; do
  file="$data/calls-$n.csv"
  $bin generate --seed 4242 --rows "$rows" --days 31 --start 2026-03-02 --subscribers "$n" -o "$file"
  for mode in on off; do
    flags=()
    [ "$mode" = off ] && flags=(--no-fraud)
    rm -rf "$data"/m.db*
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$data/rss" $bin ingest --db "$data/m.db" --risk-ranges config/risk-ranges.csv \
      "${flags[@]}" "$file" >/dev/null
    seconds=$(echo "$(date +%s.%N) - $start" | bc -l)
    stored=$(sqlite3 "$data/m.db" "SELECT count(*) FROM records")
    callers=$(sqlite3 "$data/m.db" "SELECT count(*) FROM profiles WHERE key NOT LIKE 'acct:%'")
    printf "%-12s %-10s %12.0f %9.0f MB %10s\n" "$n" "$mode" "$(echo "$stored / $seconds" | bc -l)" \
      "$(echo "$(cat "$data/rss") / 1024" | bc -l)" "$callers"
  done
done
