#include "proc/library_bss.hpp"

#include <map>
#include <tuple>

#include "proc/memory.hpp"

namespace ljmm {

namespace {

uint64_t align_down(uint64_t value, uint64_t page) { return value / page * page; }
uint64_t align_up(uint64_t value, uint64_t page) { return align_down(value + page - 1, page); }

bool followed_by_anonymous(const std::vector<Region>& regions, size_t i) {
  const Region& region = regions[i];
  if (region.kind != RegionKind::file || !region.perms.write || region.perms.shared) return false;
  if (i + 1 >= regions.size()) return false;
  const Region& next = regions[i + 1];
  return next.start == region.end && next.kind == RegionKind::anonymous && !next.perms.shared;
}

}  // namespace

std::optional<uint64_t> declared_bss(const ElfFile& file, const Region& data, uint64_t page_size) {
  uint64_t page = page_size ? page_size : 4096;
  uint64_t mapped_end = data.offset + data.size();  // the file offset where the mapping ends
  for (const ElfLoadSegment& load : file.loads) {
    if (!load.writable || load.memory_size < load.file_size) continue;
    // The loader maps file pages [align_down(offset), ...) at align_down(vaddr), up to the page
    // that holds the last file byte; the bss pages after it are anonymous.
    uint64_t file_end =
        align_down(load.offset, page) + align_up(load.vaddr + load.file_size, page) - align_down(load.vaddr, page);
    if (file_end != mapped_end) continue;
    return align_up(load.vaddr + load.memory_size, page) - align_up(load.vaddr + load.file_size, page);
  }
  return std::nullopt;
}

void read_declared_bss(int pid, std::vector<Region>& regions, uint64_t page_size) {
  // A process maps dozens of libraries; read each file's program headers once.
  std::map<std::tuple<uint32_t, uint32_t, uint64_t>, std::optional<ElfFile>> files;
  for (size_t i = 0; i < regions.size(); ++i) {
    if (!followed_by_anonymous(regions, i)) continue;
    Region& data = regions[i];
    auto [entry, inserted] = files.try_emplace({data.dev_major, data.dev_minor, data.inode});
    if (inserted) {
      auto file = read_elf_file(mapped_file_path(pid, data), ElfParts::header);
      if (file) entry->second = std::move(file).value();
    }
    if (entry->second) data.declared_bss = declared_bss(*entry->second, data, page_size);
  }
}

}  // namespace ljmm
