#!/usr/bin/env bash
# PostgreSQL ingest benchmark: records/s of `cdrpipe ingest --db postgres://…` (parse, validate, normalise,
# COPY into staging, INSERT … ON CONFLICT DO NOTHING into the month-partitioned table with its indexes)
# with 1 and 2 workers over the same two files, beside `psql \copy` of the same files into a bare table
# of text columns (no parsing, no validation, no dedupe, no index: PostgreSQL's own floor), and beside
# `psql \copy` of the rows cdrpipe stored, in COPY format, into the same partitioned, indexed table (the
# database's own cost for those rows and indexes, without parsing or dedupe).
# Usage: benchmarks/postgres.sh [ROWS]   (default 1000000; starts a throwaway server unless
# CDRPIPE_TEST_POSTGRES names one)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${CDRPIPE_TEST_POSTGRES:-}" ]; then exec scripts/with-postgres.sh "$0" "$@"; fi
rows=${1:-1000000}
data=bench-data
mkdir -p "$data"
swift build -c release --product cdrpipe >/dev/null
bin=.build/release/cdrpipe
admin=$CDRPIPE_TEST_POSTGRES
base=${admin%/*}
half=$((rows / 2))
for part in a b; do
  file=$data/pg-$rows-$part.csv
  [ -s "$file" ] || $bin generate --rows "$half" --seed "$([ $part = a ] && echo 42 || echo 43)" --days 30 -o "$file"
done
files=("$data/pg-$rows-a.csv" "$data/pg-$rows-b.csv")
now() { date +%s.%N; }
fresh() { # fresh NAME: an empty database
  psql "$admin" -X -q -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null
}
report() { # report NAME SECONDS WORKERS
  local rate
  rate=$(echo "$rows / $2" | bc -l)
  printf '%-58s %7.1f s %9.0f rec/s %9.0f rec/s per worker\n' "$1" "$2" "$rate" "$(echo "$rate / $3" | bc -l)"
}
cat "${files[@]}" >/dev/null

fresh bench_copy
columns=$(head -1 "${files[0]}" | python3 -c 'import csv, sys; print(len(next(csv.reader(sys.stdin))))')
psql "$base/bench_copy" -X -q -c "CREATE TABLE raw($(seq -s, -f 'c%g text' 1 "$columns"))"
start=$(now)
for file in "${files[@]}"; do psql "$base/bench_copy" -X -q -c "\\copy raw FROM '$file' WITH (FORMAT csv)"; done
copy_seconds=$(echo "$(now) - $start" | bc -l)
report "psql \\copy into a bare text table (baseline)" "$copy_seconds" 1

fresh bench_one
start=$(now)
$bin ingest --db "$base/bench_one" --worker w1 --rejects "$data/pg-one.rejects.jsonl" "${files[@]}" >/dev/null
one_seconds=$(echo "$(now) - $start" | bc -l)
report "cdrpipe ingest, 1 worker" "$one_seconds" 1

columns_list="key, calling, dialled, diverting, start_at, answer_at, end_at, duration, billsec, disposition, carrier, channel, account, source_id, file_id, line, imsi, imei, cell, egress"
psql "$base/bench_one" -X -q -c "\\copy (SELECT $columns_list FROM records) TO '$data/pg-rows.copy'"
psql "$base/bench_one" -X -q -c "TRUNCATE records"
start=$(now)
psql "$base/bench_one" -X -q -c "\\copy records ($columns_list) FROM '$data/pg-rows.copy'"
rows_seconds=$(echo "$(now) - $start" | bc -l)
report "psql \\copy of cdrpipe's rows into the same indexed table" "$rows_seconds" 1
rm -f "$data/pg-rows.copy"

fresh bench_two
start=$(now)
for worker in w1 w2; do
  $bin ingest --db "$base/bench_two" --worker $worker --wait --rejects "$data/pg-two-$worker.rejects.jsonl" \
    "${files[@]}" >/dev/null &
done
wait
two_seconds=$(echo "$(now) - $start" | bc -l)
report "cdrpipe ingest, 2 workers" "$two_seconds" 2

stored=$(psql "$base/bench_two" -X -A -t -c "SELECT count(*) FROM records")
printf 'stored by 2 workers: %s records (1 worker: %s)\n' "$stored" \
  "$(psql "$base/bench_one" -X -A -t -c "SELECT count(*) FROM records")"
printf 'per worker against \\copy: 1 worker %.2fx, 2 workers %.2fx (target 1.0x)\n' \
  "$(echo "$copy_seconds / $one_seconds" | bc -l)" "$(echo "$copy_seconds / $two_seconds / 2" | bc -l)"
printf 'against \\copy of the same rows into the same table and indexes (no parsing, no dedupe): 1 worker %.2fx\n' \
  "$(echo "$rows_seconds / $one_seconds" | bc -l)"
