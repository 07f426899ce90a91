#include "trace/bpf/seed.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

#include "trace/session/start_layout.hpp"

namespace ljmm::trace::detail {

namespace {

// Waits for the exec stop; a signal on the way is delivered. False when the command went away.
bool wait_for_exec(pid_t pid) {
  for (;;) {
    int status = 0;
    pid_t got = ::waitpid(pid, &status, __WALL);
    if (got < 0 && errno == EINTR) continue;
    if (got != pid || !WIFSTOPPED(status)) return false;
    if (status >> 8 == (SIGTRAP | (PTRACE_EVENT_EXEC << 8))) return true;
    int signal = (status >> 16) == 0 ? WSTOPSIG(status) : 0;
    ::ptrace(PTRACE_CONT, pid, nullptr, reinterpret_cast<void*>(static_cast<uintptr_t>(signal)));
  }
}

}  // namespace

bool keeps_layouts(const Options& options) { return options.calls.all() && !options.system_wide.enabled; }

Result<std::optional<film::StartLayout>> release_command(ChildProcess& command, bool read_layout,
                                                         uint64_t trace_start_ns, const Log& log) {
  pid_t pid = command.pid();
  bool held = read_layout && ::ptrace(PTRACE_SEIZE, pid, nullptr, PTRACE_O_TRACEEXEC) == 0;
  if (read_layout && !held)
    log(fmt::format("the command cannot be held at its exec ({}): its layout is read once it runs",
                    std::strerror(errno)));
  if (Status released = command.release(); !released) return released.error();  // "cannot run ..."
  if (!held) return std::optional<film::StartLayout>();
  std::optional<film::StartLayout> layout;
  if (wait_for_exec(pid)) {
    auto read = read_start_layout(static_cast<uint32_t>(pid), film::LayoutSource::exec, true, trace_start_ns);
    if (read)
      layout = std::move(read).value();
    else
      log(fmt::format("the command's layout could not be read at its exec: {}", read.error().message));
    ::ptrace(PTRACE_DETACH, pid, nullptr, nullptr);
  }
  return layout;
}

}  // namespace ljmm::trace::detail
