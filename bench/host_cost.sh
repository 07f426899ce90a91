#!/bin/bash
# What a trace costs the rest of the host: an unrelated process's getppid loop
# (bench/getppid_loop.c) while ljmm-trace traces a sleeping pid, per attach method and with the
# ptrace backend, against no trace and against the floor of the tracepoint methods (one syscalls
# tracepoint enabled, nothing attached), in the same run, rounds interleaved; the median of the
# rounds.
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

# The floor of every method built on the syscalls tracepoints, with no program at all: one of
# them enabled through tracefs (ftrace's own probe) puts every task of the host on the kernel's
# slow system call path.
tracefs=/sys/kernel/tracing
floor_event=$tracefs/events/syscalls/sys_enter_mmap/enable
tracepoint_floor() {
  [ -e "$floor_event" ] || mount -t tracefs nodev "$tracefs"
  echo 1 >"$floor_event"
  "$loop" "$calls"
  echo 0 >"$floor_event"
}

# ns per getppid with ljmm-trace -p (a sleeping pid) attached the given way; "none": no trace;
# "ptrace": the ptrace backend, which stops only the traced process; "tracefs-floor": above.
measure() {
  local attach=$1
  if [ "$attach" = none ]; then "$loop" "$calls"; return; fi
  if [ "$attach" = tracefs-floor ]; then tracepoint_floor; return; fi
  local backend=(--backend bpf --attach "$attach")
  [ "$attach" = ptrace ] && backend=(--backend ptrace)
  sleep 600 & local target=$!
  : >"$log"
  "$trace" -v -q "${backend[@]}" -p "$target" -o /dev/null 2>"$log" & local tracer=$!
  local tries=0
  until grep -q 'attached with\|tracing with ptrace' "$log"; do
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
cases=(none tracefs-floor ptrace)
mapfile -t -O ${#cases[@]} cases < <(available_attaches "$trace" host_cost)
echo "host_cost: kernel $(uname -r), $rounds rounds of $calls calls" >&2
run_rounds "$rounds"
print_medians attach ns/getppid none
