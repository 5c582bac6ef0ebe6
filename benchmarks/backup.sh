#!/usr/bin/env bash
# Backup benchmark: `cdrpipe backup create` (online VACUUM INTO snapshot, gzip level 1, AES-256-GCM) of a
# 5M-record database, then `backup verify` and `restore`, in MB of database per second, beside a plain
# `cp` of the same file (the disk's floor) and `sqlite3 .backup` (SQLite's own online copy).
# Usage: benchmarks/backup.sh [ROWS]   (default 5000000; uses the database benchmarks/retention.sh ingests)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-5000000}
data=bench-data
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 CLI (apt-get install -y sqlite3)"; exit 2; }
swift build -c release --product cdrpipe >/dev/null
bin=.build/release/cdrpipe
db=$data/retention-$rows.db
if [ ! -s "$db" ]; then
  csv=$data/bench-$rows.csv
  [ -s "$csv" ] || $bin generate --rows "$rows" --seed 42 --days 30 -o "$csv"
  $bin ingest --db "$db" "$csv" >/dev/null
  sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
fi
now() { date +%s.%N; }
shelf=$data/backup-shelf
rm -rf "$shelf" "$data/backup-copy.db" "$data/backup-sqlite.db" "$data/backup-restored.db"* "$data/backup.key"
mb=$(echo "$(stat -c %s "$db") / 1000000" | bc -l)
cat "$db" >/dev/null

measure() { # measure NAME COMMAND...: prints NAME, seconds and MB/s of the database size
  local name=$1; shift
  sync
  local start
  start=$(now)
  "$@" >/dev/null 2>&1
  local seconds
  seconds=$(echo "$(now) - $start" | bc -l)
  printf '%-44s %8.1f s %8.0f MB/s\n' "$name" "$seconds" "$(echo "$mb / $seconds" | bc -l)"
}
printf 'database: %.0f MB\n' "$mb"
measure "cp (baseline)" sh -c "cp '$db' '$data/backup-copy.db' && sync '$data/backup-copy.db'"
measure "sqlite3 .backup (SQLite's online copy)" sqlite3 "$db" ".backup '$data/backup-sqlite.db'"
measure "cdrpipe backup create" $bin backup create --db "$db" --to "$shelf" --key "$data/backup.key"
measure "cdrpipe backup verify" $bin backup verify --to "$shelf" --key "$data/backup.key"
payload=$(ls "$shelf"/*.cdrbackup)
records=$(grep -o '"records" : [0-9]*' "$payload.manifest.json" | grep -o '[0-9]*$')
measure "cdrpipe restore (verify, replace, retain)" $bin restore --from "$payload" --db "$data/backup-restored.db" \
  --key "$data/backup.key"
printf 'sealed backup of %s records: %.0f MB (%.0f%% of the database)\n' "$records" "$(echo "$(stat -c %s "$payload") / 1000000" | bc -l)" \
  "$(echo "100 * $(stat -c %s "$payload") / $(stat -c %s "$db")" | bc -l)"
rm -rf "$data/backup-copy.db" "$data/backup-sqlite.db" "$data/backup-restored.db"*
