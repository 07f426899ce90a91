// What the ptrace backend asks of the threads it traces: which calls and signals matter, a
// thread's process and name, and its user stack at a stop.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ljmm/event.hpp"

namespace ljmm::trace::detail {

bool is_traced_call(uint64_t nr, const CallSet& calls);  // one of the traced x86-64 calls
bool x32_variant(uint64_t nr, const CallSet& calls);     // the x32 number of one: not traced, counted as skipped
std::vector<int> traced_numbers(const CallSet& calls);   // their numbers and x32 numbers, for the seccomp filter
uint32_t tgid_of(pid_t tid);        // the thread's process (the thread itself when /proc says nothing)
std::string comm_of(pid_t pid);     // /proc/PID/comm without its newline; empty when gone
bool is_stop_signal(int signal);    // SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU: group stops
// The word on top of a stopped thread's stack at a call (4 bytes for a 32-bit one): the return
// address into whoever called libc's leaf wrapper, as bpf/user_stack.bpf.h reads it. 0: unreadable.
uint64_t return_address(pid_t tid, uint64_t stack_pointer, bool ia32);
// Frame-pointer walk from the registers of a stopped thread, as BPF's user stacks do.
std::vector<uint64_t> user_stack(pid_t tid);

}  // namespace ljmm::trace::detail
