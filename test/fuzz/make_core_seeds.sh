#!/usr/bin/env bash
# Seeds for fuzz_core: small cores gdb's gcore writes of a static i386 program and of a 64-bit
# one (no host-wide setting is touched, unlike the kernel's cores).
#   usage: make_core_seeds.sh OUT_DIR CORE_I386 MANY_MAPPINGS
set -euo pipefail
out=$1
mkdir -p "$out"
for program in "$2" "$3 16"; do
  coproc helper { exec $program; }
  read -r _ <&"${helper[0]}"
  gcore -o "$out/gcore" "$helper_PID" > /dev/null 2>&1
  exec {helper[1]}>&-
  wait "$helper_PID" || true
done
echo "core seeds: $(ls "$out" | wc -l) cores"
