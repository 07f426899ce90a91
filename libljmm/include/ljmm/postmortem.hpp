// Snapshots of processes that are gone: from an ELF core file (the kernel's or gdb's gcore) and
// from the record systemd-coredump leaves in the journal. What such a source cannot show is
// listed in Snapshot::post_mortem->unseen, never left out silently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ljmm/export.hpp"
#include "ljmm/result.hpp"
#include "ljmm/snapshot.hpp"

namespace ljmm {

struct LJMM_API CoreOptions {
  // Read the files the core names from this machine: libc, for glibc's __curbrk (the break),
  // and the mapped files whose permissions gdb leaves out. Off, nothing but the core is read.
  bool read_mapped_files = true;
};

// An uncompressed core in memory (the pure part; compressed cores are the caller's to inflate).
LJMM_API Result<Snapshot> snapshot_core_bytes(std::string_view bytes, Source source, const CoreOptions& options = {});

// An uncompressed core file, mapped rather than read: cores are large.
LJMM_API Result<Snapshot> snapshot_core_file(const std::string& path, const CoreOptions& options = {});

// One crash as systemd-coredump records it in the journal, by its field names.
struct LJMM_API CrashRecord {
  std::string cursor;           // the journal's cursor of the entry
  int64_t time_unix_ms = 0;     // COREDUMP_TIMESTAMP
  int pid = 0;                  // COREDUMP_PID
  int signal = 0;               // COREDUMP_SIGNAL
  std::string exe;              // COREDUMP_EXE
  std::string comm;             // COREDUMP_COMM
  std::string command_line;     // COREDUMP_CMDLINE
  std::string hostname;         // COREDUMP_HOSTNAME
  std::optional<std::string> proc_maps;  // COREDUMP_PROC_MAPS: /proc/PID/maps at the crash
  std::string proc_status;      // COREDUMP_PROC_STATUS
  std::string proc_limits;      // COREDUMP_PROC_LIMITS
  std::string proc_auxv;        // COREDUMP_PROC_AUXV: the raw auxiliary vector
  std::string core_file;        // COREDUMP_FILENAME: where the core was stored, when it was
  bool core_truncated = false;  // COREDUMP_TRUNCATED: the stored core was cut at a size limit
};

// The layout from the record's maps text, with the facts of its status and auxv fields. A
// missing maps field is an error; one cut short keeps its whole lines and says how it ends.
LJMM_API Result<Snapshot> snapshot_crash(const CrashRecord& record);

}  // namespace ljmm
