// Whether ljmm-trace left a BPF probe behind, for tests that trace.
#pragma once

#include <chrono>
#include <filesystem>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "command.hpp"

namespace ljmm::test {

// Whether a BPF program is one of ljmm-trace's (bpf/mmaptrace.bpf.c), by the name the kernel
// keeps (the first 15 bytes): the process tree's, the raw and exit programs, and one entry,
// fexit or fentry program per call.
inline bool is_trace_program(const std::string& name) {
  static const std::set<std::string> whole = {"raw_sys_enter", "raw_sys_exit", "on_fork", "on_exec", "on_exit",
                                              "tracepoint_sys_"};
  return whole.contains(name) || name.starts_with("tp_enter_") || name.starts_with("fexit_") ||
         name.starts_with("fentry_");
}

// BPF program ids that a running ljmm-trace holds open (its program and link fds).
inline std::set<uint64_t> programs_held_by_running_tracers() {
  // Processes come and go while /proc is listed: errors end a listing, never throw.
  using std::filesystem::directory_iterator;
  std::set<uint64_t> held;
  std::error_code error;
  for (directory_iterator process("/proc", error), end; !error && process != end; process.increment(error)) {
    std::ifstream comm(process->path() / "comm");
    std::string name;
    if (!std::getline(comm, name) || name != "ljmm-trace") continue;
    std::error_code fd_error;
    for (directory_iterator fd(process->path() / "fdinfo", fd_error); !fd_error && fd != end; fd.increment(fd_error)) {
      std::ifstream info(fd->path());
      for (std::string key, value; info >> key >> value;)
        if (key == "prog_id:") held.insert(std::stoull(value));
    }
  }
  return held;
}

// ljmm-trace's programs that no running ljmm-trace holds: probes left behind. Counted by holder,
// not in total, so traces that other tests run at the same time do not count. nullopt when
// bpftool gave no list (missing, refused, or printed nothing): then nothing is known, and a
// check built on it must fail rather than pass.
inline std::optional<size_t> orphaned_trace_programs() {
  nlohmann::json programs = nlohmann::json::parse(run_command({"bpftool", "-j", "prog", "show"}).out, nullptr, false);
  if (!programs.is_array()) return std::nullopt;
  std::set<uint64_t> held = programs_held_by_running_tracers();
  size_t orphaned = 0;
  for (const nlohmann::json& program : programs)
    orphaned += is_trace_program(program.value("name", "")) && !held.contains(program.value("id", 0ULL));
  return orphaned;
}

// BPF programs are freed after an RCU grace period: wait for them to go.
inline bool no_probe_left() {
  for (int tries = 0; tries < 50; ++tries) {
    std::optional<size_t> orphaned = orphaned_trace_programs();
    if (!orphaned) {
      std::fprintf(stderr, "no_probe_left: bpftool -j prog show gave no list of programs\n");
      return false;
    }
    if (*orphaned == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace ljmm::test
