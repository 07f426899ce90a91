// Why a trace ended, said in the summary: a reload traced only halfway must not look complete.
#include <fmt/format.h>

#include "ljmm/trace_report.hpp"

namespace ljmm::trace {

namespace {

// "pid 12 (nginx), pid 40 (nginx)"
std::string name_pids(const Summary& summary, const std::vector<uint32_t>& pids) {
  std::string text;
  for (uint32_t pid : pids) {
    auto process = summary.processes().find(pid);
    std::string comm = process == summary.processes().end() ? "" : process->second.comm;
    text += fmt::format("{}pid {}{}", text.empty() ? "" : ", ", pid, comm.empty() ? "" : " (" + comm + ")");
  }
  return text;
}

std::string why(const Summary& summary, const RunResult& run) {
  switch (run.stop_reason) {
    case StopReason::command_done:
      return run.command_exit >= 0
                 ? fmt::format("the command exited (status {}) and nothing else was traced", run.command_exit)
                 : "the command ended and nothing else was traced";
    case StopReason::targets_exited: return "every traced process exited";
    case StopReason::idle:
      return fmt::format(
          "the command exited and the other processes made no traced call (the -p ones used no CPU time) for {:g} s",
          run.limit_seconds);
    case StopReason::grace:
      return run.busy_pids.empty()
                 ? fmt::format("the grace of {:g} s after the command ran out", run.limit_seconds)
                 : fmt::format("the grace of {:g} s after the command ran out while {} {} still making calls",
                               run.limit_seconds, name_pids(summary, run.busy_pids),
                               run.busy_pids.size() == 1 ? "was" : "were");
    case StopReason::duration: return fmt::format("-d {:g} s ran out", run.limit_seconds);
    case StopReason::interrupted: return "interrupted (Ctrl-C or a signal)";
  }
  return "";
}

}  // namespace

std::string stop_sentence(const Summary& summary, const RunResult& run) {
  return fmt::format("stopped after {:.1f} s: {}", static_cast<double>(run.stopped_at_ns) / 1e9, why(summary, run));
}

std::string busy_warning(const Summary& summary, const RunResult& run) {
  if (run.busy_pids.empty() || run.stop_reason == StopReason::command_done ||
      run.stop_reason == StopReason::targets_exited)
    return {};
  return fmt::format(
      "WARNING: {} {} still at work when the trace stopped: what came next is missing; trace longer (--grace, -d)",
      name_pids(summary, run.busy_pids), run.busy_pids.size() == 1 ? "was" : "were");
}

}  // namespace ljmm::trace
