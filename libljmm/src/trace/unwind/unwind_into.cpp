// One unwind as both backends do it: the frames into the event, and how it ended into the stats.
#include "trace/unwind/dwarf.hpp"

namespace ljmm::trace::detail {

void unwind_into(DwarfUnwinder& unwinder, const DwarfUnwinder::Modules& modules, const UnwindInput& input,
                 size_t max_frames, Event& event, StackStats& stats) {
  Unwound unwound = unwinder.unwind(modules, input, max_frames);
  ++stats.unwound;
  switch (unwound.end) {
    case UnwindEnd::outermost:
    case UnwindEnd::depth_limit: ++stats.complete; break;
    case UnwindEnd::copy_short: ++stats.copy_short; break;
    case UnwindEnd::failed:
      ++stats.failed;
      stats.last_failure = unwound.why;
      break;
  }
  event.stack = std::move(unwound.frames);
  event.stack_files = std::move(unwound.files);
}

}  // namespace ljmm::trace::detail
