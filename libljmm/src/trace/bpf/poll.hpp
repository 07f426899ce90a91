// The BPF backend once the programs are attached: the ring buffer read until the stop policy
// says so, with the losses, the traced set and -a's ranking kept up to date on the way.
#pragma once

#include <cstdint>
#include <optional>

#include "ljmm/child_process.hpp"
#include "ljmm/trace.hpp"
#include "trace/session/session.hpp"

struct mmaptrace_bpf;

namespace ljmm::trace::detail {

// What is traced: the -p processes and what they fork, and the command we started (if any).
struct Targets {
  TracedSet traced;
  std::optional<ChildProcess> command;
  uint32_t command_pid = 0;
};

// Releases the command, reads events into `sink` until the trace ends, and says what it saw.
Result<RunResult> poll_until_stopped(mmaptrace_bpf& skeleton, const Options& options, Sink& sink, Targets& targets,
                                     const Log& log);

}  // namespace ljmm::trace::detail
