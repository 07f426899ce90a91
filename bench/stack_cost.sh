#!/bin/bash
# What stacks cost, in the same run, rounds interleaved, the median of the rounds:
#  1. the mmap/munmap storm (test/progs/mmap_storm, no failed brk: ns per pair, timed by the
#     program around its loop): untraced, ljmm-trace -q, with --stack (DWARF, only where the
#     story needs it), --stack=fp, --stack=all;
#  2. a program whose brk is blocked (test/progs/brk_blocker: failed brk calls and malloc's
#     fallback mmaps, built without frame pointers; wall time of the whole run): untraced,
#     ljmm-trace -q --stack, -q --stack=all, and strace -f -k --seccomp-bpf on the same calls.
# Run as root: bench/stack_cost.sh BUILD_DIR [ROUNDS] [PAIRS] [BLOCKS]
set -euo pipefail
build=${1:?usage: stack_cost.sh BUILD_DIR [ROUNDS] [PAIRS] [BLOCKS]}
rounds=${2:-5}
pairs=${3:-300000}
blocks=${4:-20000}
trace=$build/bin/ljmm-trace
storm=$build/test/progs/mmap_storm
blocker=$build/test/progs/brk_blocker

storm_ns() { "$@" "$storm" "$pairs" time | tail -1; }
wall_ms() {
  local start end
  start=$(date +%s%N)
  "$@" "$blocker" "$blocks" >/dev/null
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}

measure() {
  case $1 in
    storm-untraced) storm_ns ;;
    storm-q) storm_ns "$trace" -q --backend bpf -o /dev/null -- ;;
    storm-stack) storm_ns "$trace" -q --stack --backend bpf -o /dev/null -- ;;
    storm-stack-fp) storm_ns "$trace" -q --stack=fp --backend bpf -o /dev/null -- ;;
    storm-stack-all) storm_ns "$trace" -q --stack=all --backend bpf -o /dev/null -- ;;
    blocker-untraced) wall_ms ;;
    blocker-stack) wall_ms "$trace" -q --stack --backend bpf -o /dev/null -- ;;
    blocker-stack-all) wall_ms "$trace" -q --stack=all --backend bpf -o /dev/null -- ;;
    blocker-strace-k) wall_ms strace -f -k --seccomp-bpf -qq -e trace=mmap,munmap,mremap,brk -o /dev/null ;;
  esac
}

cases=(storm-untraced storm-q storm-stack storm-stack-fp storm-stack-all
       blocker-untraced blocker-stack blocker-stack-all blocker-strace-k)
source "$(dirname "$0")/rounds.sh"
run_rounds "$rounds"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r)"
printf '%-18s %10s %7s   %s\n' case median ratio "all rounds (storm: ns/pair; blocker: ms)"
for entry in "${cases[@]}"; do
  m=$(median "${results[$entry]}")
  base=$(median "${results[${entry%%-*}-untraced]}")
  printf '%-18s %10s %7s   %s\n' "$entry" "$m" "$(ratio "$m" "$base")" "${results[$entry]}"
done
