// Another process's memory and the files it maps: reading its bytes, opening its files across
// mount namespaces, and glibc's program break, which /proc does not show.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "ljmm/maps.hpp"
#include "ljmm/result.hpp"
#include "ljmm/snapshot.hpp"

namespace ljmm::detail {

// Reads `size` bytes at `address` of process `pid` (process_vm_readv; needs ptrace access).
Status read_process_memory(int pid, uint64_t address, void* buffer, size_t size);

// The load base of a mapped ELF file: the address where its file offset 0 is mapped.
std::optional<uint64_t> load_base(const std::vector<Region>& regions, const std::string& path);

// A path under which this process can open a file another process maps, even across mount
// namespaces: /proc/PID/map_files/START-END when readable, else /proc/PID/root/PATH.
std::string mapped_file_path(int pid, const Region& region);

// Where glibc's __curbrk lies in each libc (or static executable) seen so far, by device and inode
// (a part of SnapshotCache).
struct BreakSymbolCache {
  struct Location {
    uint64_t value = 0;                 // st_value of __curbrk
    bool position_independent = false;  // value is an offset from the load base
  };
  std::map<std::tuple<uint32_t, uint32_t, uint64_t>, std::optional<Location>> files;  // nullopt: no __curbrk
};

// The mappings from offset 0 of the files that can hold glibc's __curbrk, in the order to try
// them: the executable (glibc linked statically; such a program may also map a libc.so.6 for
// NSS, whose __curbrk is not its malloc's), then libc.so.6 (or an older libc-2.x.so).
std::vector<const Region*> curbrk_holders(const std::vector<Region>& regions, const std::string& exe);

// Where __curbrk lies in an ELF file that can hold it; nullopt when it has none. An executable
// with an interpreter (a dynamic program) has none and its symbols are not read: reading them
// was most of ljmm-inspect --all's own time, one executable after another.
struct CurbrkSymbol {
  uint64_t value = 0;  // st_value
  bool position_independent = false;
  std::string build_id;
};
std::optional<CurbrkSymbol> find_curbrk(const std::string& path, bool is_executable);

// glibc's current program break (its exported __curbrk) of a live process: the exact
// sbrk(0). nullopt when the process has no glibc or denies access.
// `cache`, when given, keeps where __curbrk lies in each file across calls.
std::optional<uint64_t> read_glibc_break(int pid, const std::vector<Region>& regions, const std::string& exe,
                                         BreakSymbolCache* cache = nullptr);

}  // namespace ljmm::detail
