#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time over its seeds. A crash, a leak or a timeout
# fails the test and leaves the input in the build tree.
#   usage: run_fuzzer.sh FUZZER SECONDS WORK_DIR SEED_DIR...
set -euo pipefail
fuzzer=$1
seconds=$2
work=$3
shift 3
mkdir -p "$work/corpus" "$work/artifacts"
exec "$fuzzer" -max_total_time="$seconds" -max_len=8388608 -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$work/corpus" "$@"
