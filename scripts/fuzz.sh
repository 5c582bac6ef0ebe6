#!/usr/bin/env bash
# Fuzzes the BER reader and the CSV/format-detection path with libFuzzer for a bounded time.
# Usage: scripts/fuzz.sh [SECONDS]   (default 120). Crashing inputs land in fuzz/crashes/; copy each into
# Tests/CDRFormatsTests/FuzzRegressions/ so the test suite replays it for ever.
# Built with swiftc directly: SwiftPM renames an executable's main, which clashes with libFuzzer's.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-120}
out=.build-fuzz
mkdir -p "$out" fuzz/corpus fuzz/crashes
flags=(-O -swift-version 6 -sanitize=fuzzer,address -parse-as-library -package-name cdrpipe)
swiftc "${flags[@]}" -emit-library -static -emit-module -module-name CDRModel \
  -emit-module-path "$out/CDRModel.swiftmodule" -o "$out/libCDRModel.a" Sources/CDRModel/*.swift
swiftc "${flags[@]}" -emit-library -static -emit-module -module-name CDRFormats -I "$out" \
  -Xcc -fmodule-map-file=Sources/CZlib/module.modulemap -I Sources/CZlib \
  -emit-module-path "$out/CDRFormats.swiftmodule" -o "$out/libCDRFormats.a" \
  $(find Sources/CDRFormats -name '*.swift')
swiftc "${flags[@]}" -I "$out" -Xcc -fmodule-map-file=Sources/CZlib/module.modulemap -I Sources/CZlib \
  fuzz/FuzzFormats.swift -L "$out" -lCDRFormats -lCDRModel -lz -o "$out/fuzz-formats" 2>&1 | grep -v "Cannot export local symbol" || true
cp fixtures/ber/*.ber fuzz/corpus/
cp fixtures/operator-mapping.json fuzz/corpus/
"$out/fuzz-formats" fuzz/corpus -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=1024 -timeout=10 \
  -artifact_prefix=fuzz/crashes/ -print_final_stats=1 2>&1 | grep -E "^#|ERROR|SUMMARY|crash|stat::|Done" | tail -12
