// What a core file or a journal entry cannot tell, said in one place with stable ids
// (docs/user-guide.md lists them), so the text, the JSON and the picture say the same.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "elf/core_file.hpp"
#include "ljmm/snapshot.hpp"

namespace ljmm::detail {

// What reading a core left open, counted while reading it.
struct CoreGaps {
  uint64_t not_dumped = 0;        // regions whose pages were not all dumped
  uint64_t not_dumped_bytes = 0;
  uint64_t overlapping = 0;       // segments left out as overlapping others
  uint64_t file_note_only = 0;    // mappings only NT_FILE names (gdb)
  uint64_t perms_unknown = 0;     // of those, the ones whose permissions no file told
  std::string break_unknown_because;  // empty when glibc's break was read
  bool heap_named = false;
  uint64_t guards_restored = 0;   // gdb's readable segments taken as ---p
};

// The machine's settings a core or a journal entry does not keep, and what is used instead.
std::string machine_settings_text(const SystemInfo& system, std::string_view source);

std::vector<Unseen> core_unseen(const CoreFile& core, const CoreGaps& gaps, const Snapshot& snapshot);

// The kernel's default kernel.core_file_note_size_limit, and what it asks of each mapping:
// fill_files_note() leaves NT_FILE out whole when the mappings times 64 bytes reach the limit.
inline constexpr uint64_t default_file_note_limit = 4 * 1024 * 1024;
inline constexpr uint64_t file_note_bytes_per_mapping = 64;

}  // namespace ljmm::detail
