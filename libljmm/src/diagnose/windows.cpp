// Free space in low address windows, as low-memory allocators (LuaJIT, MAP_32BIT) see it.
#include <algorithm>

#include "ljmm/diagnose.hpp"
#include "ljmm/units.hpp"

namespace ljmm {

WindowBudget measure_window(const Snapshot& snapshot, const Layout& layout, uint64_t start, uint64_t end) {
  WindowBudget budget;
  budget.start = std::max(start, snapshot.system.mmap_min_addr);
  budget.end = std::max(end, budget.start);
  for (const Gap& gap : layout.gaps) {
    uint64_t from = std::max(gap.start, budget.start);
    uint64_t to = std::min(gap.end, budget.end);
    if (from >= to) continue;
    budget.free_bytes += to - from;
    budget.gap_count += 1;
    if (to - from > budget.largest_gap) {
      budget.largest_gap = to - from;
      budget.largest_gap_start = from;
    }
  }
  const std::vector<Region>& regions = snapshot.regions;
  for (size_t i = region_at_or_above(regions, budget.start); i < regions.size() && regions[i].start < budget.end; ++i) {
    uint64_t from = std::max(regions[i].start, budget.start);
    uint64_t to = std::min(regions[i].end, budget.end);
    budget.mapped_bytes += to - from;
    budget.mapped_by_segment[layout.segment_of[i]] += to - from;
  }
  return budget;
}

std::vector<WindowBudget> standard_windows(const Snapshot& snapshot, const Layout& layout) {
  struct Standard {
    const char* id;
    uint64_t start, end;
  };
  // below-2g: LuaJIT without GC64 (31-bit pointers); map32bit: what MAP_32BIT gives on x86-64.
  static constexpr Standard windows[] = {
      {"below-2g", 0, 2 * GiB}, {"map32bit", 1 * GiB, 2 * GiB}, {"below-4g", 0, 4 * GiB}};
  std::vector<WindowBudget> budgets;
  for (const Standard& window : windows) {
    budgets.push_back(measure_window(snapshot, layout, window.start, window.end));
    budgets.back().id = window.id;
  }
  return budgets;
}

}  // namespace ljmm
