#!/usr/bin/env bash
# Ingest records/s per format for the same generated traffic: Asterisk CSV (the reference), FreeSWITCH,
# Cisco CUCM, 3GPP BER (bare CSRecords) and msc-ber (the same records in an MSC CallEventDataFile, as
# switches write them), each into a fresh database, plus parse-only (decode + key) rates.
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
trap 'rm -f "$results" "$data"/formats.db*' EXIT
for format in $formats; do
  file=$data/formats-$rows.$format
  case $format in
  msc-ber) how=(--format 3gpp-ber --framing msc) ;;
  *) how=(--format "$format") ;;
  esac
  [ -s "$file" ] || $bin generate "${how[@]}" --rows "$rows" --seed 42 --days 30 -o "$file"
  cat "$file" >/dev/null
done
for round in $(seq "$rounds"); do
  for format in $formats; do
    file=$data/formats-$rows.$format
    parse=$($bin parse --stage key "$file" | awk '{print $(NF-1)}')
    rm -f "$data"/formats.db*
    start=$(date +%s.%N)
    $bin ingest --db "$data/formats.db" "$file" >/dev/null
    seconds=$(echo "$(date +%s.%N) - $start" | bc -l)
    echo "$format $parse $(echo "$rows / $seconds" | bc -l)" >>"$results"
  done
  echo "round $round/$rounds done" >&2
done
median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
reference=$(awk '$1 == "asterisk" {print $3}' "$results" | median)
printf '%-12s %10s %14s %14s %10s   (medians of %s rounds)\n' format MB "parse rec/s" "ingest rec/s" "vs asterisk" "$rounds"
for format in $formats; do
  parse=$(awk -v f="$format" '$1 == f {print $2}' "$results" | median)
  rate=$(awk -v f="$format" '$1 == f {print $3}' "$results" | median)
  printf '%-12s %10.0f %14.0f %14.0f %9.2fx\n' "$format" \
    "$(echo "$(stat -c %s "$data/formats-$rows.$format")/1000000" | bc -l)" "$parse" "$rate" \
    "$(echo "$rate / $reference" | bc -l)"
done
echo "target: 3gpp-ber and msc-ber ingest >= asterisk ingest (>= 1.00x)"
