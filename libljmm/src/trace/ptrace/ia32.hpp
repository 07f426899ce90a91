// 32-bit calls (i386 programs, int $0x80 from 64-bit code) for the ptrace backend: which calls
// are traced and old mmap's argument block. The BPF programs do the same in the kernel.
#pragma once

#include <sys/ptrace.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "ljmm/trace.hpp"

namespace ljmm::trace::detail {

std::vector<int> ia32_numbers(const CallSet& calls);  // the traced i386 calls, for the seccomp filter

// Old mmap passes a pointer to its six arguments: replaces event.args with them, read from
// thread `tid`. Read at the call's exit, when the kernel has read the block too. False when
// the block cannot be read.
bool read_old_mmap_block(pid_t tid, Event& event);

// The traced call a syscall-entry (or seccomp) stop is at: its number and arguments, read by
// the ABI the call was made with (i386 numbers overlap x86-64 ones: the arch says which table);
// nullopt for any other call. An x32 memory call is not traced: it is counted in `x32_calls`.
std::optional<Event> traced_call_at_entry(const __ptrace_syscall_info& info, const CallSet& calls,
                                          uint64_t& x32_calls);

}  // namespace ljmm::trace::detail
