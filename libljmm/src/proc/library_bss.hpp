// The bss that shared objects declare: the loader maps it as anonymous memory right after a
// library's writable data, and glibc's fallback mmaps can land (and merge) right after it, so
// only the ELF file says where the library's part ends.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "elf/elf_file.hpp"
#include "ljmm/maps.hpp"

namespace ljmm::detail {

// The anonymous bss that follows `data`, the last mapping of one of `file`'s writable PT_LOAD
// segments: PAGE_ALIGN(vaddr + memsz) - PAGE_ALIGN(vaddr + filesz), as ld.so and the kernel map
// it with pages of `page` bytes. nullopt when no writable segment of the file ends where `data` ends.
std::optional<uint64_t> declared_bss(const ElfFile& file, const Region& data, uint64_t page);

// Program headers by device and inode, so a scan of every process on a host reads each library
// once (a part of SnapshotCache).
struct DeclaredBssCache {
  std::map<std::tuple<uint32_t, uint32_t, uint64_t>, std::optional<ElfFile>> files;  // nullopt: not ELF
};

// The program headers of the file a data mapping maps, held by the caller; null when unknown.
using HeadersOf = std::function<const ElfFile*(const std::vector<Region>& regions, const Region& data)>;

// Sets Region::declared_bss on every private writable file mapping followed at once by anonymous
// memory, with the program headers `headers_of` gives (a live process's or a core's).
void set_declared_bss(std::vector<Region>& regions, uint64_t page_size, const HeadersOf& headers_of);

// Sets Region::declared_bss on every private writable file mapping followed at once by anonymous
// memory, reading each such file's program headers once (once per cache when one is given).
void read_declared_bss(int pid, std::vector<Region>& regions, uint64_t page_size, DeclaredBssCache* cache = nullptr);

}  // namespace ljmm::detail
