// Picking the backend: BPF when the kernel lets us load it, ptrace otherwise (or when asked).
#include <unistd.h>

#include "trace/bpf/backend.hpp"
#include "trace/ptrace/backend.hpp"
#include "trace/session/session.hpp"

namespace ljmm::trace {

namespace {

// Only BPF sees every process: ptrace would have to stop each of them.
Result<RunResult> run_system_wide(const Options& options, Sink& sink, const Log& log) {
  if (!options.pids.empty())
    return make_error(Errc::invalid_argument, "-a traces every process: it takes no -p");
  if (options.backend == BackendChoice::ptrace)
    return make_error(Errc::invalid_argument, "-a needs the BPF backend: ptrace cannot trace every process");
  auto result = detail::run_bpf(options, sink, log);
  if (!result && result.error().code == Errc::not_permitted)
    return make_error(Errc::not_permitted, result.error().message + " (-a has no ptrace fallback)");
  if (result) result->backend_reason = "system-wide tracing needs BPF";
  return result;
}

Result<RunResult> run_backend(const Options& options, Sink& sink, const Log& log) {
  if (options.system_wide.enabled) return run_system_wide(options, sink, log);
  if (options.pids.empty() && options.command.empty())
    return make_error(Errc::invalid_argument, "nothing to trace: give -p PID or -- COMMAND");
  if (Status pids = detail::check_pids(options.pids); !pids) return pids.error();

  if (options.backend == BackendChoice::ptrace) {
    auto result = detail::run_ptrace(options, sink, log);
    if (result) result->backend_reason = "asked for with --backend=ptrace";
    return result;
  }
  auto result = detail::run_bpf(options, sink, log);
  if (result) {
    result->backend_reason =
        options.backend == BackendChoice::bpf ? "asked for with --backend=bpf" : "the default: BPF is allowed here";
    return result;
  }
  // Not allowed, or the kernel lacks what the programs need: ptrace still traces.
  bool ptrace_can_do = result.error().code == Errc::not_permitted || result.error().code == Errc::unsupported;
  if (options.backend == BackendChoice::bpf || !ptrace_can_do) return result;
  std::string reason = result.error().message + "; using ptrace";
  auto fallback = detail::run_ptrace(options, sink, log);
  if (fallback) fallback->backend_reason = reason;
  return fallback;
}

}  // namespace

Result<RunResult> run(const Options& options, Sink& sink, const Log& log) {
  auto result = run_backend(options, sink, log);
  if (result) result->calls = options.calls;
  return result;
}

}  // namespace ljmm::trace
