// Findings about a layout: brk room, glibc's 1 MiB malloc fallbacks, low-window budgets,
// fragmentation. The heuristics are described in docs/findings.md.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ljmm/export.hpp"
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
LJMM_API const char* region_role_name(RegionRole role);  // "thread_stack", ...

struct LJMM_API BrkRoom {
  bool known = false;             // false when start_brk is unknown (e.g. a maps file without [heap])
  uint64_t brk = 0;               // page-rounded current break
  uint64_t room = 0;              // bytes from brk to the next mapping above
  bool blocked = false;           // known, and less than a page of room: brk() cannot grow the heap
  bool heap_started = false;      // a [heap] region exists
  std::optional<size_t> blocker;  // index of the region right above brk
};
LJMM_API BrkRoom measure_brk_room(const Snapshot& snapshot, const Layout& layout);

// Who put the mapping in the heap's way, as far as the snapshot tells without a trace.
enum class BlockerOwner {
  file,              // a mapped file: its path
  memfd,             // a memfd: its name
  anon_named,        // [anon:NAME] (prctl PR_SET_VMA_ANON_NAME)
  ljmm_brk_block,    // the ljmm runtime's start-up block (LJMM_RESERVE=brk-block)
  ljmm_reservation,  // the ljmm runtime's window reservation (LJMM_RESERVE=window)
  ljmm_window,       // anonymous memory inside the window of the ljmm runtime the process runs
  anonymous,         // nothing names it
  other,             // [vdso], [stack] and the like
};
LJMM_API const char* blocker_owner_name(BlockerOwner owner);  // "file", "memfd", ...
struct LJMM_API BlockerIdentity {
  BlockerOwner owner = BlockerOwner::anonymous;
  std::string name;         // the path, memfd name or anon name; empty when there is none
  std::string description;  // "the memfd \"jit\"": what the brk-blocked finding says
};
// nullopt when the break is not blocked by a mapping.
LJMM_API std::optional<BlockerIdentity> identify_brk_blocker(const Snapshot& snapshot, const BrkRoom& brk);

// Free space of one address window, as a low-memory allocator (LuaJIT, MAP_32BIT) sees it.
struct LJMM_API WindowBudget {
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
LJMM_API WindowBudget measure_window(const Snapshot& snapshot, const Layout& layout, uint64_t start, uint64_t end);

// The standard windows: below 2 GiB (LuaJIT without GC64), MAP_32BIT's [1 GiB, 2 GiB), below 4 GiB.
LJMM_API std::vector<WindowBudget> standard_windows(const Snapshot& snapshot, const Layout& layout);

// glibc's malloc fallback memory. Adjacent fallback mmaps merge into one region, so a
// snapshot counts regions and bytes; ljmm-trace counts the mmap calls themselves.
struct LJMM_API FallbackArenas {
  uint64_t count = 0;  // regions
  uint64_t bytes = 0;  // without the library bss that a fallback merged with
  std::vector<size_t> regions;
  // Anonymous regions after libraries taken as their bss with no ELF to check the size
  // (maps files): fallback memory merged into them is not counted.
  uint64_t unchecked_bss_regions = 0;
};

// What glibc malloc holds: the main arena's brk heap and the fallback regions it mapped instead,
// and the usable part of the threads' arena heaps. The one definition for the malloc-memory
// finding, the Prometheus metric and the max_malloc_bytes rule.
struct LJMM_API MallocMemory {
  uint64_t heap_bytes = 0;
  uint64_t fallback_bytes = 0;
  uint64_t arena_bytes = 0;  // rw-p parts of non-main arena heaps (not their ---p reserve)
  uint64_t arenas = 0;
  uint64_t anonymous_bytes = 0;  // all private anonymous rw memory of the process, [heap] included
  uint64_t total() const { return heap_bytes + fallback_bytes + arena_bytes; }
};
LJMM_API MallocMemory measure_malloc_memory(const Snapshot& snapshot, const Layout& layout,
                                            const FallbackArenas& fallbacks, const std::vector<RegionRole>& roles);

// What the fallback costs a process, as far as it is known: the memory it holds (glibc never
// unmaps morecore chunks, so it can never be trimmed), its share of the process's anonymous
// memory, and the failed brk() paid before each chunk. 0 means unknown.
struct LJMM_API FallbackCost {
  uint64_t bytes = 0;
  uint64_t anonymous_bytes = 0;  // of the whole process; 0 when unknown (a trace)
  uint64_t chunks = 0;           // fallback mmap calls (a trace) or regions (a snapshot)
  uint64_t brk_failures = 0;     // 0 when unknown (a snapshot)
  // Percent of the process's anonymous memory; nullopt when that is unknown.
  std::optional<uint64_t> share_percent() const;
};

struct LJMM_API Diagnosis {
  std::vector<RegionRole> role_of;  // one per region
  std::vector<Finding> findings;    // worst first
  BrkRoom brk;
  std::optional<BlockerIdentity> blocker;
  FallbackArenas fallbacks;
  MallocMemory malloc;
  std::vector<WindowBudget> windows;
};

LJMM_API Diagnosis diagnose(const Snapshot& snapshot, const Layout& layout);

// The one explanation of the brk-failure -> 1 MiB mmap pattern, shared with ljmm-trace.
LJMM_API std::string malloc_fallback_explanation();
LJMM_API std::string malloc_fallback_fix();
// The one severity rule for both tools. A blocked break changes where malloc's memory goes more
// than how much there is, so the numbers decide: an error when at least 16 MiB of fallback is at
// least half of the process's anonymous memory (most of it can never be given back), info when
// it is under 16 MiB and under 5% of it, a warning otherwise and whenever the share is unknown.
LJMM_API Severity malloc_fallback_severity(const FallbackCost& cost);
inline constexpr uint64_t fallback_error_bytes = 16 * 1024 * 1024;
inline constexpr uint64_t fallback_error_percent = 50;
inline constexpr uint64_t fallback_info_percent = 5;

// Sizes that the glibc fallback uses: MMAP_AS_MORECORE_SIZE and HEAP_MAX_SIZE on 64-bit.
inline constexpr uint64_t glibc_fallback_size = 1024 * 1024;
inline constexpr uint64_t glibc_arena_heap_size = 64 * 1024 * 1024;

}  // namespace ljmm
