// User stack addresses to "function+0x1a (libc.so.6)": the process's maps say which file an
// address belongs to, the file's ELF symbol tables (libelf) say which function. No DWARF.
#include <fmt/format.h>

#include <map>

#include "ljmm/elf_symbols.hpp"
#include "ljmm/snapshot.hpp"
#include "ljmm/trace_report.hpp"
#include "ljmm/units.hpp"

namespace ljmm::trace {

struct Symbolizer::Cache {
  std::map<uint32_t, std::vector<Region>> maps;             // pid -> regions, read once per miss
  std::map<std::string, std::optional<ElfSymbolTable>> elf;  // path -> symbols (nullopt: unreadable)
};

namespace {

const Region* find_region(const std::vector<Region>& regions, uint64_t address) {
  for (const Region& region : regions)
    if (region.contains(address)) return &region;
  return nullptr;
}

std::string base_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }

}  // namespace

std::string Symbolizer::symbolize(uint32_t pid, uint64_t address) {
  if (!cache_) cache_ = std::make_shared<Cache>();
  std::vector<Region>& regions = cache_->maps[pid];
  const Region* region = find_region(regions, address);
  if (!region) {  // new mappings since the last read (or the first time): read the maps again
    if (auto text = read_proc_file(static_cast<int>(pid), "maps")) {
      if (auto parsed = parse_maps(*text)) regions = std::move(parsed).value();
    }
    region = find_region(regions, address);
  }
  if (!region || region->kind != RegionKind::file) return format_address_short(address);

  auto [entry, inserted] = cache_->elf.try_emplace(region->path);
  if (inserted) {
    auto table = read_elf_symbols(mapped_file_path(static_cast<int>(pid), *region));
    if (table) entry->second = std::move(table).value();
  }
  std::string file = base_name(region->path);
  if (!entry->second) return fmt::format("{:#x} ({})", address, file);
  const ElfSymbolTable& table = *entry->second;
  uint64_t value = address;
  if (table.position_independent) {
    std::optional<uint64_t> base = load_base(regions, region->path);
    if (!base) return fmt::format("{:#x} ({})", address, file);
    value = address - *base;
  }
  const ElfSymbol* symbol = table.containing(value);
  if (!symbol) return fmt::format("{:#x} ({})", address, file);
  return fmt::format("{}+{:#x} ({})", symbol->name, value - symbol->value, file);
}

void Symbolizer::forget(uint32_t pid) {
  if (cache_) cache_->maps.erase(pid);
}

}  // namespace ljmm::trace
