// What the model needs of ELF files, read with <elf.h> alone (no libelf): the file type, the
// loadable segments and the symbols of .symtab and .dynsym. ELF32 and ELF64, little-endian.
// Every offset in the file is checked against its size: a file can be truncated or hostile.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ljmm/result.hpp"

namespace ljmm::detail {

struct ElfSymbol {
  std::string name;
  uint64_t value = 0;  // st_value: an offset from the load base for ET_DYN files
  uint64_t size = 0;
  bool function = false;
};

// One PT_LOAD program header: memsz beyond filesz is the segment's bss.
struct ElfLoadSegment {
  uint64_t vaddr = 0;
  uint64_t offset = 0;
  uint64_t file_size = 0;
  uint64_t memory_size = 0;
  bool writable = false;
  bool readable = false;
  bool executable = false;
};

struct ElfFile {
  bool position_independent = false;  // ET_DYN: values are offsets from the load base
  bool has_interpreter = false;        // PT_INTERP: a program ld.so starts (libc.so.6 has one too)
  std::vector<ElfLoadSegment> loads;
  std::vector<ElfSymbol> symbols;  // defined functions and objects, sorted by value
  std::string build_id;            // hex of the GNU build ID note; empty when there is none

  const ElfSymbol* find(std::string_view name) const;
  // The symbol whose [value, value + size) holds `value` (a symbol without a size holds only its
  // own value); null when none does.
  const ElfSymbol* containing(uint64_t value) const;
};

enum class ElfParts { header, header_and_symbols };

// The head of an ELF file that holds the ELF header and, in every file a linker writes, the
// program headers: all ElfParts::header needs. A number of bytes, not the machine's page size.
inline constexpr size_t elf_head_bytes = 4096;

// Reads an ELF file. With ElfParts::header only the type and program headers are read.
Result<ElfFile> read_elf_file(const std::string& path, ElfParts parts = ElfParts::header_and_symbols);

// The same from bytes in memory (the pure part, used by tests and fuzzers).
Result<ElfFile> parse_elf(std::string_view bytes, const std::string& origin, ElfParts parts);

}  // namespace ljmm::detail
