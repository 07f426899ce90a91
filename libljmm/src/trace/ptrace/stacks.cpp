#include "trace/ptrace/stacks.hpp"

#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

namespace ljmm::trace::detail {

bool PtraceStacks::needs_stack(const Event& event) {
  if (options_.stacks == StackMode::dwarf_all) return true;
  if (options_.stacks != StackMode::dwarf) return false;
  if (fallback_rule_.on_event(event) != FallbackStep::none) return true;  // a failed brk, or the fallback
  if (event.is(Syscall::brk)) {
    if (!event.failed()) break_[event.pid] = static_cast<uint64_t>(event.ret);
    return false;
  }
  if (!event.is(Syscall::mmap) && !event.is(Syscall::mremap)) return false;
  if (event.failed()) return false;
  // The break is known from the process's brk calls (glibc asks for it before its first malloc).
  auto known = break_.find(event.pid);
  auto start = static_cast<uint64_t>(event.ret);
  return known != break_.end() && start >= known->second && start - known->second < near_break_bytes;
}

void PtraceStacks::unwind(pid_t tid, Event& event) {
  user_regs_struct r{};
  if (::ptrace(PTRACE_GETREGS, tid, nullptr, &r) != 0) {
    ++stats_.unreadable;
    return;
  }
  UnwindInput input{event.pid,
                    event.tid,
                    {r.rax, r.rdx, r.rcx, r.rbx, r.rsi, r.rdi, r.rbp, r.rsp, r.r8, r.r9, r.r10, r.r11, r.r12, r.r13,
                     r.r14, r.r15, r.rip},
                    // The thread is stopped: its memory is what it was at the call.
                    [tid](uint64_t address, uint64_t& value) {
                      iovec local{&value, sizeof value}, remote{reinterpret_cast<void*>(address), sizeof value};
                      return ::process_vm_readv(tid, &local, 1, &remote, 1, 0) == static_cast<ssize_t>(sizeof value);
                    },
                    nullptr};
  unwind_into(unwinder_, unwinder_.prepare(event.pid, r.rip), input, options_.stack_depth, event, stats_);
}

void PtraceStacks::forget(uint32_t pid) {
  unwinder_.forget(pid);
  break_.erase(pid);
  fallback_rule_.forget(pid);
}

}  // namespace ljmm::trace::detail
