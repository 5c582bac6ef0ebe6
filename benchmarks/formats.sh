#!/usr/bin/env bash
# Ingest records/s per format for the same generated traffic: Asterisk CSV (the reference), FreeSWITCH,
# Cisco CUCM, 3GPP BER (bare CSRecords) and msc-ber (the same records in an MSC CallEventDataFile, as
# switches write them), each into a fresh database, plus parse-only (decode + key) rates. Ingest is timed
# with --no-fraud (the format's own cost; the target) and with fraud detection on (beside it).
# The formats run interleaved for ROUNDS rounds and each figure is the median, because run-to-run noise on
# a shared 2-core VM (±20%) is larger than the differences being measured.
# Usage: benchmarks/formats.sh [ROWS] [ROUNDS]   (defaults 1000000 and 5; data goes to bench-data/)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
rounds=${2:-5}
data=bench-data
formats="asterisk freeswitch cucm 3gpp-ber msc-ber"
mkdir -p "$data"
swift build -c release --product cdrpipe >/dev/null
bin=.build/release/cdrpipe
results=$(mktemp)
# generate FORMAT ROWS FILE: the same traffic in each format (msc-ber: BER records in an MSC CallEventDataFile).
generate() {
  local how=(--format "$1")
  [ "$1" = msc-ber ] && how=(--format 3gpp-ber --framing msc)
  $bin generate "${how[@]}" --rows "$2" --seed 42 --days 30 -o "$3"
}
trap 'rm -rf "$results" "$data"/formats.db*' EXIT
for format in $formats; do
  file=$data/formats-$rows.$format
  [ -s "$file" ] || generate "$format" "$rows" "$file"
  cat "$file" >/dev/null
done
timed() {
  rm -rf "$data"/formats.db*
  local start
  start=$(date +%s.%N)
  $bin ingest --db "$data/formats.db" "$@" >/dev/null
  echo "$rows / ($(date +%s.%N) - $start)" | bc -l
}
for round in $(seq "$rounds"); do
  for format in $formats; do
    file=$data/formats-$rows.$format
    parse=$($bin parse --stage key "$file" | awk '{print $(NF-1)}')
    plain=$(timed --no-fraud "$file")
    fraud=$(timed "$file")
    echo "$format $parse $plain $fraud" >>"$results"
  done
  echo "round $round/$rounds done" >&2
done
median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
reference=$(awk '$1 == "asterisk" {print $3}' "$results" | median)
fraudReference=$(awk '$1 == "asterisk" {print $4}' "$results" | median)
printf '%-10s %6s %12s %14s %8s %18s %8s   (medians of %s rounds)\n' format MB "parse rec/s" "ingest rec/s" \
  "vs ast." "ingest+fraud rec/s" "vs ast." "$rounds"
for format in $formats; do
  parse=$(awk -v f="$format" '$1 == f {print $2}' "$results" | median)
  rate=$(awk -v f="$format" '$1 == f {print $3}' "$results" | median)
  fraud=$(awk -v f="$format" '$1 == f {print $4}' "$results" | median)
  printf '%-10s %6.0f %12.0f %14.0f %7.2fx %18.0f %7.2fx\n' "$format" \
    "$(echo "$(stat -c %s "$data/formats-$rows.$format")/1000000" | bc -l)" "$parse" "$rate" \
    "$(echo "$rate / $reference" | bc -l)" "$fraud" "$(echo "$fraud / $fraudReference" | bc -l)"
done
echo "target: 3gpp-ber and msc-ber ingest (--no-fraud) >= asterisk ingest (>= 1.00x). With fraud detection on,"
echo "mobile records cost more: their IMSI, IMEI and cell feed the SIM-box detectors that CSV records never reach."

# Wall-clock rates on a shared 2-core VM move by ±15 % from run to run. Instructions do not: when valgrind is
# installed, count what one ingest (--no-fraud) of the same 50,000 records executes in each format.
if command -v valgrind >/dev/null; then
  stripped=$(mktemp)
  strip -o "$stripped" "$bin"
  small=50000
  echo
  printf '%-10s %16s %10s   (valgrind --tool=callgrind, %s records, ingest --no-fraud, whole process)\n' \
    format "instructions" "vs ast." "$small"
  declare -A counted
  for format in $formats; do
    file=$data/formats-$small.$format
    [ -s "$file" ] || generate "$format" "$small" "$file"
    rm -rf "$data"/formats.db*
    counted[$format]=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$stripped" ingest \
      --db "$data/formats.db" --no-fraud "$file" 2>&1 | awk '/Collected/ {print $NF}')
  done
  for format in $formats; do
    printf '%-10s %16s %9.2fx\n' "$format" "${counted[$format]}" \
      "$(echo "${counted[asterisk]} / ${counted[$format]}" | bc -l)"
  done
  rm -f "$stripped"
  echo "target: 3gpp-ber and msc-ber >= 1.00x (fewer instructions than Asterisk CSV for the same records)"
fi
