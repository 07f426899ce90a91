// What both trace backends share: the clock, the targets, when to stop.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ljmm/trace.hpp"

namespace ljmm::trace::detail {

uint64_t monotonic_ns();  // CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns()

// Checks that every -p pid names a live process: "pid 123: no such process".
Status check_pids(const std::vector<int>& pids);

// When the trace ends: Ctrl-C, -d, or the command's exit plus its grace. After the command
// exits, the trace also ends once the remaining processes made no traced call, and the -p
// processes used no CPU time, for --idle seconds (a reload's work is over), or at once when
// nothing else is traced. It remembers why, and who was still at work.
class StopPolicy {
 public:
  StopPolicy(const Options& options, uint64_t start_ns);
  void command_exited(uint64_t now_ns) { command_exit_ns_ = now_ns; }
  void saw_event(uint64_t now_ns) { last_event_ns_ = now_ns; }
  void saw_event(uint64_t now_ns, uint32_t pid) {
    last_event_ns_ = now_ns;
    last_event_by_pid_[pid] = now_ns;
  }
  // `targets` is how many traced processes are alive besides the command.
  bool should_stop(uint64_t now_ns, size_t targets, bool& interrupted);
  // Why it stopped and who was busy, into the result (called once the loop ends).
  void describe_stop(uint64_t now_ns, const std::set<uint32_t>& alive, RunResult& result) const;

 private:
  std::optional<StopReason> decide(uint64_t now_ns, size_t targets) const;
  void watch_cpu(uint64_t now_ns);

  const Options& options_;
  uint64_t start_ns_;
  uint64_t command_exit_ns_ = 0;
  uint64_t last_event_ns_ = 0;
  std::map<uint32_t, uint64_t> last_event_by_pid_;
  // CPU time of the -p processes: a process at work without traced calls is still at work.
  std::map<uint32_t, uint64_t> cpu_ticks_;
  std::map<uint32_t, uint64_t> last_cpu_ns_;
  uint64_t last_cpu_check_ns_ = 0;
  StopReason reason_ = StopReason::command_done;
};

// The processes a trace covers, by tgid: the -p pids, the command, and what they forked.
class TracedSet {
 public:
  void add(uint32_t pid) { alive_.insert(pid); }
  void remove(uint32_t pid) { alive_.erase(pid); }
  bool contains(uint32_t pid) const { return alive_.count(pid) != 0; }
  size_t size() const { return alive_.size(); }
  size_t others_than(uint32_t pid) const { return alive_.size() - (alive_.count(pid) ? 1 : 0); }
  const std::set<uint32_t>& pids() const { return alive_; }

 private:
  std::set<uint32_t> alive_;
};

// Whether /proc/PID still exists (the traced set may miss an exit that happened before tracing).
bool process_alive(uint32_t pid);

}  // namespace ljmm::trace::detail
