#!/usr/bin/env bash
# The shared libraries export their API and none of their internals: no exported symbol names a
# namespace called detail (ljmm's own, or fmt's and nlohmann's instantiated in ljmm's code), and
# the entry points consumers call are there, so LJMM_API does mark them. libstdc++'s std::__detail
# is not in question: templates of namespace std keep that namespace's default visibility.
# Usage: check_exports.sh path/to/libljmm-core.so path/to/libljmm.so
set -euo pipefail
core=$1
tracing=$2
status=0

# check LIBRARY ENTRY...: an ENTRY with a space is a whole demangled name ("typeinfo for X"), any
# other one is a function, whatever its parameters.
check() {
  local library=$1
  shift
  local symbols
  symbols=$(nm -D --defined-only -C "$library" | cut -d' ' -f3-)
  local leaked
  leaked=$(grep -E '(^|[^[:alnum:]_])detail::' <<<"$symbols" || true)
  if [ -n "$leaked" ]; then
    echo "$(basename "$library") exports internals ($(wc -l <<<"$leaked") symbols), such as:"
    head -10 <<<"$leaked"
    status=1
  fi
  for entry in "$@"; do
    if [[ $entry == *" "* ]]; then
      grep -qxF -- "$entry" <<<"$symbols" && continue
    else
      grep -qE -- "^${entry}(\[abi:cxx11\])?\(" <<<"$symbols" && continue
    fi
    echo "$(basename "$library") does not export $entry"
    status=1
  done
  echo "$(basename "$library"): $(wc -l <<<"$symbols") symbols exported"
}

check "$core" ljmm::snapshot_pid ljmm::scan_host ljmm::parse_maps ljmm::read_proc_file ljmm::analyze \
  ljmm::diff_snapshots ljmm::snapshot_to_json ljmm::evaluate ljmm::render_report ljmm::SnapshotCache::SnapshotCache \
  ljmm::Symbolizer::symbolize ljmm::Region::label ljmm::spawn
check "$tracing" ljmm::trace::run ljmm::trace::summary_text ljmm::trace::Summary::on_event \
  "typeinfo for ljmm::trace::Sink" "typeinfo for ljmm::trace::Summary" "vtable for ljmm::trace::CallSites"
exit $status
