# Sourced by the benchmark scripts: available_attaches TRACE NAME prints, one per line, every
# BPF attach method this kernel allows (fexit is refused by some), cheapest for the host first,
# and names on stderr those it refuses.
available_attaches() {
  local trace=$1 name=$2 attach
  for attach in fexit tracepoint tp_btf; do
    if "$trace" -q -o /dev/null --backend bpf --attach "$attach" -- true 2>/dev/null; then
      echo "$attach"
    else
      echo "$name: --attach $attach is not available on this kernel" >&2
    fi
  done
}
