// An ELF core file as the kernel or gdb's gcore writes it, read from bytes in memory (no I/O, so
// it can be fuzzed): the PT_LOAD segments, the mapped files of NT_FILE, the auxiliary vector,
// the threads of NT_PRSTATUS and the process of NT_PRPSINFO. x86-64 and i386 cores.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ljmm/result.hpp"

namespace ljmm::detail {

// One PT_LOAD: a mapping of the process. file_size < memory_size: the rest was not dumped.
struct CoreLoad {
  uint64_t start = 0;
  uint64_t memory_size = 0;
  uint64_t file_offset = 0;
  uint64_t file_size = 0;
  bool read = false;
  bool write = false;
  bool exec = false;
};

// One entry of NT_FILE: a file-backed mapping, its file offset in bytes and the path as the
// kernel's d_path wrote it (" (deleted)" included).
struct CoreMappedFile {
  uint64_t start = 0;
  uint64_t end = 0;
  uint64_t offset = 0;
  std::string path;
};

struct CoreThread {
  int tid = 0;
  int signal = 0;  // pr_cursig: the signal being delivered to this thread
  uint64_t stack_pointer = 0;
};

struct CoreFile {
  bool is_64 = true;  // ELFCLASS64 (x86-64); else an i386 process
  std::vector<CoreLoad> loads;
  bool has_file_note = false;
  std::vector<CoreMappedFile> files;
  std::vector<std::pair<uint64_t, uint64_t>> auxv;  // (AT_*, value), AT_NULL left out
  std::vector<CoreThread> threads;                  // the crashing thread first, as both writers put it
  int pid = 0;                                      // NT_PRPSINFO
  std::string command;                              // pr_fname: the comm
  std::string arguments;                            // pr_psargs: the first 80 bytes of the command line
  int signal = 0;                                   // NT_SIGINFO's si_signo, else the first thread's
  bool written_by_gdb = false;                      // gdb adds its target description note
  uint64_t unreadable_notes = 0;                    // notes too short for their type

  std::optional<uint64_t> auxv_value(uint64_t type) const;
};

// Parses the headers and notes of a core; the dumped memory stays in `bytes`.
Result<CoreFile> parse_core(std::string_view bytes, const std::string& origin);

// Copies `size` bytes of the process's memory at `address` from the core; false unless every
// byte was dumped.
bool read_core_memory(const CoreFile& core, std::string_view bytes, uint64_t address, void* out, size_t size);

// The NUL-terminated string at `address` in the dumped memory (at most 4096 bytes); empty when
// it was not dumped.
std::string read_core_string(const CoreFile& core, std::string_view bytes, uint64_t address);

// The GNU build ID of the ELF file whose header was dumped at `base` (the kernel dumps the first
// page of every ELF file it maps); empty when its header or note was not dumped.
std::string core_build_id(const CoreFile& core, std::string_view bytes, uint64_t base);

}  // namespace ljmm::detail
