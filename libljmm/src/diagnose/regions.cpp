// What anonymous regions are for (thread stacks, glibc arenas, library bss), the brk room,
// and glibc's malloc fallback memory. See docs/findings.md for the heuristics.
#include <algorithm>

#include "diagnose/steps.hpp"

namespace ljmm {

const char* region_role_name(RegionRole role) {
  switch (role) {
    case RegionRole::none: return "none";
    case RegionRole::thread_stack: return "thread_stack";
    case RegionRole::stack_guard: return "stack_guard";
    case RegionRole::malloc_arena: return "malloc_arena";
    case RegionRole::malloc_arena_reserve: return "malloc_arena_reserve";
    case RegionRole::malloc_fallback: return "malloc_fallback";
    case RegionRole::brk_blocker: return "brk_blocker";
    case RegionRole::library_bss: return "library_bss";
  }
  return "none";
}

namespace {

bool is_private_anonymous(const Region& region) { return region.kind == RegionKind::anonymous && !region.perms.shared; }
bool is_rw(const Region& region) { return region.perms.read && region.perms.write && !region.perms.exec; }
bool adjacent(const Region& lower, const Region& upper) { return lower.end == upper.start; }

// glibc's new_heap() reserves HEAP_MAX_SIZE aligned to itself as PROT_NONE and opens the used
// part read-write: an aligned rw-p region, then ---p up to the 64 MiB boundary.
bool is_arena_heap(const std::vector<Region>& regions, size_t i) {
  const Region& region = regions[i];
  if (region.start % glibc_arena_heap_size != 0) return false;
  if (region.size() == glibc_arena_heap_size) return true;
  if (i + 1 >= regions.size()) return false;
  const Region& rest = regions[i + 1];
  return is_private_anonymous(rest) && rest.perms.none() && adjacent(region, rest) &&
         region.size() + rest.size() == glibc_arena_heap_size;
}

}  // namespace

bool detail::follows_library_data(const std::vector<Region>& regions, const Layout& layout, size_t i) {
  if (i == 0) return false;
  const Region& below = regions[i - 1];
  return adjacent(below, regions[i]) && below.kind == RegionKind::file && below.perms.write &&
         layout.segment_of[i - 1] == Segment::mmap;
}

std::vector<RegionRole> detail::assign_roles(const Snapshot& snapshot, const Layout& layout) {
  const std::vector<Region>& regions = snapshot.regions;
  std::vector<RegionRole> roles(regions.size(), RegionRole::none);
  for (size_t i = 0; i < regions.size(); ++i) {
    const Region& region = regions[i];
    if (layout.segment_of[i] != Segment::mmap || !is_private_anonymous(region) || !is_rw(region)) continue;
    if (roles[i] != RegionRole::none) continue;
    if (is_arena_heap(regions, i)) {
      roles[i] = RegionRole::malloc_arena;
      if (i + 1 < regions.size() && region.size() != glibc_arena_heap_size)
        roles[i + 1] = RegionRole::malloc_arena_reserve;
      continue;
    }
    if (i > 0) {
      const Region& below = regions[i - 1];
      if (adjacent(below, region) && is_private_anonymous(below) && below.perms.none() &&
          roles[i - 1] == RegionRole::none) {
        // pthread stacks: the guard sits below the stack, which grows down towards it.
        roles[i - 1] = RegionRole::stack_guard;
        roles[i] = RegionRole::thread_stack;
        continue;
      }
      if (follows_library_data(regions, layout, i)) {
        // A shared object's .bss beyond its last file page, as far as its ELF declares it: more
        // anonymous memory than that was mapped after it (and merged), so it is something else.
        std::optional<uint64_t> bss = below.declared_bss;
        if (!bss || *bss >= region.size()) roles[i] = RegionRole::library_bss;
        continue;
      }
    }
  }
  return roles;
}

BrkRoom measure_brk_room(const Snapshot& snapshot, const Layout& layout) {
  BrkRoom room;
  const ProcessInfo& process = snapshot.process;
  if (process.brk_source == BrkSource::unknown || process.brk == 0) return room;
  const std::vector<Region>& regions = snapshot.regions;
  const uint64_t page = snapshot.system.page_size;
  room.known = true;
  room.brk = (process.brk + page - 1) / page * page;
  room.heap_started = layout.heap_index.has_value();
  size_t next = region_at_or_above(regions, room.brk);
  if (next >= regions.size() || layout.segment_of[next] == Segment::kernel) {
    room.room = layout.user_top > room.brk ? layout.user_top - room.brk : 0;
  } else {
    room.blocker = next;
    room.room = regions[next].start > room.brk ? regions[next].start - room.brk : 0;
  }
  room.blocked = room.room < page;
  return room;
}

FallbackArenas detail::find_fallback_arenas(const Snapshot& snapshot, const Layout& layout, const BrkRoom& brk,
                                            std::vector<RegionRole>& roles) {
  FallbackArenas fallbacks;
  // glibc maps morecore memory only when brk fails: without a blocked brk, anonymous memory is
  // the program's own and says nothing about malloc.
  if (!brk.blocked) return fallbacks;
  const std::vector<Region>& regions = snapshot.regions;
  for (size_t i = 0; i < regions.size(); ++i) {
    const Region& region = regions[i];
    if (layout.segment_of[i] != Segment::mmap || roles[i] != RegionRole::none || brk.blocker == i) continue;
    if (!is_private_anonymous(region) || !is_rw(region)) continue;
    roles[i] = RegionRole::malloc_fallback;
    fallbacks.regions.push_back(i);
    fallbacks.bytes += region.size();
    // A fallback mapped right after a library's bss merged with it: the library's part is not malloc's.
    if (follows_library_data(regions, layout, i)) fallbacks.bytes -= regions[i - 1].declared_bss.value_or(0);
  }
  for (size_t i = 0; i < regions.size(); ++i)
    if (roles[i] == RegionRole::library_bss && !regions[i - 1].declared_bss) ++fallbacks.unchecked_bss_regions;
  fallbacks.count = fallbacks.regions.size();
  if (brk.blocker && roles[*brk.blocker] == RegionRole::none) roles[*brk.blocker] = RegionRole::brk_blocker;
  return fallbacks;
}

}  // namespace ljmm
