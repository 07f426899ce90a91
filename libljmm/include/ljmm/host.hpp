// Every process on a host that the caller can read, filtered: what `ljmm-inspect --all` shows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ljmm/export.hpp"
#include "ljmm/result.hpp"
#include "ljmm/snapshot.hpp"

namespace ljmm {

// Which processes to take; an empty field takes every process.
struct LJMM_API ProcessFilter {
  std::string comm_regex;       // ECMAScript regex matched against the whole of /proc/PID/comm
  std::string exe;              // the executable's path, exactly
  std::optional<uint32_t> uid;  // the real user id
  std::string cgroup;           // a cgroup v2 path: the process's cgroup is it or below it
};

// A process that matched the filter but could not be read, and why.
struct LJMM_API UnreadableProcess {
  int pid = 0;
  Errc code = Errc::io_error;
  std::string message;
};

// What a scan did not show, so every output can say it.
struct LJMM_API ScanCoverage {
  std::vector<UnreadableProcess> unreadable;  // by pid; never fatal
  uint64_t exited = 0;                        // gone between the listing and the read: not a problem, but counted
  uint64_t kernel_threads = 0;                // no user address space to show
  uint64_t filtered_out = 0;
};

struct LJMM_API HostScan {
  std::vector<Snapshot> snapshots;  // by pid
  ScanCoverage coverage;
};

// Reads every process in /proc (processes, not threads). Fails only on a bad filter or an
// unreadable /proc; anything about one process is recorded in the scan instead.
LJMM_API Result<HostScan> scan_host(const ProcessFilter& filter, const SnapshotOptions& options = {});

// How many processes could not be read, for every reason there is ("permission_denied",
// "io_error", ...), zeros included, so a metric series never disappears.
LJMM_API std::vector<std::pair<std::string, uint64_t>> count_unreadable(const ScanCoverage& coverage);

}  // namespace ljmm
