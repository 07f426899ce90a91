#!/usr/bin/env bash
# Only ljmm-trace loads tracing's libraries (libbpf, libelf, libdw): the tools that show and check
# layouts need the model alone. ljmm-trace must show them, so the check is known to see them.
# Usage: check_tool_libraries.sh path/to/ljmm-trace path/to/tool...
set -euo pipefail
tracing_libraries='libbpf|libelf|libdw'
trace_tool=$1
shift
status=0

# ldd's output is read whole before grep: `ldd | grep -q` under pipefail fails whenever grep
# leaves early and ldd's next write gets SIGPIPE.
if ! grep -qE "$tracing_libraries" <<<"$(ldd "$trace_tool")"; then
  echo "ldd shows no libbpf, libelf or libdw for $(basename "$trace_tool"): this check cannot see them"
  status=1
fi
for tool in "$@"; do
  if found=$(grep -E "$tracing_libraries" <<<"$(ldd "$tool")"); then
    echo "$(basename "$tool") loads tracing's libraries:"
    echo "$found"
    status=1
  else
    echo "$(basename "$tool"): no libbpf, libelf or libdw"
  fi
done
exit $status
