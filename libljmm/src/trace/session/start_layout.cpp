#include "trace/session/start_layout.hpp"

#include "ljmm/proc.hpp"
#include "trace/session/session.hpp"

namespace ljmm::trace::detail {

Result<film::StartLayout> read_start_layout(uint32_t pid, film::LayoutSource source, bool stopped,
                                            uint64_t trace_start_ns) {
  film::StartLayout layout;
  layout.pid = pid;
  layout.source = source;
  layout.stopped = stopped;
  uint64_t now = monotonic_ns();
  layout.time_ns = now > trace_start_ns ? now - trace_start_ns : 0;
  // smaps in one read is one consistent list; calls that end while it is read are applied to it
  // again (film.hpp), so a process that keeps running is read all the same.
  auto text = read_proc_file(static_cast<int>(pid), "smaps");
  if (!text) return text.error();
  auto regions = parse_smaps(*text);
  if (!regions) return regions.error();
  for (Region& region : *regions) region.smaps.clear_fields();  // sizes of pages, not of the layout
  layout.regions = std::move(regions).value();
  auto process = read_process_info(static_cast<int>(pid));
  if (!process) return process.error();
  layout.process = std::move(process).value();
  layout.system = read_system_info();
  return layout;
}

}  // namespace ljmm::trace::detail
