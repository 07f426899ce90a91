// A traced process's layout as the layout model starts from it: read from /proc/PID/smaps (whose
// VmFlags say what keeps neighbouring mappings apart) and /proc/PID/stat, on the events' clock.
#pragma once

#include <cstdint>

#include "ljmm/film.hpp"
#include "ljmm/result.hpp"

namespace ljmm::trace::detail {

// `trace_start_ns` is the monotonic time events are counted from; the layout's time is when
// the read began. `stopped`: every thread of the process is stopped (ptrace) while it is read.
Result<film::StartLayout> read_start_layout(uint32_t pid, film::LayoutSource source, bool stopped,
                                            uint64_t trace_start_ns);

}  // namespace ljmm::trace::detail
