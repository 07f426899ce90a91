// Findings about a layout: brk room, glibc's 1 MiB malloc fallbacks, low-window budgets,
// fragmentation. The heuristics are described in docs/findings.md.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ljmm/finding.hpp"
#include "ljmm/layout.hpp"

namespace ljmm {

// What an anonymous region is used for, when the layout tells.
enum class RegionRole {
  none,
  thread_stack,          // rw-p directly above a ---p guard
  stack_guard,           // the ---p guard below a thread stack
  malloc_arena,          // rw-p part of a glibc non-main arena heap (64 MiB aligned)
  malloc_arena_reserve,  // the ---p rest of that 64 MiB reservation
  malloc_fallback,       // anonymous rw-p memory outside [heap] while brk is blocked
  brk_blocker,           // the mapping that sits where the heap wants to grow
  library_bss,           // anonymous rw-p right after a shared object's writable data
};
const char* region_role_name(RegionRole role);  // "thread_stack", ...

struct BrkRoom {
  bool known = false;             // false when start_brk is unknown (e.g. a maps file without [heap])
  uint64_t brk = 0;               // page-rounded current break
  uint64_t room = 0;              // bytes from brk to the next mapping above
  bool heap_started = false;      // a [heap] region exists
  std::optional<size_t> blocker;  // index of the region right above brk
};
BrkRoom measure_brk_room(const Snapshot& snapshot, const Layout& layout);

// Free space of one address window, as a low-memory allocator (LuaJIT, MAP_32BIT) sees it.
struct WindowBudget {
  std::string id;  // "below-2g", "map32bit", "below-4g", or a user's label
  uint64_t start = 0;
  uint64_t end = 0;
  uint64_t free_bytes = 0;
  uint64_t largest_gap = 0;
  uint64_t largest_gap_start = 0;
  uint64_t gap_count = 0;
  uint64_t mapped_bytes = 0;
  PerSegment<uint64_t> mapped_by_segment;
};
// The window is clipped below at mmap_min_addr: nothing can be mapped under it.
WindowBudget measure_window(const Snapshot& snapshot, const Layout& layout, uint64_t start, uint64_t end);

// The standard windows: below 2 GiB (LuaJIT without GC64), MAP_32BIT's [1 GiB, 2 GiB), below 4 GiB.
std::vector<WindowBudget> standard_windows(const Snapshot& snapshot, const Layout& layout);

// glibc's malloc fallback memory. Adjacent fallback mmaps merge into one region, so a
// snapshot counts regions and bytes; ljmm-trace counts the mmap calls themselves.
struct FallbackArenas {
  uint64_t count = 0;  // regions
  uint64_t bytes = 0;
  std::vector<size_t> regions;
};

struct Diagnosis {
  std::vector<RegionRole> role_of;  // one per region
  std::vector<Finding> findings;    // worst first
  BrkRoom brk;
  FallbackArenas fallbacks;
  std::vector<WindowBudget> windows;
};

Diagnosis diagnose(const Snapshot& snapshot, const Layout& layout);

// The one explanation of the brk-failure -> 1 MiB mmap pattern, shared with ljmm-trace.
std::string malloc_fallback_explanation();
std::string malloc_fallback_fix();
// Error from 16 MiB of fallback memory on, a warning below: the one threshold for both tools.
Severity malloc_fallback_severity(uint64_t fallback_bytes);

// Sizes that the glibc fallback uses: MMAP_AS_MORECORE_SIZE and HEAP_MAX_SIZE on 64-bit.
inline constexpr uint64_t glibc_fallback_size = 1024 * 1024;
inline constexpr uint64_t glibc_arena_heap_size = 64 * 1024 * 1024;

}  // namespace ljmm
