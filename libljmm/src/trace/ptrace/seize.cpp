// The ptrace backend's hold on its tracees: seizing the threads of -p processes, starting the
// command under its seccomp filter, stopping a process while its layout is read, letting go.
#include <fmt/format.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>

#include "ljmm/proc.hpp"
#include "trace/ptrace/ia32.hpp"
#include "trace/ptrace/session.hpp"
#include "trace/session/start_layout.hpp"

namespace ljmm::trace::detail {

Status PtraceSession::attach(pid_t pid) {
  // Threads started while we seize the others are missed by one listing: list again until a
  // listing finds no new thread (as strace -p does). Threads we seized report their clones.
  for (bool found_new = true; found_new;) {
    found_new = false;
    auto threads = read_thread_ids(pid);
    if (!threads) return threads.error();
    for (pid_t tid : *threads) {
      if (threads_.count(tid)) continue;
      found_new = true;
      if (Status seized = seize_thread(pid, tid); !seized) return seized;
    }
  }
  traced_.add(static_cast<uint32_t>(pid));
  // Each thread stops at our interrupt: once all have, nothing changes the layout while it is
  // read. Then they run on, as the main loop would have let them.
  std::vector<Held> held;
  for (auto& [tid, thread] : threads_)
    if (thread.pid == static_cast<uint32_t>(pid))
      if (std::optional<Held> stopped = wait_until_stopped(tid)) held.push_back(*stopped);
  emit_layout(static_cast<uint32_t>(pid), film::LayoutSource::attach);
  for (const Held& thread : held) {
    if (thread.group_stop)
      ::ptrace(PTRACE_LISTEN, thread.tid, nullptr, nullptr);
    else
      ::ptrace(PTRACE_SYSCALL, thread.tid, nullptr, reinterpret_cast<void*>(static_cast<uintptr_t>(thread.signal)));
  }
  return {};
}

std::optional<PtraceSession::Held> PtraceSession::wait_until_stopped(pid_t tid) {
  for (;;) {
    int status = 0;
    pid_t got = ::waitpid(tid, &status, __WALL);
    if (got < 0 && errno == EINTR) continue;
    if (got != tid || !WIFSTOPPED(status)) return std::nullopt;  // gone: the main loop learns of its exit
    int signal = WSTOPSIG(status), event = status >> 16;
    if (event == PTRACE_EVENT_STOP) return Held{tid, is_stop_signal(signal), 0};
    if (event != 0) {  // a clone or exec under way when we seized it: said as the main loop would
      on_event_stop(tid, threads_.at(tid), event);
      return Held{tid, false, 0};
    }
    return Held{tid, false, signal};  // a signal on its way: the thread is stopped all the same
  }
}

void PtraceSession::emit_layout(uint32_t pid, film::LayoutSource source) {
  if (!options_.calls.all()) return;  // the model needs every layout call
  auto layout = read_start_layout(pid, source, true, start_ns_);
  if (!layout) {
    log_(fmt::format("pid {}: its layout could not be read ({}): the model does not know it", pid,
                     layout.error().message));
    return;
  }
  sink_.on_layout(*layout);
}

Status PtraceSession::seize_thread(pid_t pid, pid_t tid) {
  {
    if (::ptrace(PTRACE_SEIZE, tid, nullptr, ptrace_options(false)) != 0) {
      if (errno == ESRCH) return {};  // a thread that just exited
      int code = errno;
      return make_error(code == EPERM ? Errc::permission_denied : Errc::io_error,
                        fmt::format("pid {}: cannot trace it: {}{}", pid, std::strerror(code),
                                    code == EPERM ? " (needs the same user and ptrace_scope, or CAP_SYS_PTRACE)" : ""));
    }
    ::ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr);
    threads_.insert_or_assign(tid, Thread(static_cast<uint32_t>(pid), false));
    log_(fmt::format("seized thread {} of pid {}: it stops at every system call", tid, pid));
  }
  return {};
}

Status PtraceSession::launch() {
  // With -d the trace ends first by design: no filter, so the command keeps working untraced.
  bool filtered = options_.duration_seconds <= 0;
  SpawnOptions spawn_options{.hold_before_exec = true};
  if (filtered) {
    spawn_options.seccomp_trace_syscalls = traced_numbers(options_.calls);
    spawn_options.seccomp_trace_ia32_syscalls = ia32_numbers(options_.calls);
  }
  auto child = spawn(options_.command, spawn_options);
  if (!child) return child.error();
  command_ = std::move(child).value();
  command_pid_ = command_->pid();
  if (::ptrace(PTRACE_SEIZE, command_pid_, nullptr, ptrace_options(filtered) | PTRACE_O_EXITKILL) != 0)
    return make_error(Errc::permission_denied, fmt::format("cannot trace the command: {}", std::strerror(errno)));
  ::ptrace(PTRACE_INTERRUPT, command_pid_, nullptr, nullptr);
  threads_.insert_or_assign(command_pid_, Thread(static_cast<uint32_t>(command_pid_), filtered));
  traced_.add(static_cast<uint32_t>(command_pid_));
  command_->open_gate();  // it execs once it runs again; its exit tells whether exec failed
  log_(filtered ? "the command runs under a seccomp filter: it stops only at the traced calls"
                : "with -d the command runs without a seccomp filter (it stops at every call), so it keeps "
                  "working when the trace ends first");
  return {};
}

void PtraceSession::detach_all() {
  // A tracee can only be detached while stopped: interrupt each one, wait for the stop, detach.
  for (auto& [tid, thread] : threads_) {
    if (::ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr) != 0) continue;
    for (int tries = 0; tries < 100; ++tries) {
      int status = 0;
      pid_t got = ::waitpid(tid, &status, __WALL);
      if (got < 0 && errno == EINTR) continue;
      if (got != tid || !WIFSTOPPED(status)) break;
      int signal = WSTOPSIG(status), event = status >> 16;
      bool signal_stop = signal != (SIGTRAP | 0x80) && event == 0;
      ::ptrace(PTRACE_DETACH, tid, nullptr, reinterpret_cast<void*>(static_cast<uintptr_t>(signal_stop ? signal : 0)));
      break;
    }
  }
  threads_.clear();
}

}  // namespace ljmm::trace::detail
