// The ptrace backend, for where BPF is not allowed: every thread of the traced processes is
// seized (PTRACE_SEIZE) and followed through fork, clone and exec. PTRACE_GET_SYSCALL_INFO says
// whether a stop is an entry or an exit. A command ljmm-trace starts gets a seccomp filter
// before exec (as strace --seccomp-bpf does): it stops only at the four traced calls
// (SECCOMP_RET_TRACE) and runs freely otherwise; attached processes (-p) cannot be given one and
// stop at every call (PTRACE_SYSCALL). At the end every tracee is interrupted and detached.
//
// A seccomp filter outlives its tracer, and SECCOMP_RET_TRACE without one fails the call with
// ENOSYS: a filtered process left behind could not map memory any more. So with -d, where the
// trace is meant to end first, the command runs unfiltered (it stops at every call, as -p
// processes do) and is detached at the end; when the trace ends early otherwise (Ctrl-C, the
// grace after the command), filtered processes still alive are ended and named (strace's
// --seccomp-bpf does the same with --kill-on-exit).
#include <fmt/format.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <linux/audit.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>

#include "ljmm/child_process.hpp"
#include "ljmm/proc.hpp"
#include "trace/ptrace/ia32.hpp"
#include "trace/session/mapped_path.hpp"
#include "trace/ptrace/backend.hpp"
#include "trace/ptrace/session.hpp"
#include "trace/ptrace/stacks.hpp"
#include "trace/session/session.hpp"
#include "trace/unwind/frame_pointers.hpp"
#include "trace/ptrace/tracee.hpp"

namespace ljmm::trace::detail {

namespace {

void wake_up(int) {}  // the interval timer only interrupts waitpid, so the stop policy is checked

}  // namespace

void PtraceSession::emit(Event event) {
  if (event.kind == EventKind::exec || event.kind == EventKind::exit) stacks_.forget(event.pid);
  note_mapped_file(event, PathSource::fd_now);  // the tracee is stopped at the call's exit
  policy_.saw_event(monotonic_ns(), event.pid);
  ++result_.events;
  sink_.on_event(event);
}

void PtraceSession::on_syscall_stop(pid_t tid, Thread& thread) {
  __ptrace_syscall_info info{};
  if (::ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof info, &info) <= 0) return;
  if (info.op == PTRACE_SYSCALL_INFO_ENTRY || info.op == PTRACE_SYSCALL_INFO_SECCOMP) {
    std::optional<Event> call = traced_call_at_entry(info, options_.calls, result_.losses.x32_calls);
    thread.pending = call.has_value();
    if (!thread.pending) return;
    thread.entry_ns = monotonic_ns();
    thread.call = std::move(*call);
    thread.call.pid = thread.pid;
    thread.call.tid = static_cast<uint32_t>(tid);
  } else if (info.op == PTRACE_SYSCALL_INFO_EXIT && thread.pending) {
    thread.pending = false;
    Event event = thread.call;
    uint64_t now = monotonic_ns();
    event.time_ns = now - start_ns_;
    event.duration_ns = now - thread.entry_ns;
    event.ret = info.exit.rval;
    if (!read_old_mmap_block(tid, event)) {
      ++result_.losses.ia32_arguments;  // the call is not shown: say so
      return;
    }
    if (thread.silent || (options_.failed_only && !event.failed())) return;
    event.comm = comm(thread.pid, tid);
    if ((event.is(Syscall::mmap) || event.is(Syscall::mremap)) && !event.failed())
      event.caller = return_address(tid, info.stack_pointer, event.ia32_syscall != 0);
    if (options_.stacks == StackMode::frame_pointers) {
      event.stack = user_stack(tid);
      trim_stack(event.stack);
    } else if (stacks_.needs_stack(event)) {
      stacks_.unwind(tid, event);
    }
    emit(std::move(event));
  }
}

