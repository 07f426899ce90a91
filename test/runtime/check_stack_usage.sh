#!/usr/bin/env bash
# The runtime runs inside mmap calls made anywhere, signal handlers on small alternate stacks
# included: every one of its functions must have a bounded frame under 2 KiB, as gcc's
# -fstack-usage reports it (the painted-stack test measures the whole placement path).
# usage: check_stack_usage.sh OBJECT_DIR
set -euo pipefail
files=$(find "$1" -name '*.su')
[ -n "$files" ] || { echo "no .su files under $1: is the runtime built with -fstack-usage?"; exit 1; }
limit=2048
bad=$(cat $files | awk -F'\t' -v limit="$limit" '$2 >= limit || $3 !~ /^static/ {print}')
if [ -n "$bad" ]; then
  echo "runtime functions with a frame of $limit bytes or more, or of unbounded size:"
  echo "$bad"
  exit 1
fi
largest=$(cat $files | sort -t$'\t' -k2 -n | tail -1)
echo "every runtime frame is static and under $limit bytes; the largest: $largest"
