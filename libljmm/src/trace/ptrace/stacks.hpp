// DWARF stacks for the ptrace backend: the same choice of calls as the BPF program makes
// (bpf/user_stack.bpf.h), and the stopped thread unwound from its registers and live memory.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>

#include "ljmm/trace.hpp"
#include "trace/session/fallback.hpp"
#include "trace/unwind/dwarf.hpp"

namespace ljmm::trace::detail {

class PtraceStacks {
 public:
  explicit PtraceStacks(const Options& options) : options_(options) {}

  // Whether the call needs a stack (`dwarf`: a failed brk, glibc's fallback mmap after it
  // (trace/session/fallback.hpp), a mapping placed at or just above the break; `dwarf_all`: every
  // call). Called for every call; needs no tracee, so tests can drive it.
  bool needs_stack(const Event& event);
  // Unwinds the thread, stopped at the call's exit, into event.stack.
  void unwind(pid_t tid, Event& event);
  void forget(uint32_t pid);  // the process exec'd or exited
  const StackStats& stats() const { return stats_; }

 private:
  const Options& options_;
  FallbackTracker fallback_rule_;
  std::map<uint32_t, uint64_t> break_;  // pid -> the break its last brk left
  DwarfUnwinder unwinder_;
  StackStats stats_;
};

}  // namespace ljmm::trace::detail
