#!/bin/bash
# What a trace costs the rest of the host: an unrelated process's getppid loop
# (bench/getppid_loop.c) while ljmm-trace traces a sleeping pid, per attach method, against no
# trace, in the same run, rounds interleaved; the median of the rounds.
# Run as root: bench/host_cost.sh BUILD_DIR [ROUNDS] [CALLS]
# In a guest booted with a Debian kernel (where fexit is allowed), e.g.:
#   test/vm/run_in_vm.sh --share BUILD_DIR 6.12 "bash $PWD/bench/host_cost.sh BUILD_DIR 5 1000000"
set -euo pipefail
build=${1:?usage: host_cost.sh BUILD_DIR [ROUNDS] [CALLS]}
rounds=${2:-5}
calls=${3:-10000000}
trace=$build/bin/ljmm-trace
loop=$build/bench/getppid_loop
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# ns per getppid with ljmm-trace -p (a sleeping pid) attached the given way; "none": no trace.
measure() {
  local attach=$1
  if [ "$attach" = none ]; then "$loop" "$calls"; return; fi
  sleep 600 & local target=$!
  : >"$log"
  "$trace" -v -q --backend bpf --attach "$attach" -p "$target" -o /dev/null 2>"$log" & local tracer=$!
  local tries=0
  until grep -q 'attached with' "$log"; do
    sleep 0.1; tries=$((tries + 1))
    if [ $tries -gt 300 ]; then cat "$log" >&2; exit 1; fi
  done
  "$loop" "$calls"
  kill -INT "$tracer"; wait "$tracer" || true
  kill "$target"; wait "$target" 2>/dev/null || true
}

# Every attach method this kernel allows (fexit is refused by some).
source "$(dirname "$0")/attaches.sh"
source "$(dirname "$0")/rounds.sh"
cases=(none)
mapfile -t -O ${#cases[@]} cases < <(available_attaches "$trace" host_cost)
echo "host_cost: kernel $(uname -r), $rounds rounds of $calls calls" >&2
run_rounds "$rounds"
print_medians attach ns/getppid none
