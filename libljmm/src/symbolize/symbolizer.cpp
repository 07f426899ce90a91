// User stack addresses to "function+0x1a (libc.so.6)": which file an address belongs to comes
// from the kernel with the event (BPF: the frame's device, inode and file offset), from the
// unwinder, or from the process's maps; the file's ELF symbol tables (.symtab, .dynsym, then
// those of its separate debug file found by build ID) say which function.
#include "ljmm/symbolizer.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <functional>
#include <map>
#include <set>
#include <tuple>

#include "elf/elf_file.hpp"
#include "ljmm/proc.hpp"
#include "ljmm/units.hpp"
#include "proc/memory.hpp"

namespace ljmm {

using detail::ElfFile;
using detail::ElfSymbol;
using detail::load_base;
using detail::mapped_file_path;
using detail::read_elf_file;

namespace {

using FileKey = std::tuple<uint32_t, uint32_t, uint64_t>;  // device major, minor, inode

}  // namespace

struct Symbolizer::Cache {
  std::map<uint32_t, std::vector<Region>> maps;       // pid -> regions, read once per miss
  std::map<std::string, std::optional<ElfFile>> elf;  // path -> symbols (nullopt: unreadable)
  std::map<std::string, std::optional<ElfFile>> debug;  // build ID -> the separate debug file's symbols
  std::map<FileKey, std::string> paths;               // every mapped file seen in any maps
  std::set<FileKey> unknown;                          // not in the maps when looked for
  bool read_own_maps = false;
};

namespace {

const Region* find_region(const std::vector<Region>& regions, uint64_t address) {
  for (const Region& region : regions)
    if (region.contains(address)) return &region;
  return nullptr;
}

std::string base_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }

}  // namespace

Symbolizer::Symbolizer(std::string debug_root)
    : debug_root_(std::move(debug_root)), cache_(std::make_shared<Cache>()) {}

const std::vector<Region>& Symbolizer::read_maps(uint32_t pid) {
  std::vector<Region>& regions = cache_->maps[pid];
  if (auto text = read_proc_file(static_cast<int>(pid), "maps")) {
    if (auto parsed = parse_maps(*text)) regions = std::move(parsed).value();
  }
  for (const Region& region : regions)
    if (region.kind == RegionKind::file)
      cache_->paths.try_emplace({region.dev_major, region.dev_minor, region.inode}, region.path);
  return regions;
}

std::string Symbolizer::name_in_file(const std::string& path, const std::function<std::string()>& open_as,
                                     uint64_t address, uint64_t file_offset) {
  auto [entry, inserted] = cache_->elf.try_emplace(path);
  if (inserted) {  // read each file once: where to open it from is worked out only then
    auto table = read_elf_file(open_as());
    if (table) entry->second = std::move(table).value();
  }
  std::string file = base_name(path);
  // Outside every symbol: the file and the offset, which a reader can look up (never the
  // nearest symbol below, which is often a wrong one).
  std::string unnamed = fmt::format("{:#x} ({}+{:#x})", address, file, file_offset);
  if (!entry->second) return unnamed;
  const ElfFile& table = *entry->second;
  // Code segments map at their file offset from the load base (p_vaddr == p_offset).
  uint64_t value = table.position_independent ? file_offset : address;
  const ElfSymbol* symbol = table.containing(value);
  if (!symbol && table.build_id.size() > 2) {  // static functions are named only in the debug file
    auto [debug, first] = cache_->debug.try_emplace(table.build_id);
    if (first) {  // /usr/lib/debug/.build-id/ab/cdef....debug, where gdb and libdw look too
      auto read = read_elf_file(fmt::format("{}/.build-id/{}/{}.debug", debug_root_, table.build_id.substr(0, 2),
                                            table.build_id.substr(2)));
      if (read) debug->second = std::move(read).value();
    }
    if (debug->second) symbol = debug->second->containing(value);
  }
  if (!symbol) return unnamed;
  return fmt::format("{}+{:#x} ({})", symbol->name, value - symbol->value, file);
}

std::string Symbolizer::symbolize(uint32_t pid, uint64_t address, const FrameFile* frame_file) {
  if (!cache_) cache_ = std::make_shared<Cache>();
  // The file the kernel named at the call is right even if the process has exited or exec'd
  // since; its path comes from the maps of any process that maps it (this one, or ours).
  if (frame_file && frame_file->inode != 0) {
    FileKey key{frame_file->dev_major, frame_file->dev_minor, frame_file->inode};
    auto known = cache_->paths.find(key);
    if (known == cache_->paths.end() && !cache_->unknown.contains(key)) {
      read_maps(pid);
      if (!cache_->read_own_maps) {
        cache_->read_own_maps = true;
        read_maps(static_cast<uint32_t>(::getpid()));
      }
      known = cache_->paths.find(key);
      if (known == cache_->paths.end()) cache_->unknown.insert(key);  // e.g. overlayfs shows other inodes
    }
    if (known != cache_->paths.end()) {
      const std::string& path = known->second;
      auto open_as = [&] {  // through the process's root while it lives (another mount namespace)
        std::string rooted = fmt::format("/proc/{}/root{}", pid, path);
        return ::access(rooted.c_str(), R_OK) == 0 ? rooted : path;
      };
      return name_in_file(path, open_as, address, frame_file->offset);
    }
  }

  const std::vector<Region>* regions = &cache_->maps[pid];
  const Region* region = find_region(*regions, address);
  if (!region) {  // new mappings since the last read (or the first time): read the maps again
    regions = &read_maps(pid);
    region = find_region(*regions, address);
  }
  return name_in_regions(*regions, region, address,
                         [pid](const Region& mapped) { return mapped_file_path(static_cast<int>(pid), mapped); });
}

std::string Symbolizer::symbolize_in(const std::vector<Region>& regions, uint64_t address) {
  if (!cache_) cache_ = std::make_shared<Cache>();
  return name_in_regions(regions, find_region(regions, address), address,
                         [](const Region& mapped) { return mapped.path; });
}

std::string Symbolizer::name_in_regions(const std::vector<Region>& regions, const Region* region, uint64_t address,
                                        const std::function<std::string(const Region&)>& open_as) {
  if (!region || region->kind != RegionKind::file) return format_address_short(address);
  std::optional<uint64_t> base = load_base(regions, region->path);
  if (!base) return fmt::format("{:#x} ({})", address, base_name(region->path));
  return name_in_file(region->path, [&] { return open_as(*region); }, address, address - *base);
}

void Symbolizer::forget(uint32_t pid) {
  if (cache_) cache_->maps.erase(pid);
}

}  // namespace ljmm
