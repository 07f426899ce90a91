#include "proc/library_bss.hpp"

#include <algorithm>
#include <string>

#include "proc/memory.hpp"

namespace ljmm::detail {

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

// The program headers of the file `data` maps. ld.so maps a library's first page (the ELF header
// and, in every file a linker writes, the program headers) at its load base: one read of the
// process's memory instead of opening the file (ljmm-inspect --all does this for every library).
std::optional<ElfFile> read_headers(int pid, const std::vector<Region>& regions, const Region& data) {
  for (const Region& region : regions) {
    if (region.kind != RegionKind::file || region.offset != 0 || !region.perms.read || region.inode != data.inode ||
        region.dev_major != data.dev_major || region.dev_minor != data.dev_minor)
      continue;
    std::string head(std::min<uint64_t>(region.size(), elf_head_bytes), '\0');
    if (!read_process_memory(pid, region.start, head.data(), head.size())) break;
    auto file = parse_elf(head, region.path, ElfParts::header);
    if (file && !file->loads.empty()) return std::move(file).value();
    break;
  }
  auto file = read_elf_file(mapped_file_path(pid, data), ElfParts::header);
  if (!file) return std::nullopt;
  return std::move(file).value();
}

}  // namespace

std::optional<uint64_t> declared_bss(const ElfFile& file, const Region& data, uint64_t page) {
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

void set_declared_bss(std::vector<Region>& regions, uint64_t page_size, const HeadersOf& headers_of) {
  for (size_t i = 0; i < regions.size(); ++i) {
    if (!followed_by_anonymous(regions, i)) continue;
    if (const ElfFile* file = headers_of(regions, regions[i]))
      regions[i].declared_bss = declared_bss(*file, regions[i], page_size);
  }
}

void read_declared_bss(int pid, std::vector<Region>& regions, uint64_t page_size, DeclaredBssCache* cache) {
  DeclaredBssCache own;
  auto& files = (cache ? cache : &own)->files;
  set_declared_bss(regions, page_size, [&](const std::vector<Region>& all, const Region& data) -> const ElfFile* {
    auto [entry, inserted] = files.try_emplace({data.dev_major, data.dev_minor, data.inode});
    if (inserted) entry->second = read_headers(pid, all, data);
    return entry->second ? &*entry->second : nullptr;
  });
}

}  // namespace ljmm::detail
