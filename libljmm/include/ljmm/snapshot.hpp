// A snapshot: the regions of one address space plus the facts that explain them,
// taken from a live pid, a saved maps/smaps file, or a saved JSON snapshot.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ljmm/export.hpp"
#include "ljmm/maps.hpp"
#include "ljmm/process.hpp"
#include "ljmm/result.hpp"
#include "ljmm/runtime_stats.hpp"

namespace ljmm {

enum class SourceKind { pid, maps_file, snapshot_file, recording, core_file, journal };

struct LJMM_API Source {
  SourceKind kind = SourceKind::pid;
  int pid = 0;
  std::string path;                 // for files
  std::string description() const;  // "pid 123", "maps file x.txt", "core file core.123"
};

// Something a source from after the crash cannot show, and how much of the layout it concerns.
struct LJMM_API Unseen {
  std::string id;      // stable kebab-case: "pages-not-dumped", "file-note-missing", ...
  uint64_t count = 0;  // what it concerns, in the unit the id names (mappings unless it says bytes)
  std::string text;    // one line for people
};

// The facts of a process that is gone: from its core file or systemd-coredump's journal entry.
struct LJMM_API PostMortem {
  std::string writer;            // "kernel", "gdb", "systemd-coredump"
  int signal = 0;                // the signal that ended it; 0 when unknown
  uint64_t thread_count = 0;     // 0 when unknown
  std::vector<int> thread_ids;   // the crashing thread first, when the source names them
  int64_t crashed_at_unix_ms = 0;  // 0 when unknown
  std::string command_line;        // as far as the source keeps it
  // The auxiliary vector; 0 (empty) when the source has none.
  uint64_t at_phdr = 0;
  uint64_t at_base = 0;
  uint64_t at_sysinfo_ehdr = 0;
  uint64_t at_pagesz = 0;
  std::string at_execfn;
  std::vector<Unseen> unseen;  // what the layout and findings could not take into account
};

struct LJMM_API Snapshot {
  Source source;
  ProcessInfo process;
  SystemInfo system;
  std::vector<Region> regions;  // ascending, non-overlapping
  bool has_smaps = false;
  int64_t taken_at_unix_ms = 0;
  std::optional<RuntimeStats> runtime;  // counters of the ljmm runtime, when the process runs it
  std::optional<PostMortem> post_mortem;  // set for a core file or a journal entry
};

// What a series of snapshots shares, so a scan of every process on a host reads each file once,
// not once per process: where glibc's __curbrk lies in each libc (or static executable), and the
// program headers of each shared object for the bss they declare, by device and inode. What it
// holds is internal, so it can change without changing this API. Owned by the caller; not for
// several threads at once.
class LJMM_API SnapshotCache {
 public:
  SnapshotCache();
  SnapshotCache(const SnapshotCache&) = delete;
  SnapshotCache& operator=(const SnapshotCache&) = delete;
  ~SnapshotCache();

  struct Impl;  // defined and used in proc/snapshot.cpp alone
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

struct LJMM_API SnapshotOptions {
  bool read_smaps = false;             // Rss/Pss/Swap per region; costs one smaps read instead of maps
  SnapshotCache* cache = nullptr;      // shared across snapshots when set
  const SystemInfo* system = nullptr;  // read once for many snapshots when set
};

// Resolves "self" or a decimal pid. Errors name the text.
LJMM_API Result<int> parse_pid(std::string_view text);

// Reads /proc/PID/maps (or smaps) and the process facts.
LJMM_API Result<Snapshot> snapshot_pid(int pid, const SnapshotOptions& options = {});

// A maps or smaps file someone saved (cat /proc/PID/maps > file). Facts that only a live
// process has (exe, start_brk) are inferred from the regions where possible.
LJMM_API Result<Snapshot> snapshot_maps_file(const std::string& path);
// The same from text already in memory (the pure part, used by tests and fuzzers).
LJMM_API Result<Snapshot> snapshot_maps_text(std::string_view text, Source source);

// Fills what a snapshot can infer from its regions: brk, PIE, exe, start_brk when missing.
LJMM_API void infer_process_facts(Snapshot& snapshot);

}  // namespace ljmm
