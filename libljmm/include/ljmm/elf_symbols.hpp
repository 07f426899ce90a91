// Symbol lookup in ELF files (via libelf) and reads of another process's memory.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ljmm/maps.hpp"
#include "ljmm/result.hpp"

namespace ljmm {

struct ElfSymbol {
  std::string name;
  uint64_t value = 0;  // st_value: an offset from the load base for ET_DYN files
  uint64_t size = 0;
  bool function = false;
};

struct ElfSymbolTable {
  bool position_independent = false;  // ET_DYN: values are offsets from the load base
  std::vector<ElfSymbol> symbols;     // sorted by value

  const ElfSymbol* find(std::string_view name) const;
  // The symbol whose [value, value + size) holds `value` (or the nearest below when sizes are 0).
  const ElfSymbol* containing(uint64_t value) const;
};

// All defined symbols of .symtab and .dynsym (functions and objects).
Result<ElfSymbolTable> read_elf_symbols(const std::string& path);

// The load base of a mapped ELF file: the address where its file offset 0 is mapped.
std::optional<uint64_t> load_base(const std::vector<Region>& regions, const std::string& path);

// A path under which this process can open a file another process maps, even across mount
// namespaces: /proc/PID/map_files/START-END when readable, else /proc/PID/root/PATH.
std::string mapped_file_path(int pid, const Region& region);

// Reads `size` bytes at `address` of process `pid` (process_vm_readv; needs ptrace access).
Status read_process_memory(int pid, uint64_t address, void* buffer, size_t size);

// glibc's current program break (its exported __curbrk) of a live process: the exact
// sbrk(0), which /proc does not show. nullopt when the process has no glibc or denies access.
std::optional<uint64_t> read_glibc_break(int pid, const std::vector<Region>& regions, const std::string& exe);

}  // namespace ljmm
