// The regions of a core file as /proc/PID/maps showed them: each PT_LOAD a region, its path and
// offset from NT_FILE, and the kernel's own names ([stack], [vdso], [vvar], [vsyscall], [heap])
// found again from the auxiliary vector, the threads and the break. Pure: no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "elf/core_file.hpp"
#include "ljmm/maps.hpp"

namespace ljmm::detail {

struct CoreRegions {
  std::vector<Region> regions;  // ascending, non-overlapping
  uint64_t not_dumped = 0;      // regions whose pages were not all dumped
  uint64_t not_dumped_bytes = 0;
  uint64_t overlapping = 0;     // segments left out because they overlap another (a damaged core)
  std::vector<size_t> from_file_note_only;  // regions NT_FILE names but no PT_LOAD has (gdb): perms unknown
  uint64_t guards_restored = 0;  // segments gdb marked readable that are taken as ---p
};

// Every PT_LOAD as a region (permissions from p_flags, private: a core does not say shared),
// paths from NT_FILE, and [stack], [vdso], [vvar], [vsyscall] named from the auxiliary vector.
CoreRegions core_regions(const CoreFile& core);

// Names the heap as the kernel does: the anonymous mapping that holds the last byte below the
// break (the kernel's vma_is_initial_heap), when it lies above the program. nullopt `brk`: the
// break is unknown, so the first anonymous rw mapping above the program within the range the
// kernel draws the break from is presumed to be the heap. Returns the heap's index.
std::optional<size_t> name_heap(std::vector<Region>& regions, const std::string& exe, std::optional<uint64_t> brk,
                                bool is_64);

}  // namespace ljmm::detail
