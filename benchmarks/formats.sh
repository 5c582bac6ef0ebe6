#!/usr/bin/env bash
# Ingest records/s per format for the same generated traffic: Asterisk CSV (the reference), FreeSWITCH,
# Cisco CUCM and 3GPP BER, each into a fresh database, plus parse-only (decode + key) rates.
# Usage: benchmarks/formats.sh [ROWS]   (default 1000000; data goes to bench-data/)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
data=bench-data
mkdir -p "$data"
swift build -c release --product cdrpipe >/dev/null
bin=.build/release/cdrpipe
printf '%-12s %10s %14s %14s %10s\n' format MB "parse rec/s" "ingest rec/s" "vs asterisk"
reference=""
for format in asterisk freeswitch cucm 3gpp-ber; do
  file=$data/formats-$rows.$format
  [ -s "$file" ] || $bin generate --format "$format" --rows "$rows" --seed 42 --days 30 -o "$file"
  parse=$($bin parse --stage key "$file" | awk '{print $(NF-1)}')
  rm -f "$data"/formats.db*
  start=$(date +%s.%N)
  $bin ingest --db "$data/formats.db" "$file" >/dev/null
  seconds=$(echo "$(date +%s.%N) - $start" | bc -l)
  rate=$(echo "$rows / $seconds" | bc -l)
  [ -n "$reference" ] || reference=$rate
  printf '%-12s %10.0f %14.0f %14.0f %9.2fx\n' "$format" "$(echo "$(stat -c %s "$file")/1000000" | bc -l)" \
    "$parse" "$rate" "$(echo "$rate / $reference" | bc -l)"
done
rm -f "$data"/formats.db*
echo "target: 3gpp-ber ingest >= asterisk ingest (>= 1.00x)"
