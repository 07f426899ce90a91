#!/bin/bash
# What `ljmm-trace -a -q` costs a process's mmap/munmap loop (test/progs/mmap_storm: 4 KiB
# mapped and unmapped PAIRS times), against the ways of tracing one process, per attach method,
# in the same run, rounds interleaved; the median of the rounds.
#   none         no trace
#   one-other    ljmm-trace -q -p <a sleeping pid>: another process is traced, the loop is not
#   one-self     ljmm-trace -q -- mmap_storm: the loop itself is traced, an event per call
#   all-q        ljmm-trace -a -q: every process counted in the kernel, the loop included
#   all-q-other  ljmm-trace -a -q --comm <another name>: the loop left out by the kernel filter
#   all-events   ljmm-trace -a -o /dev/null: every process, an event per call
# Run as root: bench/system_wide_cost.sh BUILD_DIR [ROUNDS] [PAIRS]
# In a guest booted with a Debian kernel (where fexit is allowed), e.g.:
#   test/vm/run_in_vm.sh --share BUILD_DIR 6.12 "bash $PWD/bench/system_wide_cost.sh BUILD_DIR 3 100000"
set -euo pipefail
build=${1:?usage: system_wide_cost.sh BUILD_DIR [ROUNDS] [PAIRS]}
rounds=${2:-5}
pairs=${3:-500000}
trace=$build/bin/ljmm-trace
storm=$build/test/progs/mmap_storm
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Runs the storm (after the given command prefix); it prints ns per mmap+munmap pair, timed
# around its loop alone.
run_storm() { "$@" "$storm" "$pairs" time; }

# Starts ljmm-trace with the given arguments in the background and waits until it is attached.
start_tracer() {
  : >"$log"
  "$trace" -v --backend bpf "$@" -o /dev/null 2>"$log" &
  tracer=$!
  local tries=0
  until grep -q 'attached with' "$log"; do
    sleep 0.1; tries=$((tries + 1))
    if [ $tries -gt 300 ]; then cat "$log" >&2; exit 1; fi
  done
}
stop_tracer() { kill -INT "$tracer"; wait "$tracer" || true; }

measure() {
  local method=$1 attach=$2 ns
  case $method in
    none) run_storm ;;
    one-other)
      sleep 600 & local target=$!
      start_tracer -q --attach "$attach" -p "$target"
      ns=$(run_storm); stop_tracer; kill "$target"; wait "$target" 2>/dev/null || true; echo "$ns" ;;
    one-self) run_storm "$trace" -q --backend bpf --attach "$attach" -o /dev/null -- ;;
    all-q) start_tracer -a -q --attach "$attach"; ns=$(run_storm); stop_tracer; echo "$ns" ;;
    all-q-other) start_tracer -a -q --attach "$attach" --comm no-such-name; ns=$(run_storm); stop_tracer; echo "$ns" ;;
    all-events) start_tracer -a --attach "$attach"; ns=$(run_storm); stop_tracer; echo "$ns" ;;
  esac
}

# Every attach method this kernel allows (fexit is refused by some).
source "$(dirname "$0")/attaches.sh"
attaches=()
mapfile -t -O ${#attaches[@]} attaches < <(available_attaches "$trace" system_wide_cost)
cases=("none -")
for attach in "${attaches[@]}"; do
  for method in one-other one-self all-q all-q-other all-events; do cases+=("$method $attach"); done
done
source "$(dirname "$0")/rounds.sh"
run_rounds "$rounds"
base=$(median "${results[none -]}")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r), $rounds rounds of $pairs pairs"
printf '%-12s %-11s %10s %7s   %s\n' method attach "ns/pair" ratio "all rounds"
for entry in "${cases[@]}"; do
  m=$(median "${results[$entry]}")
  read -r method attach <<<"$entry"
  printf '%-12s %-11s %10s %7s   %s\n' "$method" "$attach" "$m" "$(ratio "$m" "$base")" "${results[$entry]}"
done
