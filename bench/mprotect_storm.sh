#!/bin/bash
# What tracing the layout calls costs: a JIT's mprotect storm (bench/mprotect_storm.c) untraced,
# traced by ljmm-trace -q (the layout model kept, with each attach method this kernel allows and
# with ptrace), and by strace -f; and what a trace costs the rest of the host meanwhile: an
# unrelated getppid loop with and without ljmm-trace tracing the storm. Rounds interleaved, the
# median of each. Run as root: bench/mprotect_storm.sh BUILD_DIR [ROUNDS] [CALLS]
set -euo pipefail
build=${1:?usage: mprotect_storm.sh BUILD_DIR [ROUNDS] [CALLS]}
rounds=${2:-5}
calls=${3:-1000000}
trace=$build/bin/ljmm-trace
storm=$build/bench/mprotect_storm
loop=$build/bench/getppid_loop
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# ns per mprotect of the storm, run the way the case says.
measure() {
  case $1 in
    none) "$storm" "$calls" ;;
    strace) strace -f -qq -o /dev/null "$storm" "$calls" ;;
    ptrace) "$trace" -q -o /dev/null --backend ptrace -- "$storm" "$calls" 2>/dev/null ;;
    getppid) "$loop" $((calls * 5)) ;;
    getppid-traced)  # the loop beside a traced storm
      "$trace" -q -o /dev/null -- "$storm" $((calls * 20)) >/dev/null 2>&1 & local tracer=$!
      sleep 0.5
      "$loop" $((calls * 5))
      wait "$tracer" || true ;;
    *) "$trace" -q -o /dev/null --backend bpf --attach "$1" -- "$storm" "$calls" 2>/dev/null ;;
  esac
}

source "$(dirname "$0")/attaches.sh"
source "$(dirname "$0")/rounds.sh"
cases=(none)
mapfile -t -O ${#cases[@]} cases < <(available_attaches "$trace" mprotect_storm)
cases+=(ptrace strace)
echo "mprotect_storm: kernel $(uname -r), $rounds rounds of $calls mprotect calls" >&2
run_rounds "$rounds"
print_medians traced ns/mprotect none
# The rest of the host: a getppid loop alone, and beside the traced storm (both CPUs busy).
cases=(getppid getppid-traced)
results=()
run_rounds "$rounds"
print_medians host ns/getppid getppid
