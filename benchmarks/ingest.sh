#!/usr/bin/env bash
# Ingest benchmark: records/s and peak RSS of parse-only, end-to-end ingest (plain, with fraud detection,
# and gzip; "ingest" rows run with --no-fraud), beside two
# baselines: the sqlite3 CLI's .import of the same file into an 18-TEXT-column table with the journal off,
# and sqlite_floor.c, a C program inserting the same number of rows into cdrpipe's own schema and doing
# nothing else (what SQLite alone costs for these indexes); and, when Python's chdb is installed
# (`pip install chdb`), embedded ClickHouse loading the file into a MergeTree table ordered by (day, calling)
# on 2 threads (benchmarks/chdb_import.py), else a note that it was skipped.
# Usage: benchmarks/ingest.sh [ROWS]   (default 5000000; data goes to bench-data/, which git ignores)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-5000000}
data=bench-data
mkdir -p "$data"
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 CLI (apt-get install -y sqlite3)"; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time (apt-get install -y time)"; exit 2; }

swift build -c release --product cdrpipe >/dev/null
bin=.build/release/cdrpipe
csv=$data/bench-$rows.csv
if [ ! -s "$csv" ]; then
  echo "generating $rows Asterisk rows ..."
  $bin generate --rows "$rows" --seed 42 --days 30 -o "$csv"
  $bin generate --rows "$rows" --seed 42 --days 30 --gzip -o "$csv.gz"
fi
size=$(stat -c %s "$csv")
gzsize=$(stat -c %s "$csv.gz")
printf 'file: %s rows, %.0f MB plain, %.0f MB gzip\n\n' "$rows" "$(echo "$size/1000000" | bc -l)" "$(echo "$gzsize/1000000" | bc -l)"

# Read both files once so every stage starts with them in the page cache.
cat "$csv" "$csv.gz" >/dev/null

# measure NAME COMMAND...: prints seconds and peak RSS (KB) of one command.
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$data/time.txt" "$@" >"$data/out.txt" 2>&1 || { cat "$data/out.txt"; exit 1; }
  read -r secs rss <"$data/time.txt"
  printf '%s %s %s\n' "$name" "$secs" "$rss"
}

results=()
results+=("$(measure tokenize $bin parse --stage tokenize "$csv")")
results+=("$(measure parse $bin parse --stage key "$csv")")
rm -rf "$data"/bench.db*
results+=("$(measure ingest $bin ingest --db "$data/bench.db" --no-fraud "$csv")")
rm -rf "$data"/bench.db*
results+=("$(measure ingest+fraud $bin ingest --db "$data/bench.db" "$csv")")
rm -rf "$data"/bench.db*
results+=("$(measure ingest-gzip $bin ingest --db "$data/bench.db" --no-fraud "$csv.gz")")
rm -rf "$data"/bench.db* "$data"/import.db
cat >"$data/import.sql" <<SQL
PRAGMA journal_mode=OFF;
CREATE TABLE t(c1 TEXT,c2 TEXT,c3 TEXT,c4 TEXT,c5 TEXT,c6 TEXT,c7 TEXT,c8 TEXT,c9 TEXT,c10 TEXT,c11 TEXT,c12 TEXT,c13 TEXT,c14 TEXT,c15 TEXT,c16 TEXT,c17 TEXT,c18 TEXT);
.mode csv
.import $csv t
SQL
results+=("$(measure sqlite3-import sh -c "sqlite3 $data/import.db < $data/import.sql")")
rm -f "$data"/import.db
cc -O2 -o "$data/sqlite_floor" benchmarks/sqlite_floor.c -lsqlite3
results+=("$(measure sqlite-floor "$data/sqlite_floor" "$rows" "$data/floor.db")")
rm -f "$data"/floor.db*
chdb_note="embedded ClickHouse: skipped (pip install chdb to compare)"
if python3 -c "import chdb" 2>/dev/null; then
  rm -rf "$data/chdb"
  results+=("$(measure clickhouse-chdb python3 benchmarks/chdb_import.py "$(realpath "$csv")" "$data/chdb")")
  stored=$(cat "$data/out.txt")
  [ "$stored" = "$rows" ] || { echo "chdb stored $stored rows, not $rows"; exit 1; }
  rm -rf "$data/chdb"
  chdb_note=""
fi

baseline=$(printf '%s\n' "${results[@]}" | awk '$1=="sqlite3-import"{print '"$rows"'/$2}')
plain=$(printf '%s\n' "${results[@]}" | awk '$1=="ingest"{print '"$rows"'/$2}')
printf '%-16s %10s %14s %10s %12s\n' stage seconds records/s "peak MB" "vs baseline"
for line in "${results[@]}"; do
  read -r name secs rss <<<"$line"
  rate=$(echo "$rows/$secs" | bc -l)
  printf '%-16s %10.2f %14.0f %10.1f %11.2fx\n' "$name" "$secs" "$rate" "$(echo "$rss/1024" | bc -l)" "$(echo "$rate/$baseline" | bc -l)"
done
echo
floor=$(printf '%s\n' "${results[@]}" | awk '$1=="sqlite-floor"{print '"$rows"'/$2}')
printf 'ingest vs the SQLite floor for the same schema: %.2fx\n' "$(echo "$plain/$floor" | bc -l)"
fraud=$(printf '%s\n' "${results[@]}" | awk '$1=="ingest+fraud"{print '"$rows"'/$2}')
printf 'ingest with fraud detection vs without: %.2fx (target >= 0.85x)\n' "$(echo "$fraud/$plain" | bc -l)"
if [ -n "$chdb_note" ]; then
  echo "$chdb_note"
else
  clickhouse=$(printf '%s\n' "${results[@]}" | awk '$1=="clickhouse-chdb"{print '"$rows"'/$2}')
  printf 'ingest vs embedded ClickHouse: %.2fx (its peak RSS includes the Python interpreter)\n' \
    "$(echo "$plain/$clickhouse" | bc -l)"
fi
printf 'targets: ingest >= 2.0x baseline (now %.2fx); parse >= 3M records/s; gzip ingest >= 0.8x plain (now %.2fx); peak RSS <= 64 MB\n' \
  "$(echo "$plain/$baseline" | bc -l)" \
  "$(printf '%s\n' "${results[@]}" | awk '$1=="ingest-gzip"{print '"$rows"'/$2}' | xargs -I{} echo "{}/$plain" | bc -l)"