void PtraceSession::on_event_stop(pid_t tid, Thread& thread, int event) {
  unsigned long message = 0;
  ::ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &message);
  auto child = static_cast<pid_t>(message);
  if (event == PTRACE_EVENT_CLONE || event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK) {
    uint32_t child_tgid = announced_tgid(child, event);
    bool new_process = child_tgid != thread.pid;
    Thread& born =
        threads_.try_emplace(child, Thread(child_tgid, thread.filtered)).first->second;  // filters are inherited
    born.unannounced = false;
    born.silent = thread.silent || (new_process && !options_.follow_children);
    born.detach_when_stopped = born.silent && !born.filtered;  // e.g. clone() without CLONE_THREAD from -p
    if (new_process && !born.silent) {
      traced_.add(child_tgid);
      Event fork;
      fork.kind = EventKind::fork;
      fork.time_ns = monotonic_ns() - start_ns_;
      fork.pid = fork.tid = child_tgid;
      fork.ppid = thread.pid;
      fork.comm = comm(thread.pid, tid);
      emit(std::move(fork));
    }
  } else if (event == PTRACE_EVENT_EXEC) {
    // Other threads of the process are gone; the exec'ing thread now has the leader's id.
    for (auto it = threads_.begin(); it != threads_.end();)
      it = it->second.pid == thread.pid && it->first != tid ? threads_.erase(it) : std::next(it);
    if (thread.silent) return;
    Event exec;
    exec.kind = EventKind::exec;
    exec.time_ns = monotonic_ns() - start_ns_;
    exec.pid = exec.tid = thread.pid;
    comms_.erase(thread.pid);
    exec.comm = comm(thread.pid, tid);
    emit(std::move(exec));
    emit_layout(thread.pid, film::LayoutSource::exec);  // its one thread is stopped at the exec
  }
}

uint32_t PtraceSession::announced_tgid(pid_t child, int event) {
  std::optional<uint32_t> gone;
  if (auto found = exited_unannounced_.find(child); found != exited_unannounced_.end()) {
    gone = found->second;
    exited_unannounced_.erase(found);  // the event it waited for, whichever kind
  }
  if (event != PTRACE_EVENT_CLONE) return static_cast<uint32_t>(child);  // a fork's child leads its process
  if (auto known = threads_.find(child); known != threads_.end()) return known->second.pid;
  return gone ? *gone : tgid_of(child);
}

void PtraceSession::on_exit(pid_t tid, int status) {
  auto found = threads_.find(tid);
  uint32_t pid = found != threads_.end() ? found->second.pid : static_cast<uint32_t>(tid);
  if (found != threads_.end() && found->second.unannounced) exited_unannounced_[tid] = pid;
  if (found != threads_.end() && found->second.pending && !found->second.silent) {
    Event call = found->second.call;  // entered, never returned: strace's "= ?"
    call.unfinished = true;
    call.time_ns = monotonic_ns() - start_ns_;
    call.comm = comms_[pid];
    if (!options_.failed_only) emit(std::move(call));
  }
  if (found != threads_.end()) threads_.erase(found);
  if (tid == command_pid_ && result_.command_exit < 0) {
    result_.command_exit = exit_status_of(status);
    policy_.command_exited(monotonic_ns());
  }
  bool last_thread = true;
  for (const auto& [other, thread] : threads_) last_thread = last_thread && thread.pid != pid;
  if (!last_thread || !traced_.contains(pid)) return;
  traced_.remove(pid);
  Event exit;
  exit.kind = EventKind::exit;
  exit.time_ns = monotonic_ns() - start_ns_;
  exit.pid = exit.tid = pid;
  exit.comm = comms_[pid];  // the process is gone; /proc no longer says
  comms_.erase(pid);
  emit(std::move(exit));
}

