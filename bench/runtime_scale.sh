#!/bin/bash
# The runtime at 65,000 mappings in every mode: a 64 KiB MAP_32BIT request and its munmap, with
# [1 GiB, 2 GiB) taken so the kernel's MAP_32BIT has no room, against a raw mmap+munmap at the
# same count in the same process. Each reservation mode (LJMM_RESERVE) is its own process; the
# "gaps forgotten" row walks the maps for every request (a cold gap cache).
#   bench/runtime_scale.sh BUILD_DIR [REPETITIONS]
set -euo pipefail
build=${1:?usage: runtime_scale.sh BUILD_DIR [REPETITIONS]}
repetitions=${2:-5}
for mode in none brk-block window; do
  echo "== LJMM_RESERVE=$mode"
  LJMM_RESERVE=$mode "$build/bench/runtime_bench" --benchmark_filter='^at 65000' --benchmark_repetitions="$repetitions" \
    --benchmark_report_aggregates_only=true --benchmark_color=false 2>&1 | grep -E '_median|^ +at 65000|^==|Ratios'
done
