#include "trace/ptrace/tracee.hpp"

#include <signal.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

#include "ljmm/proc.hpp"
#include "ljmm/process.hpp"
#include "ljmm/trace.hpp"

namespace ljmm::trace::detail {

bool is_traced_call(uint64_t nr, const CallSet& calls) {
  for (size_t i = 0; i < traced_syscalls.size(); ++i)
    if (static_cast<uint64_t>(traced_syscalls[i].id) == nr) return calls.test(i);
  return false;
}

constexpr uint64_t x32_syscall_bit = 0x40000000;  // __X32_SYSCALL_BIT

bool x32_variant(uint64_t nr, const CallSet& calls) {
  return (nr & x32_syscall_bit) && is_traced_call(nr & ~x32_syscall_bit, calls);
}

std::vector<int> traced_numbers(const CallSet& calls) {
  std::vector<int> numbers;
  for (size_t i = 0; i < traced_syscalls.size(); ++i) {
    if (!calls.test(i)) continue;
    const TracedSyscall& traced = traced_syscalls[i];
    numbers.push_back(static_cast<int>(traced.id));
    numbers.push_back(static_cast<int>(static_cast<uint64_t>(traced.id) | x32_syscall_bit));  // to count them
  }
  return numbers;
}

uint32_t tgid_of(pid_t tid) {
  auto status = read_proc_file(tid, "status");
  std::optional<uint64_t> tgid = status ? parse_status_field(*status, "Tgid") : std::nullopt;
  return static_cast<uint32_t>(tgid.value_or(static_cast<uint64_t>(tid)));
}

std::string comm_of(pid_t pid) {
  auto comm = read_comm(pid);
  return comm ? std::move(comm).value() : std::string();
}

std::vector<uint64_t> user_stack(pid_t tid) {
  user_regs_struct regs{};
  if (::ptrace(PTRACE_GETREGS, tid, nullptr, &regs) != 0) return {};
  std::vector<uint64_t> stack = {regs.rip};
  uint64_t frame = regs.rbp;
  for (int depth = 0; depth < 15 && frame; ++depth) {
    uint64_t pair[2];  // saved rbp, return address
    iovec local{pair, sizeof pair}, remote{reinterpret_cast<void*>(frame), sizeof pair};
    if (::process_vm_readv(tid, &local, 1, &remote, 1, 0) != static_cast<ssize_t>(sizeof pair) || pair[1] == 0) break;
    stack.push_back(pair[1]);
    if (pair[0] <= frame) break;
    frame = pair[0];
  }
  return stack;
}

bool is_stop_signal(int signal) {
  return signal == SIGSTOP || signal == SIGTSTP || signal == SIGTTIN || signal == SIGTTOU;
}

uint64_t return_address(pid_t tid, uint64_t stack_pointer, bool ia32) {
  uint64_t address = 0;  // little-endian: a 4-byte read fills the low half
  iovec local{&address, ia32 ? 4u : 8u}, remote{reinterpret_cast<void*>(stack_pointer), local.iov_len};
  if (::process_vm_readv(tid, &local, 1, &remote, 1, 0) != static_cast<ssize_t>(local.iov_len)) return 0;
  return address;
}

}  // namespace ljmm::trace::detail
