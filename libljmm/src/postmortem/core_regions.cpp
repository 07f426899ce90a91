#include "postmortem/core_regions.hpp"

#include <elf.h>

#include <algorithm>
#include <map>

#include "ljmm/units.hpp"

namespace ljmm::detail {

namespace {

// x86-64's legacy vsyscall page: the one mapping above user space, always at this address.
constexpr uint64_t vsyscall_address = 0xffffffffff600000ULL;
// How far above the end of the program the kernel puts the break (arch_randomize_brk): within
// 1 GiB, 32 MiB for a 32-bit task.
constexpr uint64_t brk_range_64 = 1 * GiB;
constexpr uint64_t brk_range_32 = 32 * MiB;

Region region_of(const CoreLoad& load) {
  Region region;
  region.start = load.start;
  region.end = load.start + load.memory_size;
  region.perms = Perms{load.read, load.write, load.exec, false};
  return region;
}

// The segments in address order; one that overlaps the one before is left out and counted.
void add_loads(const CoreFile& core, CoreRegions& out) {
  std::vector<const CoreLoad*> loads;
  for (const CoreLoad& load : core.loads)
    if (load.memory_size > 0 && load.start + load.memory_size > load.start) loads.push_back(&load);
  std::stable_sort(loads.begin(), loads.end(), [](const CoreLoad* a, const CoreLoad* b) { return a->start < b->start; });
  for (const CoreLoad* load : loads) {
    if (!out.regions.empty() && load->start < out.regions.back().end) {
      ++out.overlapping;
      continue;
    }
    out.regions.push_back(region_of(*load));
    if (load->file_size < load->memory_size) {
      ++out.not_dumped;
      out.not_dumped_bytes += load->memory_size - load->file_size;
    }
  }
}

// Paths from NT_FILE. The kernel writes one entry per file mapping and one PT_LOAD per mapping,
// so they match exactly; gdb leaves out the PT_LOADs of file pages it did not dump, and those
// mappings are added from NT_FILE alone, their permissions still unknown.
void add_files(const CoreFile& core, CoreRegions& out) {
  std::map<uint64_t, size_t> by_start;
  for (size_t i = 0; i < out.regions.size(); ++i) by_start.emplace(out.regions[i].start, i);
  std::vector<Region> added;
  for (const CoreMappedFile& file : core.files) {
    if (file.end <= file.start) continue;
    auto found = by_start.find(file.start);
    Region* region = nullptr;
    if (found != by_start.end() && out.regions[found->second].end == file.end) {
      region = &out.regions[found->second];
    } else {
      auto after = std::upper_bound(out.regions.begin(), out.regions.end(), file.start,
                                    [](uint64_t start, const Region& r) { return start < r.start; });
      bool free = (after == out.regions.end() || after->start >= file.end) &&
                  (after == out.regions.begin() || std::prev(after)->end <= file.start);
      if (!free) continue;  // overlaps a segment it does not match: the segment wins
      Region fresh;
      fresh.start = file.start;
      fresh.end = file.end;
      region = &added.emplace_back(std::move(fresh));
    }
    region->offset = file.offset;
    classify_pathname(file.path, *region);
  }
  if (added.empty()) return;
  out.regions.insert(out.regions.end(), added.begin(), added.end());
  std::sort(out.regions.begin(), out.regions.end(), [](const Region& a, const Region& b) { return a.start < b.start; });
  // Entries NT_FILE alone names may overlap each other in a damaged note: keep the first.
  size_t kept = 0;
  for (size_t i = 0; i < out.regions.size(); ++i) {
    if (kept > 0 && out.regions[i].start < out.regions[kept - 1].end) {
      ++out.overlapping;
      continue;
    }
    if (kept != i) out.regions[kept] = std::move(out.regions[i]);  // never onto itself: that empties it
    ++kept;
  }
  out.regions.resize(kept);
  for (size_t i = 0; i < out.regions.size(); ++i)
    if (out.regions[i].perms.none() &&
        std::any_of(added.begin(), added.end(), [&](const Region& r) { return r.start == out.regions[i].start; }))
      out.from_file_note_only.push_back(i);
}

Region* containing(std::vector<Region>& regions, uint64_t address) {
  auto after = std::upper_bound(regions.begin(), regions.end(), address,
                                [](uint64_t a, const Region& r) { return a < r.start; });
  if (after == regions.begin() || !std::prev(after)->contains(address)) return nullptr;
  return &*std::prev(after);
}

void name(Region* region, std::string_view label) {
  if (region && region->kind == RegionKind::anonymous) classify_pathname(label, *region);
}

// [vdso] starts at AT_SYSINFO_EHDR; the read-only mappings right below it are its data pages:
// [vvar], and since Linux 6.15 [vvar_vclock] between the two.
void name_vdso(std::vector<Region>& regions, uint64_t vdso) {
  Region* region = containing(regions, vdso);
  if (!region || region->start != vdso) return;
  name(region, "[vdso]");
  std::vector<Region*> below;
  for (size_t i = static_cast<size_t>(region - regions.data()); i > 0 && below.size() < 2; --i) {
    Region& candidate = regions[i - 1];
    if (candidate.end != regions[i].start || candidate.kind != RegionKind::anonymous || candidate.perms.write) break;
    below.push_back(&candidate);
  }
  if (below.size() == 2) name(below[0], "[vvar_vclock]");
  if (!below.empty()) name(below.back(), "[vvar]");
}

bool readable_only(const Region& region) {
  return region.kind == RegionKind::anonymous && region.perms.read && !region.perms.write && !region.perms.exec;
}

// gdb marks every segment readable (bfd gives each PF_R), so ---p mappings come out r--: the guard
// below each thread's stack (its stack pointer tells which region is the stack) and the rest of
// each glibc arena heap's 64 MiB reservation after its rw part. Those shapes are taken back as
// ---p, so thread stacks and arenas are recognized as in a live process; they are counted.
uint64_t restore_gdb_guards(const CoreFile& core, std::vector<Region>& regions) {
  uint64_t restored = 0;
  auto restore = [&](Region& region) {
    region.perms.read = false;
    ++restored;
  };
  for (const CoreThread& thread : core.threads) {
    Region* stack = containing(regions, thread.stack_pointer);
    if (!stack || stack == regions.data()) continue;
    Region& below = *(stack - 1);
    if (below.end == stack->start && readable_only(below) && stack->kind == RegionKind::anonymous) restore(below);
  }
  constexpr uint64_t arena_heap = 64 * MiB;  // glibc's HEAP_MAX_SIZE on 64-bit
  for (size_t i = 1; i < regions.size(); ++i) {
    const Region& used = regions[i - 1];
    Region& rest = regions[i];
    if (used.start % arena_heap == 0 && used.perms.write && used.kind == RegionKind::anonymous &&
        rest.start == used.end && rest.end == used.start + arena_heap && readable_only(rest))
      restore(rest);
  }
  return restored;
}

}  // namespace

CoreRegions core_regions(const CoreFile& core) {
  CoreRegions out;
  add_loads(core, out);
  add_files(core, out);
  if (auto vdso = core.auxv_value(AT_SYSINFO_EHDR)) name_vdso(out.regions, *vdso);
  if (core.is_64) {
    Region* vsyscall = containing(out.regions, vsyscall_address);
    if (vsyscall && vsyscall->start == vsyscall_address) name(vsyscall, "[vsyscall]");
  }
  // The kernel writes the file name AT_EXECFN points to at the top of the main thread's stack;
  // without it, the main thread's stack pointer (its tid is the pid) tells.
  std::optional<uint64_t> in_stack = core.auxv_value(AT_EXECFN);
  for (const CoreThread& thread : core.threads)
    if (!in_stack && thread.tid == core.pid && thread.stack_pointer != 0) in_stack = thread.stack_pointer;
  if (in_stack) name(containing(out.regions, *in_stack), "[stack]");
  if (core.written_by_gdb) out.guards_restored = restore_gdb_guards(core, out.regions);
  return out;
}

std::optional<size_t> name_heap(std::vector<Region>& regions, const std::string& exe, std::optional<uint64_t> brk,
                                bool is_64) {
  uint64_t program_end = 0;
  for (const Region& region : regions)
    if (region.kind == RegionKind::file && region.path == exe) program_end = std::max(program_end, region.end);
  if (program_end == 0) return std::nullopt;
  auto is_heap = [&](const Region& region) {
    return region.kind == RegionKind::anonymous && region.perms.read && region.perms.write &&
           region.start > program_end;  // right after the program is its bss, not the heap
  };
  if (brk) {
    Region* region = *brk > 0 ? containing(regions, *brk - 1) : nullptr;
    if (!region || !is_heap(*region)) return std::nullopt;
    name(region, "[heap]");
    return static_cast<size_t>(region - regions.data());
  }
  uint64_t range = is_64 ? brk_range_64 : brk_range_32;
  for (size_t i = 0; i < regions.size(); ++i) {
    if (regions[i].start <= program_end) continue;
    if (regions[i].start - program_end >= range || !is_heap(regions[i])) return std::nullopt;
    name(&regions[i], "[heap]");
    return i;
  }
  return std::nullopt;
}

}  // namespace ljmm::detail
