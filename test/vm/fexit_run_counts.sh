#!/bin/sh
# That fexit costs other processes nothing, without timing anything: while ljmm-trace traces a
# sleeping pid, an unrelated process makes N getppid calls; with kernel.bpf_stats_enabled=1 the
# kernel counts each program's runs. The runs of the fexit programs, and of the fentry programs
# that note each call's start for them, must not grow with N (what they count is the few mmaps of
# the processes that start meanwhile, bpftool's own included), where tp_btf's sys_enter program
# runs on each of the N calls (the check that the counting works).
#
#   fexit_run_counts.sh BUILD_DIR [N]      as root, on a kernel that allows fexit
set -eu
build=$1
calls=${2:-1000000}
trace=$build/bin/ljmm-trace
loop=$build/bench/getppid_loop
log=$(mktemp)

# The runs of the loaded programs whose names start with one of the words of $1 (bpftool prints
# run_cnt once bpf_stats_enabled is set).
runs() {
  bpftool prog show | awk -v prefixes="$1" '
    BEGIN { n = split(prefixes, prefix, " ") }
    / name / {
      mine = 0
      for (i = 1; i < NF; i++)
        if ($i == "name") for (p = 1; p <= n; p++) if (index($(i + 1), prefix[p]) == 1) mine = 1
    }
    mine { for (i = 1; i < NF; i++) if ($i == "run_cnt") total += $(i + 1) }
    END { print total + 0 }'
}

# runs_during ATTACH PREFIXES: how many times the programs named PREFIX* ran while the loop ran.
runs_during() {
  sleep 600 &
  target=$!
  : >"$log"
  "$trace" -v -q --backend bpf --attach "$1" -p "$target" -o /dev/null 2>"$log" &
  tracer=$!
  tries=0
  until grep -q 'attached with' "$log"; do
    sleep 0.1
    tries=$((tries + 1))
    if [ $tries -gt 600 ] || ! kill -0 "$tracer" 2>/dev/null; then cat "$log" >&2; exit 1; fi
  done
  before=$(runs "$2")
  "$loop" "$calls" >/dev/null
  after=$(runs "$2")
  kill -INT "$tracer"
  wait "$tracer" || true
  kill "$target"
  wait "$target" 2>/dev/null || true
  echo $((after - before))
}

sysctl -q -w kernel.bpf_stats_enabled=1
fexit=$(runs_during fexit "fexit_ fentry_")
raw=$(runs_during tp_btf raw_sys_enter)
sysctl -q -w kernel.bpf_stats_enabled=0
rm -f "$log"
echo "fexit_run_counts: $calls getppid calls of another process; fexit and fentry programs ran $fexit times, tp_btf's sys_enter $raw times"
if [ "$raw" -lt "$calls" ]; then
  echo "FAIL: tp_btf's sys_enter ran fewer times than the calls made: the run counts are not counted" >&2
  exit 1
fi
if [ "$fexit" -ge $((calls / 1000)) ]; then
  echo "FAIL: the fexit and fentry programs ran $fexit times while another process made $calls getppid calls" >&2
  exit 1
fi
echo "PASS"
