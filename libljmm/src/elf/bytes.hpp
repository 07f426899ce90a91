// Bounds-checked reading of ELF structures from bytes in memory, for ELF files and core files
// alike: every offset is checked against the size, since a file can be truncated or hostile.
#pragma once

#include <elf.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

namespace ljmm::detail {

// The ELF structures of one class, so one reader serves ELF32 and ELF64.
struct Elf32Types {
  using Ehdr = Elf32_Ehdr;
  using Shdr = Elf32_Shdr;
  using Phdr = Elf32_Phdr;
  using Sym = Elf32_Sym;
};
struct Elf64Types {
  using Ehdr = Elf64_Ehdr;
  using Shdr = Elf64_Shdr;
  using Phdr = Elf64_Phdr;
  using Sym = Elf64_Sym;
};

// Bounds-checked views into the file's bytes: nullptr when [offset, offset + count * sizeof(T))
// does not lie inside the file.
class Bytes {
 public:
  explicit Bytes(std::string_view bytes) : bytes_(bytes) {}

  template <class T>
  const T* at(uint64_t offset, uint64_t count = 1) const {
    if (count > bytes_.size() / sizeof(T)) return nullptr;
    uint64_t length = count * sizeof(T);
    if (offset > bytes_.size() || length > bytes_.size() - offset) return nullptr;
    return reinterpret_cast<const T*>(bytes_.data() + offset);
  }

  // The NUL-terminated string at `offset` inside the section [start, start + size).
  std::string_view string(uint64_t start, uint64_t size, uint64_t offset) const {
    if (start > bytes_.size() || size > bytes_.size() - start || offset >= size) return {};
    std::string_view section = bytes_.substr(start + offset, size - offset);
    size_t end = section.find('\0');
    return end == std::string_view::npos ? std::string_view{} : section.substr(0, end);
  }

 std::string_view view() const { return bytes_; }

 private:
  std::string_view bytes_;
};

// ELF structures are not aligned in a std::string; copy each into an aligned value.
template <class T>
T load(const T* where) {
  T value;
  std::memcpy(&value, where, sizeof value);
  return value;
}

// Bytes as lower-case hex: a build ID as file(1) and debuginfod print it.
inline std::string hex_bytes(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char byte : bytes) hex += {digits[byte >> 4], digits[byte & 15]};
  return hex;
}

// One ELF note: its type, name ("GNU", "CORE", "LINUX") and descriptor bytes.
struct ElfNote {
  uint32_t type = 0;
  std::string_view name;  // without the terminating NUL
  std::string_view desc;
};

// Calls visit(ElfNote) for each whole note in [at, end) of `bytes`, in order, and stops at the
// first one that does not fit. Names and descriptors are padded to 4 bytes in both classes.
template <class Visit>
void for_each_note(std::string_view bytes, uint64_t at, uint64_t end, Visit&& visit) {
  Bytes view(bytes);
  if (end > bytes.size()) end = bytes.size();
  while (end > at && end - at >= sizeof(Elf64_Nhdr)) {  // the same 3 words in both classes
    Elf64_Nhdr note = load(view.at<Elf64_Nhdr>(at));
    uint64_t name_at = at + sizeof note, desc_at = name_at + ((uint64_t{note.n_namesz} + 3) & ~3ULL);
    uint64_t next = desc_at + ((uint64_t{note.n_descsz} + 3) & ~3ULL);
    if (next > end) return;
    std::string_view name = bytes.substr(name_at, note.n_namesz);
    if (!name.empty() && name.back() == '\0') name.remove_suffix(1);
    visit(ElfNote{note.n_type, name, bytes.substr(desc_at, note.n_descsz)});
    at = next;
  }
}

}  // namespace ljmm::detail
