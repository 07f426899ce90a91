// Which address space a tool looks at: a pid (or self), a saved maps/smaps file, a snapshot, the
// core file of a process that crashed, or a process of a recording at an instant.
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
  std::string recording_file;
  int recording_pid = 0;  // --pid: which process of the recording; 0: the first one
  std::string at;         // --at TIME in the recording; empty: its end
  bool smaps = false;

  int sources() const {
    return !targets.empty() + !maps_file.empty() + !snapshot_file.empty() + !core_file.empty() +
           !recording_file.empty();
  }
};

void declare_target_options(CLI::App& app, TargetOptions& options);

// The options that name one pid (or "self").
inline TargetOptions pid_target(const std::string& pid, bool smaps) {
  TargetOptions options;
  options.targets = {pid};
  options.smaps = smaps;
  return options;
}

// The source given (the first pid when there are several).
Result<Snapshot> load_target(const TargetOptions& options);

// A core file, compressed (zstd, xz, lz4) or not.
Result<Snapshot> load_core(const std::string& path);

// A process of a recording at an instant: the first process and the recording's end when not
// given. A note about the time asked (before the process's layout is known, after the end) goes
// to stderr as a warning.
Result<Snapshot> load_recording(const std::string& path, int pid, const std::string& at);

// One side of a diff: a pid, "self", a JSON snapshot, a core or a maps file (told apart by
// content), or REC@TIME: a recording's first process at that time.
Result<Snapshot> load_any(const std::string& spec, bool smaps);

}  // namespace ljmm::cli
