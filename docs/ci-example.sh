#!/usr/bin/env bash
# An example CI job: build a program, start it, wait until it is ready, assert its address-space
# layout with ljmm-check, keep the JUnit report, and fail the job on any violation.
#
#   RULES=docs/ci-example-rules.json bash docs/ci-example.sh
#
# Needs a C compiler and ljmm-check (on PATH, or LJMM_CHECK=/path/to/ljmm-check).
set -euo pipefail

rules=${RULES:-$(dirname "$0")/ci-example-rules.json}
junit=${JUNIT:-ljmm-junit.xml}
check=${LJMM_CHECK:-ljmm-check}
work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# 1. Build the program under test (here a stand-in that allocates, then says it is ready).
cat > "$work/server.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
  for (int i = 0; i < 10000; i++) memset(malloc(1000), 1, 1000);  /* its working set */
  FILE *ready = fopen(argv[1], "w");                                /* "I am ready" */
  if (ready) fclose(ready);
  pause();
  return 0;
}
C
cc -O2 -o "$work/server" "$work/server.c"

# 2. Start it.
"$work/server" "$work/ready" &
server_pid=$!

# 3. Assert its layout once it is ready; ljmm-check's exit status fails the job on a violation.
"$check" --rules "$rules" --wait-for-file "$work/ready" --timeout 30 --junit "$junit" "$server_pid"
