// Which address space a tool looks at: a pid (or self), a saved maps/smaps file, a snapshot, or
// the core file of a process that crashed.
// Shared by ljmm-inspect and ljmm-check so both accept the same sources the same way.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "ljmm/snapshot.hpp"

namespace ljmm::cli {

struct TargetOptions {
  std::vector<std::string> targets;  // pids or "self"; several only where a tool says so
  std::string maps_file;
  std::string snapshot_file;
  std::string core_file;
  bool smaps = false;

  int sources() const {
    return !targets.empty() + !maps_file.empty() + !snapshot_file.empty() + !core_file.empty();
  }
};

void declare_target_options(CLI::App& app, TargetOptions& options);

// The source given (the first pid when there are several).
Result<Snapshot> load_target(const TargetOptions& options);

// A core file, compressed (zstd, xz, lz4) or not.
Result<Snapshot> load_core(const std::string& path);

// One side of a diff: a pid, "self", a JSON snapshot, a core or a maps file (told apart by content).
Result<Snapshot> load_any(const std::string& spec, bool smaps);

}  // namespace ljmm::cli
