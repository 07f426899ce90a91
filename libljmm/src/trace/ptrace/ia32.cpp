#include "trace/ptrace/ia32.hpp"

#include <linux/audit.h>
#include <sys/uio.h>

#include "trace/ptrace/tracee.hpp"

namespace ljmm::trace::detail {

std::vector<int> ia32_numbers(const CallSet& calls) {
  std::vector<int> numbers;
  for (const Ia32Syscall& call : ia32_syscalls)
    if (calls.test(call_index(call.does))) numbers.push_back(call.number);
  return numbers;
}

bool read_old_mmap_block(pid_t tid, Event& event) {
  if (event.ia32_syscall != ia32_old_mmap) return true;
  uint32_t block[6];  // struct mmap_arg_struct: addr, len, prot, flags, fd, offset
  iovec local{block, sizeof block}, remote{reinterpret_cast<void*>(event.args[0]), sizeof block};
  if (::process_vm_readv(tid, &local, 1, &remote, 1, 0) != static_cast<ssize_t>(sizeof block)) return false;
  for (size_t i = 0; i < 6; ++i) event.args[i] = block[i];
  return true;
}

std::optional<Event> traced_call_at_entry(const __ptrace_syscall_info& info, const CallSet& calls,
                                          uint64_t& x32_calls) {
  // The seccomp record has the entry's layout: number, then arguments.
  bool i386 = info.arch == AUDIT_ARCH_I386;
  const Ia32Syscall* ia32 = i386 && info.entry.nr < 1024 ? find_ia32_syscall(static_cast<int>(info.entry.nr)) : nullptr;
  if (ia32 && !calls.test(call_index(ia32->does))) ia32 = nullptr;
  if (!i386 && x32_variant(info.entry.nr, calls)) ++x32_calls;
  if (i386 ? ia32 == nullptr : !is_traced_call(info.entry.nr, calls)) return std::nullopt;
  Event call;
  call.syscall = ia32 ? static_cast<int>(ia32->does) : static_cast<int>(info.entry.nr);
  call.ia32_syscall = ia32 ? ia32->number : 0;
  for (size_t i = 0; i < 6; ++i) call.args[i] = info.entry.args[i];
  return call;
}

}  // namespace ljmm::trace::detail
