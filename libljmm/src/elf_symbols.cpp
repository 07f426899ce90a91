#include "ljmm/elf_symbols.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ljmm {

namespace {

// Owns the descriptor and the Elf handle of one opened file.
class ElfFile {
 public:
  explicit ElfFile(const std::string& path) {
    elf_version(EV_CURRENT);
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ >= 0) elf_ = elf_begin(fd_, ELF_C_READ, nullptr);
  }
  ~ElfFile() {
    if (elf_) elf_end(elf_);
    if (fd_ >= 0) ::close(fd_);
  }
  ElfFile(const ElfFile&) = delete;
  ElfFile& operator=(const ElfFile&) = delete;

  bool opened() const { return fd_ >= 0; }
  Elf* get() const { return elf_; }

 private:
  int fd_ = -1;
  Elf* elf_ = nullptr;
};

void collect_section_symbols(Elf* elf, Elf_Scn* section, const GElf_Shdr& header, std::vector<ElfSymbol>& out) {
  Elf_Data* data = elf_getdata(section, nullptr);
  if (!data || header.sh_entsize == 0) return;
  size_t count = header.sh_size / header.sh_entsize;
  for (size_t i = 0; i < count; ++i) {
    GElf_Sym symbol;
    if (!gelf_getsym(data, static_cast<int>(i), &symbol)) continue;
    int type = GELF_ST_TYPE(symbol.st_info);
    if (symbol.st_shndx == SHN_UNDEF || (type != STT_FUNC && type != STT_OBJECT)) continue;
    const char* name = elf_strptr(elf, header.sh_link, symbol.st_name);
    if (!name || !*name) continue;
    out.push_back(ElfSymbol{name, symbol.st_value, symbol.st_size, type == STT_FUNC});
  }
}

}  // namespace

const ElfSymbol* ElfSymbolTable::find(std::string_view name) const {
  for (const ElfSymbol& symbol : symbols)
    if (symbol.name == name) return &symbol;
  return nullptr;
}

const ElfSymbol* ElfSymbolTable::containing(uint64_t value) const {
  auto after = std::upper_bound(symbols.begin(), symbols.end(), value,
                                [](uint64_t v, const ElfSymbol& symbol) { return v < symbol.value; });
  if (after == symbols.begin()) return nullptr;
  const ElfSymbol& symbol = *(after - 1);
  if (symbol.size != 0 && value >= symbol.value + symbol.size) return nullptr;
  return &symbol;
}

Result<ElfSymbolTable> read_elf_symbols(const std::string& path) {
  ElfFile file(path);
  if (!file.opened()) {
    int error = errno;
    return make_error(error == ENOENT ? Errc::not_found : Errc::io_error,
                      fmt::format("{}: {}", path, std::strerror(error)));
  }
  if (!file.get() || elf_kind(file.get()) != ELF_K_ELF)
    return make_error(Errc::malformed, fmt::format("{}: not an ELF file", path));
  ElfSymbolTable table;
  GElf_Ehdr elf_header;
  if (gelf_getehdr(file.get(), &elf_header)) table.position_independent = elf_header.e_type == ET_DYN;
  std::vector<ElfSymbol>& symbols = table.symbols;
  for (Elf_Scn* section = elf_nextscn(file.get(), nullptr); section; section = elf_nextscn(file.get(), section)) {
    GElf_Shdr header;
    if (!gelf_getshdr(section, &header)) continue;
    if (header.sh_type == SHT_SYMTAB || header.sh_type == SHT_DYNSYM)
      collect_section_symbols(file.get(), section, header, symbols);
  }
  std::sort(symbols.begin(), symbols.end(), [](const ElfSymbol& a, const ElfSymbol& b) { return a.value < b.value; });
  return table;
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

Status read_process_memory(int pid, uint64_t address, void* buffer, size_t size) {
  iovec local{buffer, size};
  iovec remote{reinterpret_cast<void*>(address), size};
  ssize_t got = ::process_vm_readv(pid, &local, 1, &remote, 1, 0);
  if (got == static_cast<ssize_t>(size)) return {};
  int error = got < 0 ? errno : EFAULT;
  return make_error(error == EPERM ? Errc::permission_denied : Errc::io_error,
                    fmt::format("pid {}: reading memory at {:#x}: {}", pid, address, std::strerror(error)));
}

std::optional<uint64_t> read_glibc_break(int pid, const std::vector<Region>& regions, const std::string& exe) {
  // __curbrk lives in libc.so.6, or in the executable itself when it is linked statically.
  for (const Region& region : regions) {
    if (region.kind != RegionKind::file || region.offset != 0) continue;
    std::string_view name = std::string_view(region.path).substr(region.path.rfind('/') + 1);
    if (!name.starts_with("libc.so") && !name.starts_with("libc-") && region.path != exe) continue;
    auto table = read_elf_symbols(mapped_file_path(pid, region));
    if (!table) continue;
    const ElfSymbol* curbrk = table->find("__curbrk");
    if (!curbrk || curbrk->function) continue;
    uint64_t address = table->position_independent ? region.start + curbrk->value : curbrk->value;
    uint64_t value = 0;
    if (read_process_memory(pid, address, &value, sizeof value)) return value;
  }
  return std::nullopt;
}

}  // namespace ljmm
