#include "ljmm/layout.hpp"

#include <algorithm>

namespace ljmm {

const char* segment_id(Segment segment) {
  static constexpr PerSegment<const char*> ids({"s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"});
  return ids[segment];
}

const char* segment_name(Segment segment) {
  static constexpr PerSegment<const char*> names(
      {"text", "data", "bss", "randomization gap", "heap", "mmap area", "stack", "kernel"});
  return names[segment];
}

std::optional<Segment> parse_segment(std::string_view text) {
  for (Segment segment : all_segments)
    if (text == segment_id(segment) || text == segment_name(segment)) return segment;
  return std::nullopt;
}

size_t region_at_or_above(const std::vector<Region>& regions, uint64_t address) {
  auto it = std::upper_bound(regions.begin(), regions.end(), address,
                             [](uint64_t value, const Region& region) { return value < region.end; });
  return static_cast<size_t>(it - regions.begin());
}

namespace {

bool is_kernel(const Region& region) { return region.kind == RegionKind::vsyscall || region.start >= kernel_start; }

bool is_executable_segment(std::optional<Segment> segment) {
  return segment == Segment::text || segment == Segment::data || segment == Segment::bss;
}

// The executable's regions: the first run of regions backed by its path, then the anonymous
// writable region right after its data (bss beyond the last file page).
void classify_executable(const Snapshot& snapshot, std::vector<Segment>& segment_of) {
  const std::vector<Region>& regions = snapshot.regions;
  const std::string& exe = snapshot.process.exe;
  if (exe.empty()) return;
  auto first = std::find_if(regions.begin(), regions.end(),
                            [&](const Region& r) { return r.kind == RegionKind::file && r.path == exe; });
  size_t index = static_cast<size_t>(first - regions.begin());
  bool saw_data = false;
  for (; index < regions.size() && regions[index].kind == RegionKind::file && regions[index].path == exe; ++index) {
    saw_data = saw_data || regions[index].perms.write;
    segment_of[index] = regions[index].perms.write ? Segment::data : Segment::text;
  }
  if (index == 0 || index >= regions.size()) return;
  const Region& candidate = regions[index];
  if (saw_data && candidate.kind == RegionKind::anonymous && candidate.perms.write && !candidate.perms.shared &&
      candidate.start == regions[index - 1].end)
    segment_of[index] = Segment::bss;
}

Segment gap_segment(const Snapshot& snapshot, const Gap& gap) {
  uint64_t start_brk = snapshot.process.start_brk;
  bool holds_brk_start = start_brk > gap.start && start_brk <= gap.end;
  if (is_executable_segment(gap.below) && (gap.above == Segment::heap || holds_brk_start)) return Segment::gap;
  if (gap.below == Segment::stack) return Segment::stack;
  return Segment::mmap;
}

}  // namespace

Layout classify(const Snapshot& snapshot) {
  const std::vector<Region>& regions = snapshot.regions;
  Layout layout;
  layout.segment_of.assign(regions.size(), Segment::mmap);
  classify_executable(snapshot, layout.segment_of);

  for (size_t i = 0; i < regions.size(); ++i) {
    const Region& region = regions[i];
    if (region.kind == RegionKind::heap) {
      layout.segment_of[i] = Segment::heap;
      layout.heap_index = i;
    } else if (region.kind == RegionKind::stack) {
      layout.segment_of[i] = Segment::stack;
    } else if (is_kernel(region)) {
      layout.segment_of[i] = Segment::kernel;
    }
    if (!is_kernel(region) && region.end > user_top_47bit) layout.user_top = user_top_56bit;
  }

  // Free gaps: below the first region, between regions, and up to the top of user space.
  uint64_t cursor = 0;
  std::optional<Segment> below;
  for (size_t i = 0; i <= regions.size(); ++i) {
    bool at_top = i == regions.size() || layout.segment_of[i] == Segment::kernel;
    uint64_t next_start = at_top ? std::max(cursor, layout.user_top) : regions[i].start;
    if (next_start > cursor) {
      Gap gap{cursor, next_start, Segment::mmap, below, at_top ? std::nullopt : std::optional(layout.segment_of[i])};
      gap.segment = gap_segment(snapshot, gap);
      layout.gaps.push_back(gap);
    }
    if (at_top) break;
    cursor = regions[i].end;
    below = layout.segment_of[i];
  }

  for (size_t i = 0; i < regions.size(); ++i) {
    SegmentTotal& total = layout.totals[layout.segment_of[i]];
    total.regions += 1;
    total.bytes += regions[i].size();
    total.rss += regions[i].smaps_value("Rss");
    total.pss += regions[i].smaps_value("Pss");
    total.swap += regions[i].smaps_value("Swap");
  }
  for (const Gap& gap : layout.gaps) layout.totals[gap.segment].free_bytes += gap.size();
  return layout;
}

}  // namespace ljmm
