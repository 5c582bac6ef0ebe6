#!/usr/bin/env bash
# Fraud benchmark: injects labelled scenarios of every type into generated background traffic on seeds the
# tests do not use, ingests them with detection on, and scores precision and recall per detector
# (benchmarks/fraud_score.py), standard scenarios and the subtle tier (1-1.5x the warning threshold) apart;
# then prints ingest records/s with detection on beside detection off.
# Usage: benchmarks/fraud.sh [ROWS_PER_DAY] [DAYS] [SCENARIOS_PER_TYPE] [SUBTLE_PER_TYPE] [SUBSCRIBERS]
#        (defaults 58000, 31, 10, 3, 400000: 1.8M switch records per seed over 31 days from about 396k
#        distinct callers; per file and type, so 20 standard and 6 subtle scenarios per type)
#        COST_ROUNDS (default 3) sets how many interleaved rounds time the detection cost; BIN=PATH scores
#        another build.
set -euo pipefail
cd "$(dirname "$0")/.."
per_day=${1:-58000}
days=${2:-31}
count=${3:-10}
subtle=${4:-3}
subscribers=${5:-400000}
data=bench-data/fraud
rm -rf "$data"
mkdir -p "$data"
swift build -c release --product cdrpipe >/dev/null
bin=${BIN:-.build/release/cdrpipe}
rows=$((per_day * days))
ranges=config/risk-ranges.csv
for seed in 9001 9002; do
  # Asterisk Master.csv carries account codes but no diverting party; the operator CSV carries diversions.
  $bin generate --seed "$seed" --rows "$rows" --days "$days" --start 2026-03-02 --subscribers "$subscribers" \
    --inject "irsf:$count,burst:$count,pump:$count,wangiri:$count,pbx:$count,bypass:$count,fas:$count,premium:$count,robocall:$count,concurrency:$count,usage:$count,subscription:$count" \
    --lookalikes "$count" --subtle "$subtle" --labels "$data/labels-$seed.csv" -o "$data/switch-$seed.csv"
  # SIM boxes need the IMSI, IMEI and cell that only mobile switching centre (BER) records carry.
  $bin generate --format 3gpp-ber --seed "$((seed + 700))" --rows "$((rows / 4))" --days "$days" --start 2026-03-02 \
    --inject "simbox:$count" --lookalikes "$count" --subtle "$subtle" --labels "$data/labels-$((seed + 700)).csv" -o "$data/msc-$((seed + 700)).ber"
  $bin generate --format mapped --seed "$((seed + 500))" --rows "$((rows / 4))" --days "$days" --start 2026-03-02 \
    --inject "diversion:$count" --lookalikes "$count" --subtle "$subtle" --labels "$data/labels-$((seed + 500)).csv" \
    -o "$data/operator-$((seed + 500)).csv"
done
# Streaming detection, one database per file: a file's records reach the detectors in one pass.
echo "detection while loading (--detect stream), one database per file:"
pairs=()
for file in "$data"/switch-*.csv "$data"/msc-*.ber "$data"/operator-*.csv; do
  seed=$(basename "$file" | sed 's/^[a-z]*-\([0-9]*\)\..*/\1/')
  mapping=()
  case "$file" in *operator-*) mapping=(--mapping fixtures/operator-mapping.json) ;; esac
  $bin ingest --db "$data/fraud-$seed.db" --risk-ranges "$ranges" --calendars config/business-calendars.json \
    "${mapping[@]}" "$file" >/dev/null
  pairs+=("$data/fraud-$seed.db=$data/labels-$seed.csv")
done
python3 benchmarks/fraud_score.py "${pairs[@]}"
echo
# All six files (two switches, two mobile switching centres, two operator feeds over the same 14 days) in one
# database, detected after each run in start order across the run's files.
echo "detection after the run (--detect after-run), all files in one database:"
labels=()
for file in "$data"/switch-*.csv "$data"/msc-*.ber "$data"/operator-*.csv; do
  seed=$(basename "$file" | sed 's/^[a-z]*-\([0-9]*\)\..*/\1/')
  labels+=("$data/labels-$seed.csv")
done
$bin ingest --db "$data/all.db" --risk-ranges "$ranges" --calendars config/business-calendars.json --detect after-run \
  "$data"/switch-*.csv "$data"/msc-*.ber >/dev/null
# The operator feeds need their mapping (with --mapping every CSV of a run is read as mapped): a second run.
$bin ingest --db "$data/all.db" --risk-ranges "$ranges" --calendars config/business-calendars.json --detect after-run \
  --mapping fixtures/operator-mapping.json "$data"/operator-*.csv >/dev/null
python3 benchmarks/fraud_score.py "$data/all.db=$(IFS=,; echo "${labels[*]}")"
echo
# Cost: the two switch files loaded with detection off, while loading, and after the run; COST_ROUNDS interleaved
# rounds (so drift on a shared machine hits every mode alike), best of each. The database goes to a RAM disk
# when there is one, so disk stalls do not blur what detection costs in CPU.
cost_dir=$(mktemp -d -p /dev/shm cdrpipe-cost.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$cost_dir"' EXIT
total=$(sqlite3 "$data/fraud-9001.db" "SELECT count(*) FROM records")
total=$((total + $(sqlite3 "$data/fraud-9002.db" "SELECT count(*) FROM records")))
declare -A best=([off]=0 [stream]=0 [after]=0)
for _ in $(seq "${COST_ROUNDS:-3}"); do
  for mode in off stream after; do
    case $mode in
      off) flags=(--no-fraud) ;;
      stream) flags=(--detect stream) ;;
      after) flags=(--detect after-run) ;;
    esac
    rm -rf "$cost_dir"/cost.db*
    start=$(date +%s.%N)
    $bin ingest --db "$cost_dir/cost.db" --risk-ranges "$ranges" "${flags[@]}" "$data"/switch-*.csv >/dev/null
    rate=$(echo "$total / ($(date +%s.%N) - $start)" | bc -l)
    best[$mode]=$(echo "r = $rate; if (r > ${best[$mode]}) r else ${best[$mode]}" | bc -l)
  done
done
printf 'ingest, detection off        %10.0f records/s\n' "${best[off]}"
printf 'ingest, --detect stream      %10.0f records/s  (%.2fx)\n' "${best[stream]}" "$(echo "${best[stream]} / ${best[off]}" | bc -l)"
printf 'ingest, --detect after-run   %10.0f records/s  (%.2fx)\n' "${best[after]}" "$(echo "${best[after]} / ${best[off]}" | bc -l)"
echo "target: ingest with detection >= 0.85x ingest without"
