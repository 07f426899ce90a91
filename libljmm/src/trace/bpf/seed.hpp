// Start layouts for the layout model with the BPF backend: the command stopped at its exec while
// its layout is read (exact from its first instruction), the -p processes when tracing begins,
// and a traced process that execs once its exec event is read.
#pragma once

#include <cstdint>
#include <optional>

#include "ljmm/child_process.hpp"
#include "ljmm/film.hpp"
#include "ljmm/trace.hpp"

namespace ljmm::trace::detail {

// Whether the trace keeps the layout model: it needs every layout call, and one process's
// layout is read at each exec, which system-wide (-a) would do for the whole host.
bool keeps_layouts(const Options& options);

// Lets the held command exec. With `read_layout`, the command is held at the end of its exec
// (PTRACE_O_TRACEEXEC, then detached) while its layout is read; nullopt when it could not be.
Result<std::optional<film::StartLayout>> release_command(ChildProcess& command, bool read_layout,
                                                         uint64_t trace_start_ns, const Log& log);

}  // namespace ljmm::trace::detail
