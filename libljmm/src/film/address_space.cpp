// One process's mappings: seeded from a start layout, split, merged and counted as the kernel
// does. What each call does is in apply.cpp.
#include <sys/mman.h>

#include <cstdio>
#include <sstream>
#include <string_view>

#include "ljmm/film.hpp"

namespace ljmm::film {

using namespace vma_flag;

namespace {

// VmFlags mnemonics of /proc/PID/smaps (fs/proc/task_mmu.c) for the flags the model keeps.
struct FlagMnemonic {
  std::string_view mnemonic;
  uint32_t flag;
};
constexpr FlagMnemonic vm_flag_mnemonics[] = {
    {"lo", locked},     {"lf", lock_on_fault}, {"dc", dont_fork},       {"wf", wipe_on_fork}, {"hg", huge_page},
    {"nh", no_huge_page}, {"mg", mergeable},   {"dd", dont_dump},       {"rr", random_read},  {"sr", sequential_read},
    {"gd", grows_down}, {"sl", sealed},        {"ac", accounted},       {"nr", no_reserve},   {"pf", special},
    {"io", special},    {"mm", special},
};

uint32_t parse_vm_flags(std::string_view text) {
  uint32_t flags = 0;
  std::istringstream words{std::string(text)};
  for (std::string word; words >> word;)
    for (const FlagMnemonic& known : vm_flag_mnemonics)
      if (word == known.mnemonic) flags |= known.flag;
  return flags;
}

bool is_special_kind(RegionKind kind) {
  return kind == RegionKind::vdso || kind == RegionKind::vvar || kind == RegionKind::vsyscall ||
         kind == RegionKind::special;
}

// What a maps line says, as a mapping of the model. Heap and stack lose their names: the model
// names them from the break and the stack pointer, as the kernel does, so they can grow.
Vma vma_of(const Region& region) {
  Vma vma;
  vma.start = region.start;
  vma.end = region.end;
  vma.prot = static_cast<uint8_t>((region.perms.read ? PROT_READ : 0) | (region.perms.write ? PROT_WRITE : 0) |
                                  (region.perms.exec ? PROT_EXEC : 0));
  vma.shared = region.perms.shared;
  vma.offset = region.offset;
  vma.dev_major = region.dev_major;
  vma.dev_minor = region.dev_minor;
  vma.inode = region.inode;
  vma.deleted = region.deleted;
  vma.file = region.kind == RegionKind::file;
  bool named = vma.file || region.kind == RegionKind::anon_named || region.kind == RegionKind::anon_shmem ||
               is_special_kind(region.kind);
  if (named) vma.path = vma.file ? region.path : region.label();
  if (region.smaps.vm_flags().empty()) {  // from maps, not smaps: what the permissions and names imply
    if (!vma.shared && (vma.prot & PROT_WRITE)) vma.flags |= accounted;
    if (region.kind == RegionKind::stack) vma.flags |= grows_down;
  } else {
    vma.flags = parse_vm_flags(region.smaps.vm_flags());
  }
  if (is_special_kind(region.kind)) vma.flags |= special;
  if (region.kind == RegionKind::vsyscall) vma.flags |= gate;
  return vma;
}

// "6.18.44-..." is at least major.minor; an unknown release is taken as the newest.
bool kernel_at_least(const std::string& release, int major, int minor) {
  int found_major = 0, found_minor = 0;
  if (std::sscanf(release.c_str(), "%d.%d", &found_major, &found_minor) != 2) return true;
  return found_major > major || (found_major == major && found_minor >= minor);
}

}  // namespace

const char* layout_source_name(LayoutSource source) {
  switch (source) {
    case LayoutSource::exec: return "exec";
    case LayoutSource::attach: return "attach";
    case LayoutSource::late: return "late";
    case LayoutSource::fork: return "fork";
  }
  return "attach";
}

std::optional<LayoutSource> layout_source_named(const std::string& name) {
  for (LayoutSource source : {LayoutSource::exec, LayoutSource::attach, LayoutSource::late, LayoutSource::fork})
    if (name == layout_source_name(source)) return source;
  return std::nullopt;
}

AddressSpace::AddressSpace(const StartLayout& layout)
    : start_brk_(layout.process.start_brk),
      start_stack_(layout.process.start_stack),
      stack_no_huge_page_(kernel_at_least(layout.system.kernel, 6, 7)),
      heap_overlap_only_(kernel_at_least(layout.system.kernel, 6, 7)) {
  for (const Region& region : layout.regions) {
    Vma vma = vma_of(region);
    // Each anonymous writable mapping the kernel listed apart is apart for a reason the model
    // cannot see (another anon_vma): it gets its own identity.
    if (vma.path.empty() && !vma.shared && (vma.prot & PROT_WRITE)) vma.anon_id = next_anon_id();
    if (vma.file && vma.inode != 0) file_paths_[{vma.dev_major, vma.dev_minor, vma.inode}] = vma.path;
    if (region.kind == RegionKind::heap) brk_ = region.end;
    count(vma, +1);
    vmas_.emplace(vma.start, std::move(vma));
  }
  if (!brk_ && start_brk_ != 0) brk_ = start_brk_;  // no [heap] yet: the break is where it starts
}

void AddressSpace::name_file(Vma& vma, const std::string& label) {
  constexpr std::string_view deleted = " (deleted)";
  vma.path = label;
  if (vma.path.ends_with(deleted)) {
    vma.path.resize(vma.path.size() - deleted.size());
    vma.deleted = true;
  }
  auto key = std::make_tuple(vma.dev_major, vma.dev_minor, vma.inode);
  if (vma.inode != 0 && !vma.path.empty()) file_paths_[key] = vma.path;
  if (vma.inode != 0 && vma.path.empty()) {
    auto known = file_paths_.find(key);
    if (known != file_paths_.end()) vma.path = known->second;
  }
  if (vma.inode == 0 && vma.path.empty()) vma.anon_id = next_anon_id();  // a file of its own, nameless
}

void AddressSpace::count(const Vma& vma, int sign) {
  auto add = [sign](uint64_t& total, uint64_t bytes) { total = sign > 0 ? total + bytes : total - bytes; };
  if (vma.flags & gate) return;
  add(totals_.map_count, 1);
  add(vma.accessible() ? totals_.accessible_bytes : totals_.reserved_bytes, vma.size());
  if (vma.flags & locked) add(totals_.locked_bytes, vma.size());
}

void AddressSpace::split_at(uint64_t address) {
  auto it = vmas_.upper_bound(address);
  if (it == vmas_.begin()) return;
  --it;
  Vma& vma = it->second;
  if (!(vma.start < address && address < vma.end)) return;
  Vma right = vma;
  right.start = address;
  if (right.file) right.offset += address - vma.start;
  count(vma, -1);
  vma.end = address;
  count(vma, +1);
  count(right, +1);
  vmas_.emplace(address, std::move(right));
}

void AddressSpace::remove(uint64_t start, uint64_t end) {
  if (start >= end) return;
  split_at(start);
  split_at(end);
  for (auto it = vmas_.lower_bound(start); it != vmas_.end() && it->first < end;) {
    count(it->second, -1);
    it = vmas_.erase(it);
  }
}

void AddressSpace::insert(Vma vma) {
  if (vma.start >= vma.end) return;
  remove(vma.start, vma.end);
  uint64_t start = vma.start, end = vma.end;
  count(vma, +1);
  vmas_.emplace(start, std::move(vma));
  merge_around(start, end);
}

void AddressSpace::modify(uint64_t start, uint64_t end, bool mapped_prefix_only,
                          const std::function<void(Vma&)>& change) {
  if (start >= end) return;
  split_at(start);
  split_at(end);
  uint64_t cursor = start;
  for (auto it = vmas_.lower_bound(start); it != vmas_.end() && it->first < end; ++it) {
    if (mapped_prefix_only && it->first != cursor) break;  // a hole: the kernel stopped there
    count(it->second, -1);
    change(it->second);
    count(it->second, +1);
    cursor = it->second.end;
  }
  merge_around(start, end);
}

namespace {

bool same_file(const Vma& a, const Vma& b) {
  if (a.inode != 0 && b.inode != 0)
    return a.inode == b.inode && a.dev_major == b.dev_major && a.dev_minor == b.dev_minor;
  if (!a.path.empty() && !b.path.empty() && !a.deleted) return a.path == b.path;
  return a.anon_id != 0 && a.anon_id == b.anon_id;  // pieces of one mapping of a file known by neither
}

bool same_backing(const Vma& a, const Vma& b) {
  if (a.file != b.file || a.shared != b.shared || a.deleted != b.deleted) return false;
  if (a.file) return same_file(a, b) && b.offset == a.offset + a.size();
  if (a.path != b.path) return false;  // [anon:NAME], [vdso]
  return a.anon_id == 0 || b.anon_id == 0 || a.anon_id == b.anon_id;  // the same pages' owner, or one has none yet
}

// The kernel's merge rule, as far as the model can see it: neighbours with equal permissions,
// flags, keys and policies, backed by the same pages.
bool can_merge(const Vma& a, const Vma& b) {
  return a.end == b.start && a.prot == b.prot && a.flags == b.flags && !(a.flags & (special | gate)) &&
         a.pkey == b.pkey && a.policy == b.policy && same_backing(a, b);
}

}  // namespace

void AddressSpace::merge_around(uint64_t start, uint64_t end) {
  auto it = vmas_.lower_bound(start);
  if (it != vmas_.begin()) --it;
  while (it != vmas_.end() && it->first <= end) {
    auto next = std::next(it);
    if (next == vmas_.end() || !can_merge(it->second, next->second)) {
      it = next;
      continue;
    }
    count(it->second, -1);
    count(next->second, -1);
    it->second.end = next->second.end;
    if (it->second.anon_id == 0) it->second.anon_id = next->second.anon_id;
    if (it->second.inode == 0) it->second.inode = next->second.inode;
    count(it->second, +1);
    vmas_.erase(next);
  }
}

AddressSpace AddressSpace::fork_copy() const {
  AddressSpace child = *this;
  child.vmas_.clear();
  child.totals_ = {};
  child.lock_future_ = false;
  child.future_flags_ = 0;
  for (const auto& [start, parent_vma] : vmas_) {
    if (parent_vma.flags & dont_fork) continue;
    Vma vma = parent_vma;
    vma.flags &= ~(locked | lock_on_fault);
    if (vma.anon_id != 0 && !vma.shared) vma.anon_id = child.next_anon_id();  // the child's own pages
    child.count(vma, +1);
    child.vmas_.emplace(start, std::move(vma));
  }
  return child;
}

std::vector<Region> AddressSpace::regions() const {
  std::vector<Region> regions;
  regions.reserve(vmas_.size());
  for (const auto& [start, vma] : vmas_) {
    Region region;
    region.start = vma.start;
    region.end = vma.end;
    region.perms = Perms{(vma.prot & PROT_READ) != 0, (vma.prot & PROT_WRITE) != 0, (vma.prot & PROT_EXEC) != 0,
                         vma.shared};
    region.offset = vma.file ? vma.offset : 0;
    region.dev_major = vma.dev_major;
    region.dev_minor = vma.dev_minor;
    region.inode = vma.inode;
    region.deleted = vma.deleted;
    if (vma.file) {
      region.kind = RegionKind::file;
      region.path = vma.path;
    } else if (!vma.path.empty()) {
      auto parsed = parse_maps_line("0-1 ---p 0 0:0 0 " + vma.path, 1);  // the kind a name has, as for the kernel's
      region.kind = parsed ? parsed->kind : RegionKind::special;
      region.path = parsed ? parsed->path : vma.path;
    } else if (brk_ && start_brk_ != 0 &&
               (heap_overlap_only_ ? vma.start < *brk_ && vma.end > start_brk_
                                   : vma.start <= *brk_ && vma.end >= start_brk_)) {
      region.kind = RegionKind::heap;
    } else if (start_stack_ != 0 && vma.start <= start_stack_ && vma.end >= start_stack_) {
      region.kind = RegionKind::stack;
    }
    regions.push_back(std::move(region));
  }
  return regions;
}

}  // namespace ljmm::film
