// 32-bit calls (i386 programs, int $0x80 from 64-bit code) for the ptrace backend: which calls
// are traced and old mmap's argument block. The BPF programs do the same in the kernel.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <vector>

#include "ljmm/trace.hpp"

namespace ljmm::trace::detail {

const Ia32Syscall* find_ia32_syscall(uint64_t number);  // nullptr: not a traced i386 call
std::vector<int> ia32_numbers();                        // for the seccomp filter

// Old mmap passes a pointer to its six arguments: replaces event.args with them, read from
// thread `tid`. Read at the call's exit, when the kernel has read the block too. False when
// the block cannot be read.
bool read_old_mmap_block(pid_t tid, Event& event);

}  // namespace ljmm::trace::detail
