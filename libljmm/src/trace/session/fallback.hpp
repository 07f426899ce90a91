// glibc's malloc fallback as a trace sees it: the one rule of the summary, the call sites and
// the ptrace backend's choice of stacks, applied in the kernel by bpf/fallback.bpf.h (-a's
// per-process counts, the BPF backend's choice of stacks).
//
// The rule. glibc's sysmalloc grows the heap with MORECORE, i.e. brk; when brk fails, it calls
// mmap(NULL, size, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) at once, with no
// other memory call between. So a fallback is a failed brk whose thread's very next traced call
// is that mmap, and it succeeded. Whatever else that next call is (a munmap, an mremap, another
// brk, a failed mmap or one of another shape, such as MAP_FIXED) ends the wait: a failed brk,
// then a munmap, then an mmap is not a fallback. A failed brk after a failed brk waits anew.
// The wait is per thread; an exec (a new program) or the exit of its process forgets it. (The
// kernel side also forgets a thread as it exits: events say only when a process does.)
#pragma once

#include <sys/mman.h>

#include <cstdint>
#include <map>

#include "ljmm/trace.hpp"

namespace ljmm::trace::detail {

// x86-64's PAGE_SIZE, whatever the process asked: the kernel rounds every length up to it.
inline constexpr uint64_t trace_page = 4096;

// A mapping placed less than this above the break is in the heap's way: its call gets a stack
// (the BPF program is given this value) and may be named as the blocker of a failed brk.
inline constexpr uint64_t near_break_bytes = uint64_t{1} << 30;

// Sizes come from the traced program's arguments and can be anything: saturate, never wrap.
inline uint64_t page_round(uint64_t size) {
  return size > UINT64_MAX - trace_page ? UINT64_MAX / trace_page * trace_page
                                        : (size + trace_page - 1) / trace_page * trace_page;
}

// The shape of the mmap glibc makes when brk failed (MMT_MORECORE_* in bpf/mmaptrace.h).
// MAP_32BIT, MAP_FIXED, an address hint and the like are someone else's.
inline constexpr uint64_t morecore_prot = PROT_READ | PROT_WRITE;        // at least these
inline constexpr uint64_t morecore_flags = MAP_PRIVATE | MAP_ANONYMOUS;  // exactly these

// What an event is for the rule.
enum class FallbackStep {
  none,           // neither: ends the wait of its thread, if any
  failed_brk,     // a brk that failed: its thread's next traced call is awaited
  fallback_mmap,  // the mmap that a failed brk of its thread was waiting for
};

// Fed every event in order (calls, execs and exits), it says what each one is for the rule.
class FallbackTracker {
 public:
  FallbackStep on_event(const Event& event);
  void forget(uint32_t pid);  // the process exec'd or exited
  size_t waiting() const { return waiting_.size(); }

 private:
  // Threads whose last traced call was a failed brk: tid -> its process.
  std::map<uint32_t, uint32_t> waiting_;
};

}  // namespace ljmm::trace::detail
