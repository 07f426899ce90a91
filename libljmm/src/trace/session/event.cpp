// What an event is, apart from how it is printed: its call's name and whether it failed.
#include "ljmm/trace.hpp"

namespace ljmm::trace {

const char* syscall_name(int syscall) {
  for (const TracedSyscall& traced : traced_syscalls)
    if (static_cast<int>(traced.id) == syscall) return traced.name;
  return "?";
}

const char* Event::call_name() const {
  for (const Ia32Syscall& call : ia32_syscalls)
    if (ia32_syscall != 0 && call.number == ia32_syscall) return call.name;
  return syscall_name(syscall);
}

const char* event_kind_name(EventKind kind) {
  switch (kind) {
    case EventKind::syscall: return "syscall";
    case EventKind::fork: return "fork";
    case EventKind::exec: return "exec";
    case EventKind::exit: return "exit";
  }
  return "?";
}

bool Event::failed() const {
  if (kind != EventKind::syscall || unfinished) return false;
  if (is(Syscall::brk)) return args[0] != 0 && static_cast<uint64_t>(ret) != args[0];
  return ret < 0 && ret >= -max_errno;
}

}  // namespace ljmm::trace
