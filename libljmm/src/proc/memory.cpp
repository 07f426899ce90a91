#include "proc/memory.hpp"

#include <fmt/format.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "elf/elf_file.hpp"

namespace ljmm::detail {

Status read_process_memory(int pid, uint64_t address, void* buffer, size_t size) {
  iovec local{buffer, size};
  iovec remote{reinterpret_cast<void*>(address), size};
  ssize_t got = ::process_vm_readv(pid, &local, 1, &remote, 1, 0);
  if (got == static_cast<ssize_t>(size)) return {};
  int error = got < 0 ? errno : EFAULT;
  return make_error(error == EPERM ? Errc::permission_denied : Errc::io_error,
                    fmt::format("pid {}: reading memory at {:#x}: {}", pid, address, std::strerror(error)));
}

std::optional<uint64_t> load_base(const std::vector<Region>& regions, const std::string& path) {
  for (const Region& region : regions)
    if (region.kind == RegionKind::file && region.path == path && region.offset == 0) return region.start;
  return std::nullopt;
}

std::string mapped_file_path(int pid, const Region& region) {
  std::string direct = fmt::format("/proc/{}/map_files/{:x}-{:x}", pid, region.start, region.end);
  if (::access(direct.c_str(), R_OK) == 0) return direct;
  return fmt::format("/proc/{}/root{}", pid, region.path);
}

std::vector<const Region*> curbrk_holders(const std::vector<Region>& regions, const std::string& exe) {
  std::vector<const Region*> holders;
  for (const Region& region : regions)
    if (region.kind == RegionKind::file && region.offset == 0 && region.path == exe) {
      holders.push_back(&region);
      break;
    }
  for (const Region& region : regions) {
    if (region.kind != RegionKind::file || region.offset != 0 || region.path == exe) continue;
    std::string_view name = std::string_view(region.path).substr(region.path.rfind('/') + 1);
    if (name.starts_with("libc.so") || name.starts_with("libc-")) holders.push_back(&region);
  }
  return holders;
}

std::optional<CurbrkSymbol> find_curbrk(const std::string& path, bool is_executable) {
  if (is_executable) {
    auto header = read_elf_file(path, ElfParts::header);
    if (!header || header->has_interpreter) return std::nullopt;
  }
  auto file = read_elf_file(path);
  if (!file) return std::nullopt;
  const ElfSymbol* curbrk = file->find("__curbrk");
  if (!curbrk || curbrk->function) return std::nullopt;
  return CurbrkSymbol{curbrk->value, file->position_independent, file->build_id};
}

std::optional<uint64_t> read_glibc_break(int pid, const std::vector<Region>& regions, const std::string& exe,
                                         BreakSymbolCache* cache) {
  // __curbrk lives in libc.so.6, or in the executable itself when it is linked statically.
  for (const Region* holder : curbrk_holders(regions, exe)) {
    const Region& region = *holder;
    auto find = [&]() -> std::optional<BreakSymbolCache::Location> {
      auto symbol = find_curbrk(mapped_file_path(pid, region), region.path == exe);
      if (!symbol) return std::nullopt;
      return BreakSymbolCache::Location{symbol->value, symbol->position_independent};
    };
    std::optional<BreakSymbolCache::Location> curbrk;
    if (cache) {
      auto [entry, inserted] = cache->files.try_emplace({region.dev_major, region.dev_minor, region.inode});
      if (inserted) entry->second = find();
      curbrk = entry->second;
    } else {
      curbrk = find();
    }
    if (!curbrk) continue;
    uint64_t address = curbrk->position_independent ? region.start + curbrk->value : curbrk->value;
    uint64_t value = 0;
    if (!read_process_memory(pid, address, &value, sizeof value)) continue;
    // 0: glibc has not asked for the break yet; the kernel's own numbers say where it is.
    if (value == 0) return std::nullopt;
    return value;
  }
  return std::nullopt;
}

}  // namespace ljmm::detail
