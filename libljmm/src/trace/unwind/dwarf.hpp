// User stacks unwound with the binaries' CFI (.eh_frame, .debug_frame) through elfutils' libdw,
// as perf does for sampled stacks: code built without frame pointers cannot be walked otherwise.
// The stack memory comes from a copy taken in the kernel at the call (BPF) or from the stopped
// thread (ptrace); the modules from the process's maps, read while it lives.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ljmm/trace.hpp"

namespace ljmm::trace::detail {

inline constexpr size_t unwind_registers = 17;  // x86-64 DWARF registers 0-16: rax .. r15, rip

// A thread's registers at the call and a way to read its stack.
struct UnwindInput {
  uint32_t pid = 0;  // the process, in our PID namespace (its /proc entry names the modules)
  uint32_t tid = 0;
  std::array<uint64_t, unwind_registers> regs{};  // DWARF order: rax rdx rcx rbx rsi rdi rbp rsp r8-r15 rip
  // Reads the 8 bytes at `address`; false when they are not available.
  std::function<bool(uint64_t address, uint64_t& value)> read;
  // Set by `read` when it was asked for bytes above the copied part of the stack.
  bool* beyond_copy = nullptr;
};

// How an unwind ended.
enum class UnwindEnd {
  outermost,    // the CFI says there is no caller (e.g. _start): the whole stack
  depth_limit,  // the frames asked for were found
  copy_short,   // the next frame's data lies above the copied bytes
  failed,       // no CFI or module for a frame, or the process is gone: `why` says
};

struct Unwound {
  std::vector<uint64_t> frames;  // innermost first: the call's address, then return addresses
  std::vector<FrameFile> files;  // where each frame's code is mapped from (inode 0: not known)
  UnwindEnd end = UnwindEnd::failed;
  std::string why;  // for `failed`
};

class DwarfUnwinder {
 public:
  DwarfUnwinder();
  ~DwarfUnwinder();
  DwarfUnwinder(const DwarfUnwinder&) = delete;
  DwarfUnwinder& operator=(const DwarfUnwinder&) = delete;

  struct Process;  // libdw's view of one process's modules at one time (dwarf_unwind.cpp)
  using Modules = std::shared_ptr<Process>;

  // The process's modules, read now while it lives unless those read before cover `ip` (a
  // stack waiting to be unwound keeps the modules it was taken with, across an exec).
  Modules prepare(uint32_t pid, uint64_t ip);
  static bool usable(const Modules& modules);  // read without error
  Unwound unwind(const Modules& modules, const UnwindInput& input, size_t max_frames);
  // The process exec'd or exited: its modules describe nothing any more.
  void forget(uint32_t pid);

 private:
  std::map<uint32_t, Modules> processes_;
};

// Reads the 8 bytes at `address` from a stack copy that starts at `sp`; sets `beyond` when the
// address lies just above the copy (the copy was too short for this frame).
bool read_stack_copy(const std::vector<uint8_t>& copy, uint64_t sp, uint64_t address, uint64_t& value, bool& beyond);

// Unwinds one stack and counts how it ended; fills event.stack and event.stack_files.
void unwind_into(DwarfUnwinder& unwinder, const DwarfUnwinder::Modules& modules, const UnwindInput& input,
                 size_t max_frames, Event& event, StackStats& stats);


const char* unwind_end_name(UnwindEnd end);

}  // namespace ljmm::trace::detail
