#!/usr/bin/env bash
# Seeds from real processes, made where the fuzzers run: the maps and smaps of a process with
# about 65,000 mappings, and ring-buffer records.
#   usage: make_seeds.sh OUT_DIR MANY_MAPPINGS MAKE_EVENT_SEEDS
set -euo pipefail
out=$1
mkdir -p "$out/maps" "$out/smaps" "$out/events"
coproc helper { "$2" 65000; }
read -r pid count <&"${helper[0]}"
cat "/proc/$pid/maps" > "$out/maps/65k-mappings.maps"
head -c 2000000 "/proc/$pid/smaps" > "$out/smaps/65k-mappings-head.smaps"
exec {helper[1]}>&-
wait "$helper_PID" || true
"$3" "$out/events"
echo "seeds: $(wc -l < "$out/maps/65k-mappings.maps") maps lines"
