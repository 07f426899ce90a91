#include "elf/elf_file.hpp"

#include <elf.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "elf/bytes.hpp"
#include "sys/fd.hpp"

namespace ljmm::detail {

namespace {

template <class Types>
void read_loads(const Bytes& bytes, const typename Types::Ehdr& header, ElfFile& file) {
  if (header.e_phentsize != sizeof(typename Types::Phdr)) return;
  auto* table = bytes.at<typename Types::Phdr>(header.e_phoff, header.e_phnum);
  if (!table) return;
  for (size_t i = 0; i < header.e_phnum; ++i) {
    auto program = load(table + i);
    if (program.p_type == PT_INTERP) file.has_interpreter = true;
    if (program.p_type != PT_LOAD) continue;
    file.loads.push_back({program.p_vaddr, program.p_offset, program.p_filesz, program.p_memsz,
                          (program.p_flags & PF_W) != 0, (program.p_flags & PF_R) != 0, (program.p_flags & PF_X) != 0});
  }
}

template <class Types>
void read_symbols(const Bytes& bytes, const typename Types::Ehdr& header, ElfFile& file) {
  using Shdr = typename Types::Shdr;
  using Sym = typename Types::Sym;
  if (header.e_shentsize != sizeof(Shdr)) return;
  auto* sections = bytes.at<Shdr>(header.e_shoff, header.e_shnum);
  if (!sections) return;
  for (size_t i = 0; i < header.e_shnum; ++i) {
    Shdr section = load(sections + i);
    if ((section.sh_type != SHT_SYMTAB && section.sh_type != SHT_DYNSYM) || section.sh_entsize != sizeof(Sym) ||
        section.sh_link >= header.e_shnum)
      continue;
    Shdr strings = load(sections + section.sh_link);
    uint64_t count = section.sh_size / sizeof(Sym);
    auto* symbols = bytes.at<Sym>(section.sh_offset, count);
    if (!symbols) continue;
    for (uint64_t s = 0; s < count; ++s) {
      Sym symbol = load(symbols + s);
      int type = ELF64_ST_TYPE(symbol.st_info);  // the same bits in both classes
      if (symbol.st_shndx == SHN_UNDEF || (type != STT_FUNC && type != STT_OBJECT)) continue;
      std::string_view name = bytes.string(strings.sh_offset, strings.sh_size, symbol.st_name);
      if (name.empty()) continue;
      file.symbols.push_back(ElfSymbol{std::string(name), symbol.st_value, symbol.st_size, type == STT_FUNC});
    }
  }
  std::sort(file.symbols.begin(), file.symbols.end(),
            [](const ElfSymbol& a, const ElfSymbol& b) { return a.value < b.value; });
}

// The GNU build ID note (NT_GNU_BUILD_ID) as hex: it names the file's separate debug file.
template <class Types>
void read_build_id(const Bytes& bytes, const typename Types::Ehdr& header, ElfFile& file) {
  using Shdr = typename Types::Shdr;
  if (header.e_shentsize != sizeof(Shdr)) return;
  auto* sections = bytes.at<Shdr>(header.e_shoff, header.e_shnum);
  if (!sections) return;
  for (size_t i = 0; i < header.e_shnum; ++i) {
    Shdr section = load(sections + i);
    if (section.sh_type != SHT_NOTE) continue;
    if (!file.build_id.empty()) return;
    for_each_note(bytes.view(), section.sh_offset, section.sh_offset + section.sh_size, [&](const ElfNote& note) {
      if (note.type == NT_GNU_BUILD_ID && note.name == "GNU" && file.build_id.empty())
        file.build_id = hex_bytes(note.desc);
    });
  }
}

template <class Types>
Result<ElfFile> parse_class(const Bytes& bytes, const std::string& origin, ElfParts parts) {
  auto* where = bytes.at<typename Types::Ehdr>(0);
  if (!where) return make_error(Errc::malformed, fmt::format("{}: ELF header cut short", origin));
  auto header = load(where);
  ElfFile file;
  file.position_independent = header.e_type == ET_DYN;
  read_loads<Types>(bytes, header, file);
  if (parts == ElfParts::header_and_symbols) {
    read_symbols<Types>(bytes, header, file);
    read_build_id<Types>(bytes, header, file);
  }
  return file;
}

// A read-only private mapping of a whole file, unmapped with it.
class MappedFile {
 public:
  MappedFile(void* data, size_t size) : data_(data), size_(size) {}
  ~MappedFile() {
    if (data_ != MAP_FAILED && size_ != 0) ::munmap(data_, size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view bytes() const {
    return data_ == MAP_FAILED ? std::string_view{} : std::string_view(static_cast<const char*>(data_), size_);
  }

 private:
  void* data_;
  size_t size_;
};

Error file_error(const std::string& path, int error) {
  return make_error(error == ENOENT   ? Errc::not_found
                    : error == EACCES ? Errc::permission_denied
                                      : Errc::io_error,
                    fmt::format("{}: {}", path, std::strerror(error)));
}

}  // namespace

const ElfSymbol* ElfFile::find(std::string_view name) const {
  for (const ElfSymbol& symbol : symbols)
    if (symbol.name == name) return &symbol;
  return nullptr;
}

const ElfSymbol* ElfFile::containing(uint64_t value) const {
  auto after = std::upper_bound(symbols.begin(), symbols.end(), value,
                                [](uint64_t v, const ElfSymbol& symbol) { return v < symbol.value; });
  if (after == symbols.begin()) return nullptr;
  // A symbol covers [value, value + size) only. One without a size (such as _fini) says
  // nothing about the addresses after it: naming them after it would be a guess, and often a
  // wrong one. The few symbols just below are looked at: aliases share a value, and a sized
  // symbol may sit below a sizeless one inside it.
  constexpr int looked_at = 16;
  auto it = after;
  for (int i = 0; i < looked_at && it != symbols.begin(); ++i) {
    const ElfSymbol& symbol = *--it;
    if (value - symbol.value < std::max<uint64_t>(symbol.size, 1)) return &symbol;
  }
  return nullptr;
}

Result<ElfFile> parse_elf(std::string_view bytes, const std::string& origin, ElfParts parts) {
  if (bytes.size() < EI_NIDENT || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0)
    return make_error(Errc::malformed, fmt::format("{}: not an ELF file", origin));
  if (bytes[EI_DATA] != ELFDATA2LSB)
    return make_error(Errc::unsupported, fmt::format("{}: not a little-endian ELF file", origin));
  switch (bytes[EI_CLASS]) {
    case ELFCLASS64: return parse_class<Elf64Types>(Bytes(bytes), origin, parts);
    case ELFCLASS32: return parse_class<Elf32Types>(Bytes(bytes), origin, parts);
    default: return make_error(Errc::malformed, fmt::format("{}: unknown ELF class", origin));
  }
}

Result<ElfFile> read_elf_file(const std::string& path, ElfParts parts) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return file_error(path, errno);
  struct stat status {};
  if (::fstat(fd.get(), &status) != 0) return file_error(path, errno);
  if (!S_ISREG(status.st_mode)) return make_error(Errc::malformed, fmt::format("{}: not a regular file", path));
  size_t size = static_cast<size_t>(status.st_size);
  if (size == 0) return make_error(Errc::malformed, fmt::format("{}: not an ELF file", path));
  if (parts == ElfParts::header) {
    // One pread of the head instead of mapping the file (ljmm-inspect --all does this per process).
    std::string head(std::min<size_t>(size, elf_head_bytes), '\0');
    ssize_t got = ::pread(fd.get(), head.data(), head.size(), 0);
    if (got < 0) return file_error(path, errno);
    head.resize(static_cast<size_t>(got));
    return parse_elf(head, path, parts);
  }
  // Mapping beats reading: symbol tables are a small part of a large file.
  MappedFile mapped(::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0), size);
  if (mapped.bytes().empty()) return file_error(path, errno);
  return parse_elf(mapped.bytes(), path, parts);
}

}  // namespace ljmm::detail
