#!/usr/bin/env bash
# ljmm-inspect --all --findings-only against `cat /proc/[0-9]*/maps` in the same run, on this host
# as it is and with 1,000 extra sleeping processes; interleaved runs, median of 5.
# usage: bench/inspect_all_bench.sh BUILD_DIR [EXTRA_PROCESSES]
set -euo pipefail
build_dir=$1
extra=${2:-1000}
inspect="$build_dir/bin/ljmm-inspect"

median_ms() {  # median_ms COMMAND...: the median wall time of 5 runs, in milliseconds
  local times=()
  for _ in 1 2 3 4 5; do
    local start end
    start=$(date +%s%N)
    "$@" > /dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 3p | awk '{printf "%.1f", $1 / 1000}'
}

row() {  # row LABEL
  local processes ljmm cat_maps
  processes=$(ls -d /proc/[0-9]* | wc -l)
  ljmm=$(median_ms "$inspect" --all --findings-only)
  cat_maps=$(median_ms sh -c 'cat /proc/[0-9]*/maps')
  printf '| %s | %d | %s | %s | %.2fx |\n' "$1" "$processes" "$ljmm" "$cat_maps" "$(echo "$ljmm / $cat_maps" | bc -l)"
}

echo "| host | processes | ljmm-inspect --all --findings-only (ms) | cat /proc/[0-9]*/maps (ms) | ratio |"
echo "| --- | ---: | ---: | ---: | ---: |"
row "as it is"
pids=()
for _ in $(seq "$extra"); do sleep 600 & pids+=($!); done
trap 'kill "${pids[@]}" 2>/dev/null' EXIT
sleep 1
row "with $extra sleeping processes"
