// Which address space a tool looks at: a pid (or self), a saved maps/smaps file, or a snapshot.
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
  bool smaps = false;

  int sources() const { return !targets.empty() + !maps_file.empty() + !snapshot_file.empty(); }
};

void declare_target_options(CLI::App& app, TargetOptions& options);

// The source given (the first pid when there are several).
Result<Snapshot> load_target(const TargetOptions& options);

// One side of a diff: a pid, "self", a JSON snapshot file or a maps file (told apart by content).
Result<Snapshot> load_any(const std::string& spec, bool smaps);

}  // namespace ljmm::cli
