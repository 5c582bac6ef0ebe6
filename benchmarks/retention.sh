#!/usr/bin/env bash
# Retention benchmark: `cdrpipe retain` rolling up and deleting every record of an ingested database
# (records/s), beside the sqlite3 CLI's own GROUP BY over the same records table; then an `aggregates`
# query over six years of daily aggregates (ms), beside sqlite3 summing the same table.
# Usage: benchmarks/retention.sh [ROWS]   (default 5000000; data goes to bench-data/, which git ignores)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-5000000}
data=bench-data
mkdir -p "$data"
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 CLI (apt-get install -y sqlite3)"; exit 2; }
swift build -c release --product cdrpipe >/dev/null
bin=.build/release/cdrpipe
now() { date +%s.%N; }

csv=$data/bench-$rows.csv
[ -s "$csv" ] || $bin generate --rows "$rows" --seed 42 --days 30 -o "$csv"
template=$data/retention-$rows.db
if [ ! -s "$template" ]; then
  echo "ingesting $rows rows into a template database ..."
  $bin ingest --db "$template" "$csv" >/dev/null
  sqlite3 "$template" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
fi

work=$data/retention-work.db
rm -rf "$work" "$work"-wal "$work"-shm "$work.keys"
cp "$template" "$work"
cat "$work" >/dev/null
start=$(now)
sqlite3 "$work" "SELECT day, carrier, disposition, count(*), sum(duration), sum(billsec), count(DISTINCT calling)
  FROM records GROUP BY day, carrier, disposition" >/dev/null
base=$(echo "$(now) - $start" | bc -l)
start=$(now)
$bin retain --db "$work" --as-of 2030-01-01 >/dev/null
seconds=$(echo "$(now) - $start" | bc -l)
left=$(sqlite3 "$work" "SELECT count(*) FROM records")
printf '%-44s %12s %12s\n' stage "records/s" "seconds"
printf '%-44s %12.0f %12.2f\n' "sqlite3 CLI GROUP BY over records (baseline)" "$(echo "$rows / $base" | bc -l)" "$base"
printf '%-44s %12.0f %12.2f   (%.2fx baseline; %s records left)\n' "cdrpipe retain (roll up + secure delete)" \
  "$(echo "$rows / $seconds" | bc -l)" "$seconds" "$(echo "$base / $seconds" | bc -l)" "$left"
echo "target: retain >= 500000 records/s"
echo

# Six years of daily aggregates: the template's 30 days of cells shifted into every 30-day block of six years,
# queried over the whole months they cover.
years=$data/aggregates-6y.db
if [ ! -s "$years" ]; then
  rm -f "$years"
  cp "$work" "$years"
  sqlite3 "$years" "
    CREATE TEMP TABLE month AS SELECT * FROM aggregates;
    WITH RECURSIVE block(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM block WHERE n < 72)
    INSERT OR IGNORE INTO aggregates SELECT m.day - 30 * block.n, m.hour, m.carrier, m.country, m.type, m.area,
      m.direction, m.disposition, m.calls, m.answered, m.effective, m.seconds, m.billable, m.h0, m.h1, m.h2, m.h3,
      m.h4, m.h5, m.h6, m.h7, m.callers, m.called FROM temp.month m, block;
    DELETE FROM aggregates_monthly;
    INSERT INTO aggregates_monthly
    SELECT CAST(strftime('%Y', day * 86400, 'unixepoch') AS INTEGER) * 12
            + CAST(strftime('%m', day * 86400, 'unixepoch') AS INTEGER) - 1,
        carrier, country, type, direction, disposition, sum(calls), sum(answered), sum(effective), sum(seconds),
        sum(billable), sum(h0), sum(h1), sum(h2), sum(h3), sum(h4), sum(h5), sum(h6), sum(h7), sum(callers), sum(called)
    FROM aggregates GROUP BY 1, 2, 3, 4, 5, 6;
    DELETE FROM aggregates_daily;
    INSERT INTO aggregates_daily SELECT day, carrier, country, type, direction, disposition, sum(calls), sum(answered),
        sum(effective), sum(seconds), sum(billable), sum(h0), sum(h1), sum(h2), sum(h3), sum(h4), sum(h5), sum(h6),
        sum(h7), sum(callers), sum(called)
    FROM aggregates GROUP BY 1, 2, 3, 4, 5, 6;
    DELETE FROM aggregates_day_totals;
    INSERT INTO aggregates_day_totals SELECT day, sum(calls), sum(answered), sum(effective), sum(seconds),
        sum(billable), sum(h0), sum(h1), sum(h2), sum(h3), sum(h4), sum(h5), sum(h6), sum(h7), sum(callers), sum(called)
    FROM aggregates GROUP BY day;
    PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
fi
cells=$(sqlite3 "$years" "SELECT count(*) FROM aggregates")
range=$(sqlite3 "$years" "SELECT date(min(day) * 86400, 'unixepoch', 'start of month', '+1 month'),
  date(max(day) * 86400, 'unixepoch', 'start of month', '-1 day') FROM aggregates")
from=${range%|*}
to=${range#*|}
start=$(now)
$bin aggregates --db "$years" --from 2000-01-01 --to 2000-01-01 --aggregates-only >/dev/null
empty=$(echo "($(now) - $start) * 1000" | bc -l)
printf 'process start-up and database open (an empty query): %.1f ms\n' "$empty"
for by in month country,type month,direction,disposition day day,country; do
  times=""
  for _ in 1 2 3 4 5; do
    start=$(now)
    $bin aggregates --db "$years" --from "$from" --to "$to" --by "$by" --aggregates-only >/dev/null
    times="$times $(echo "($(now) - $start) * 1000" | bc -l)"
  done
  best=$(echo $times | tr ' ' '\n' | sort -g | head -1)
  start=$(now)
  sqlite3 "$years" "SELECT sum(calls), sum(seconds) FROM aggregates" >/dev/null
  sql=$(echo "($(now) - $start) * 1000" | bc -l)
  printf 'aggregates --by %-14s over %s cells (%s..%s): %6.1f ms (best of 5, whole process)   sqlite3 CLI sum(): %6.1f ms\n' \
    "$by" "$cells" "$from" "$to" "$best" "$sql"
done
echo "target: aggregates query over six years < 50 ms"
