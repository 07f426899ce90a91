#include "trace/ia32.hpp"

#include <sys/uio.h>

namespace ljmm::trace::detail {

namespace {
constexpr int ia32_old_mmap = 90;
}

const Ia32Syscall* find_ia32_syscall(uint64_t number) {
  for (const Ia32Syscall& call : ia32_syscalls)
    if (static_cast<uint64_t>(call.number) == number) return &call;
  return nullptr;
}

std::vector<int> ia32_numbers() {
  std::vector<int> numbers;
  for (const Ia32Syscall& call : ia32_syscalls) numbers.push_back(call.number);
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

}  // namespace ljmm::trace::detail
