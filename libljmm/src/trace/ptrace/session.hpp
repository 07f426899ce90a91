// The ptrace backend's session: the threads it holds and what it knows of each (backend.cpp
// runs the loop; seize.cpp attaches, launches, holds and lets go).
#pragma once

#include <sys/ptrace.h>
#include <sys/types.h>

#include <map>
#include <optional>
#include <string>

#include "ljmm/child_process.hpp"
#include "ljmm/trace.hpp"
#include "trace/ptrace/stacks.hpp"
#include "trace/ptrace/tracee.hpp"
#include "trace/session/session.hpp"

namespace ljmm::trace::detail {

constexpr int trace_options = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_TRACECLONE | PTRACE_O_TRACESECCOMP;
constexpr int follow_options = PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK;

struct Thread {
  Thread(uint32_t tgid, bool filtered) : pid(tgid), filtered(filtered) {}
  uint32_t pid = 0;       // tgid
  bool filtered = false;  // under ljmm's seccomp filter: only traced calls stop
  bool pending = false;   // entered a traced call, waiting for its exit
  // --no-follow: a new process that stays traced only because it inherited the seccomp filter
  // (without a tracer its calls would fail); nothing of it is reported.
  bool silent = false;
  bool detach_when_stopped = false;  // --no-follow: a new process we need not keep
  // Stopped before its creator's clone event was read (waitpid reports tracees in any order):
  // if it also exits first, its process is remembered for that event (exited_unannounced_).
  bool unannounced = false;
  Event call;
  uint64_t entry_ns = 0;
};

class PtraceSession {
 public:
  PtraceSession(const Options& options, Sink& sink, const Log& log)
      : options_(options),
        sink_(sink),
        log_(log),
        start_ns_(monotonic_ns()),
        policy_(options, start_ns_),
        stacks_(options) {}
  ~PtraceSession() { detach_all(); }

  Status attach(pid_t pid);
  Status seize_thread(pid_t pid, pid_t tid);
  Status launch();
  Result<RunResult> run();

 private:
  // How a thread stopped by our PTRACE_INTERRUPT (or by something else first) runs on.
  struct Held {
    pid_t tid;
    bool group_stop = false;  // a SIGSTOP of the process: it stays stopped
    int signal = 0;           // a signal it was about to get: delivered when it runs on
  };
  std::optional<Held> wait_until_stopped(pid_t tid);
  // The layout of a process whose threads are all stopped, to the sink (the layout model).
  void emit_layout(uint32_t pid, film::LayoutSource source);
  // Filtered processes must keep a tracer, so their forks are always traced (silently with
  // --no-follow); unfiltered ones are followed only when asked.
  int ptrace_options(bool filtered) const {
    return trace_options | (options_.follow_children || filtered ? follow_options : 0);
  }
  void emit(Event event);
  // The process's command name, read from /proc once and kept until it execs.
  const std::string& comm(uint32_t pid, pid_t tid) {
    auto [entry, inserted] = comms_.try_emplace(pid);
    if (inserted || entry->second.empty()) entry->second = comm_of(tid);
    return entry->second;
  }
  void on_syscall_stop(pid_t tid, Thread& thread);
  void on_event_stop(pid_t tid, Thread& thread, int event);
  void on_exit(pid_t tid, int status);
  // The process of the thread or process a clone, fork or vfork event created.
  uint32_t announced_tgid(pid_t child, int event);
  void end_filtered();
  void detach_all();

  const Options& options_;
  Sink& sink_;
  const Log& log_;
  uint64_t start_ns_;
  StopPolicy policy_;
  std::map<pid_t, Thread> threads_;
  // Threads that exited before their creator's clone event was read, and their process: /proc
  // no longer says, and taking the thread for a new process would report a fork that never was.
  std::map<pid_t, uint32_t> exited_unannounced_;
  std::map<uint32_t, std::string> comms_;  // last known command name of each traced process
  TracedSet traced_;
  std::optional<ChildProcess> command_;
  pid_t command_pid_ = 0;
  RunResult result_;
  PtraceStacks stacks_;  // DWARF stacks
};

}  // namespace ljmm::trace::detail