Result<RunResult> PtraceSession::run() {
  struct sigaction action {};
  action.sa_handler = wake_up;  // no SA_RESTART: waitpid returns EINTR
  struct sigaction previous {};
  ::sigaction(SIGALRM, &action, &previous);
  itimerval every_50ms{{0, 50'000}, {0, 50'000}};
  ::setitimer(ITIMER_REAL, &every_50ms, nullptr);

  result_.backend = "ptrace";
  for (;;) {
    if (policy_.should_stop(monotonic_ns(), traced_.others_than(static_cast<uint32_t>(command_pid_)),
                            result_.interrupted))
      break;
    int status = 0;
    pid_t tid = ::waitpid(-1, &status, __WALL);
    if (tid < 0) {
      if (errno == EINTR) continue;
      if (errno == ECHILD) {  // nothing left to wait for: let the policy decide when to end
        ::usleep(10'000);
        continue;
      }
      return make_error(Errc::io_error, fmt::format("waitpid: {}", std::strerror(errno)));
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      on_exit(tid, status);
      continue;
    }
    if (!WIFSTOPPED(status)) continue;
    auto known = threads_.find(tid);
    if (known == threads_.end()) {  // a new thread or process whose creator's event is still to come
      known = threads_.emplace(tid, Thread(tgid_of(tid), false)).first;  // reads /proc
      known->second.unannounced = true;
    }
    Thread& thread = known->second;
    if (thread.detach_when_stopped) {
      ::ptrace(PTRACE_DETACH, tid, nullptr, nullptr);
      threads_.erase(known);
      continue;
    }
    policy_.saw_event(monotonic_ns(), thread.pid);  // any stop is activity: the traced processes are still at work
    int signal = WSTOPSIG(status), event = status >> 16;
    int inject = 0;
    if (signal == (SIGTRAP | 0x80)) {
      on_syscall_stop(tid, thread);
    } else if (event == PTRACE_EVENT_SECCOMP) {
      on_syscall_stop(tid, thread);  // entry of a traced call; PTRACE_SYSCALL below stops at its exit
    } else if (event == PTRACE_EVENT_STOP) {
      if (is_stop_signal(signal)) {
        // A group stop (SIGSTOP, SIGTSTP, ...): the process stays stopped, as without a tracer,
        // until SIGCONT; PTRACE_LISTEN keeps it stopped yet lets us see that SIGCONT.
        ::ptrace(PTRACE_LISTEN, tid, nullptr, nullptr);
        continue;
      }
      // Our own PTRACE_INTERRUPT: resume.
    } else if (event != 0) {
      on_event_stop(tid, thread, event);
    } else {
      inject = signal;  // a signal for the tracee: deliver it
    }
    // Filtered threads run freely until the next traced call, unless one is waiting for its exit.
    __ptrace_request resume = thread.filtered && !thread.pending ? PTRACE_CONT : PTRACE_SYSCALL;
    ::ptrace(resume, tid, nullptr, reinterpret_cast<void*>(static_cast<uintptr_t>(inject)));
  }

  policy_.describe_stop(monotonic_ns(), traced_.pids(), result_);
  end_filtered();
  itimerval off{};
  ::setitimer(ITIMER_REAL, &off, nullptr);
  ::sigaction(SIGALRM, &previous, nullptr);
  if (command_ && result_.command_exit == 127) {
    if (std::optional<Error> failed = command_->exec_error()) return *failed;
  }
  result_.command_running = command_ && result_.command_exit < 0;
  result_.stacks = stacks_.stats();
  if (command_) command_->forget();  // reaped above, or left running after the trace
  return result_;
}

void PtraceSession::end_filtered() {
  std::set<uint32_t> filtered;
  for (const auto& [tid, thread] : threads_)
    if (thread.filtered) filtered.insert(thread.pid);
  for (uint32_t pid : filtered) {
    ::kill(static_cast<pid_t>(pid), SIGKILL);
    result_.ended_processes.push_back(pid);
  }
  // Reap them (they are our tracees), so the command's real exit status is known.
  while (std::any_of(threads_.begin(), threads_.end(), [](const auto& entry) { return entry.second.filtered; })) {
    int status = 0;
    pid_t tid = ::waitpid(-1, &status, __WALL);
    if (tid < 0 && errno == EINTR) continue;
    if (tid < 0) break;
    if (WIFEXITED(status) || WIFSIGNALED(status)) on_exit(tid, status);
  }
}

Result<RunResult> run_ptrace(const Options& options, Sink& sink, const Log& log) {
  PtraceSession session(options, sink, log);
  for (int pid : options.pids)
    if (Status attached = session.attach(pid); !attached) return attached.error();
  if (!options.command.empty()) {
    if (Status launched = session.launch(); !launched) return launched.error();
  }
  log("tracing with ptrace (PTRACE_SEIZE, stops at every system call of the traced threads)");
  return session.run();
}

}  // namespace ljmm::trace::detail
