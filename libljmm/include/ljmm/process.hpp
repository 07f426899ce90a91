// The facts about a process and its machine that explain its layout, and the pure parsers of the
// /proc files they come from. Reading those files is proc.hpp's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ljmm/export.hpp"
#include "ljmm/result.hpp"
#include "ljmm/units.hpp"

namespace ljmm {

// Where ProcessInfo::brk comes from, most exact first: glibc's __curbrk, the end of [heap],
// start_brk from /proc/PID/stat, or presumed (a maps file without [heap]: the first mapping
// above the program, if it lies where the kernel puts the break).
enum class BrkSource { unknown, start_brk, heap_end, glibc, presumed };
LJMM_API const char* brk_source_name(BrkSource source);  // "glibc", "heap_end", ...
LJMM_API std::optional<BrkSource> parse_brk_source(std::string_view text);

struct LJMM_API ProcessInfo {
  int pid = 0;                 // 0 when the source is a file without a pid
  std::string comm;            // /proc/PID/comm
  std::string exe;             // /proc/PID/exe target; may be empty (no permission, file source)
  std::optional<bool> pie;     // ELF type of the executable (ET_DYN) or inferred from its address
  char state = '?';            // /proc/PID/stat field 3: R, S, Z, ...
  bool kernel_thread = false;  // PF_KTHREAD in field 9: no user address space at all
  // From /proc/PID/stat (fields 26-28, 45-47); 0 when the kernel hid them from us.
  uint64_t start_code = 0;
  uint64_t end_code = 0;
  uint64_t start_stack = 0;
  uint64_t start_data = 0;
  uint64_t end_data = 0;
  uint64_t start_brk = 0;
  // The current break. /proc does not show it: it is read from glibc's __curbrk in the live
  // process when possible (exact), else taken as the end of [heap] (page-rounded, and too high
  // when a mapping right after the break merged into [heap]), else start_brk, else presumed.
  uint64_t brk = 0;
  BrkSource brk_source = BrkSource::unknown;
  std::optional<bool> addr_no_randomize;  // personality(ADDR_NO_RANDOMIZE) of this process
};

// System-wide settings, read when the snapshot was taken.
struct LJMM_API SystemInfo {
  uint64_t page_size = assumed_page_size;  // sysconf(_SC_PAGESIZE); never 0
  uint64_t mmap_min_addr = 65536;          // /proc/sys/vm/mmap_min_addr
  int randomize_va_space = -1;             // /proc/sys/kernel/randomize_va_space; -1 unknown
  uint64_t max_map_count = 65530;          // /proc/sys/vm/max_map_count
  std::string kernel;                      // uname -r
};

// Parses the text of /proc/PID/stat into `info` (the parts after the comm field).
LJMM_API Status parse_stat(std::string_view stat_text, ProcessInfo& info);

// A number field of /proc/PID/status ("Tgid:\t123"); nullopt when absent or not a number.
LJMM_API std::optional<uint64_t> parse_status_field(std::string_view status_text, std::string_view name);

// "SIGSEGV", "SIGABRT", ...; "signal 99" for a number without a name.
LJMM_API std::string signal_name(int signal);

// "full (2)", "conservative (1)", "off (0)", "unknown".
LJMM_API std::string aslr_description(int randomize_va_space, std::optional<bool> addr_no_randomize);

}  // namespace ljmm
