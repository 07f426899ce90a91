// glibc's malloc fallback as a trace sees it, one rule for the summary and the call sites: a
// brk that failed, then that thread's very next traced call is the mmap below.
#pragma once

#include <sys/mman.h>

#include <cstdint>

#include "ljmm/trace.hpp"

namespace ljmm::trace::detail {

inline constexpr uint64_t trace_page = 4096;

// A mapping placed less than this above the break is in the heap's way: its call gets a stack
// (the BPF program is given this value) and may be named as the blocker of a failed brk.
inline constexpr uint64_t near_break_bytes = uint64_t{1} << 30;

// Sizes come from the traced program's arguments and can be anything: saturate, never wrap.
inline uint64_t page_round(uint64_t size) {
  return size > UINT64_MAX - trace_page ? UINT64_MAX / trace_page * trace_page
                                        : (size + trace_page - 1) / trace_page * trace_page;
}

// What glibc's sysmalloc maps when brk failed: mmap(NULL, size, PROT_READ|PROT_WRITE,
// MAP_PRIVATE|MAP_ANONYMOUS, -1, 0). MAP_32BIT, MAP_FIXED and the like are someone else's.
inline bool looks_like_morecore(const Event& event) {
  const auto& a = event.args;
  return event.is(Syscall::mmap) && !event.failed() && a[0] == 0 &&
         (a[2] & (PROT_READ | PROT_WRITE)) == (PROT_READ | PROT_WRITE) && a[3] == (MAP_PRIVATE | MAP_ANONYMOUS);
}

}  // namespace ljmm::trace::detail
