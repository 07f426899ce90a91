// ljmm-inspect --coredump: the crashes systemd-coredump recorded in the journal, read with
// libsystemd's sd-journal: a table (or JSON Lines) of them, or the layout of one.
#pragma once

#include <CLI/CLI.hpp>

#include <vector>

#include "ljmm/postmortem.hpp"
#include "options.hpp"

namespace ljmm::inspect {

void declare_coredump_options(CLI::App& app, CoredumpOptions& options);

// The crashes in the journal (the system's, or the files or folder given), oldest first.
Result<std::vector<CrashRecord>> read_crash_records(const CoredumpOptions& options);

// The table of crashes (time, pid, exe, signal, worst finding), or JSON Lines with --json.
int print_crash_table(const std::vector<CrashRecord>& records, const Options& options);

// The most recent crash that MATCH names (a pid, a comm, or part of the exe's path): from its
// stored core file when that can be read, else from its maps field.
Result<Snapshot> load_crash(const std::vector<CrashRecord>& records, const std::string& match);

}  // namespace ljmm::inspect
