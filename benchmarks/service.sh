#!/usr/bin/env bash
# `cdrpipe run` end to end: alert latency from a file closed or a POST answered to the webhook receiving the
# alert, at a steady RATE records/s (default 5000) for SECONDS_RUN (default 60), p50/p99/max; then push
# throughput (JSON arrays over HTTP, 8 senders) against `cdrpipe ingest` of the same records (the baseline).
# Usage: [SECONDS_RUN=60] [RATE=5000] [TOTAL=100000] benchmarks/service.sh   (needs python3 and sqlite3)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v python3 >/dev/null || { echo "needs python3"; exit 2; }
command -v sqlite3 >/dev/null || { echo "needs the sqlite3 CLI (apt-get install -y sqlite3)"; exit 2; }
swift build -c release --product cdrpipe >/dev/null
work=bench-data/service
rm -rf "$work"
mkdir -p "$work"
python3 benchmarks/service_latency.py .build/release/cdrpipe "$work"
