#!/usr/bin/env bash
# Only ljmm-trace loads tracing's libraries (libbpf, libelf, libdw): the tools that show and check
# layouts need the model alone. ljmm-trace must show them, so the check is known to see them.
# No tool loads the post-mortem libraries (libsystemd, libzstd, liblzma, liblz4) when it starts:
# they are opened when --coredump or a compressed core needs them (tools/common/shared_library.hpp).
# Usage: check_tool_libraries.sh path/to/ljmm-trace path/to/tool...
set -euo pipefail
tracing_libraries='libbpf|libelf|libdw'
postmortem_libraries='libsystemd|libzstd|liblzma|liblz4'
trace_tool=$1
shift
status=0

# ldd's output is read whole before grep: `ldd | grep -q` under pipefail fails whenever grep
# leaves early and ldd's next write gets SIGPIPE.
if ! grep -qE "$tracing_libraries" <<<"$(ldd "$trace_tool")"; then
  echo "ldd shows no libbpf, libelf or libdw for $(basename "$trace_tool"): this check cannot see them"
  status=1
fi
# refuse_libraries WHAT PATTERN TOOL...: each tool's ldd shows none of the libraries.
refuse_libraries() {
  local what=$1 pattern=$2 tool found
  shift 2
  for tool in "$@"; do
    if found=$(grep -E "$pattern" <<<"$(ldd "$tool")"); then
      echo "$(basename "$tool") loads $what:"
      echo "$found"
      status=1
    else
      echo "$(basename "$tool"): no $what"
    fi
  done
}

refuse_libraries "tracing's libraries" "$tracing_libraries" "$@"
# ldd lists what the tracing libraries need in turn (libdw needs liblzma): ljmm-trace's own
# NEEDED entries are checked, every other tool's whole list.
if found=$(grep -E "NEEDED.*($postmortem_libraries)" <<<"$(readelf -d "$trace_tool")"); then
  echo "$(basename "$trace_tool") links post-mortem libraries:"
  echo "$found"
  status=1
fi
refuse_libraries "post-mortem libraries at start-up" "$postmortem_libraries" "$@"
exit $status
