#include "trace/session/session.hpp"

#include "ljmm/proc.hpp"
#include "ljmm/process.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

namespace ljmm::trace {

std::atomic<bool>& stop_requested() {
  static std::atomic<bool> requested{false};
  return requested;
}

const char* stop_reason_name(StopReason reason) {
  switch (reason) {
    case StopReason::command_done: return "command_done";
    case StopReason::targets_exited: return "targets_exited";
    case StopReason::idle: return "idle";
    case StopReason::grace: return "grace";
    case StopReason::duration: return "duration";
    case StopReason::interrupted: return "interrupted";
  }
  return "command_done";
}

namespace detail {

namespace {

// utime + stime of a process, from /proc/PID/stat; nullopt once it is gone.
std::optional<uint64_t> read_cpu_ticks(int pid) {
  auto text = read_proc_file(pid, "stat");
  if (!text) return std::nullopt;
  // The fields after the command name, which may hold spaces and parentheses: cut at the last ')'.
  size_t close = text->rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text->substr(close + 2));
  std::string field;
  uint64_t utime = 0, stime = 0;
  for (int index = 3; fields >> field; ++index) {  // field 3 is the state
    if (index == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
    if (index == 15) {
      stime = std::strtoull(field.c_str(), nullptr, 10);
      return utime + stime;
    }
  }
  return std::nullopt;
}

}  // namespace

uint64_t monotonic_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(now.tv_nsec);
}

bool process_alive(uint32_t pid) { return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM; }

Status check_pids(const std::vector<int>& pids) {
  for (int pid : pids) {
    if (pid <= 0) return make_error(Errc::invalid_argument, fmt::format("\"{}\" is not a pid", pid));
    auto status = read_proc_file(pid, "status");
    if (!status) return status.error();
    // /proc/TID answers for every thread too, though ls /proc does not show it.
    std::optional<uint64_t> tgid = parse_status_field(*status, "Tgid");
    if (tgid && *tgid != static_cast<uint64_t>(pid))
      return make_error(Errc::invalid_argument,
                        fmt::format("{} is a thread of process {}, not a process: use -p {}", pid, *tgid, *tgid));
  }
  return {};
}

StopPolicy::StopPolicy(const Options& options, uint64_t start_ns) : options_(options), start_ns_(start_ns) {}

bool StopPolicy::should_stop(uint64_t now_ns, size_t targets, bool& interrupted) {
  watch_cpu(now_ns);
  std::optional<StopReason> reason = decide(now_ns, targets);
  if (!reason) return false;
  reason_ = *reason;
  interrupted = reason_ == StopReason::interrupted;
  return true;
}

std::optional<StopReason> StopPolicy::decide(uint64_t now_ns, size_t targets) const {
  if (stop_requested().load()) return StopReason::interrupted;
  if (options_.duration_seconds > 0 && now_ns - start_ns_ >= static_cast<uint64_t>(options_.duration_seconds * 1e9))
    return StopReason::duration;
  if (options_.system_wide.enabled) {  // -a: Ctrl-C, -d, or the command's end
    if (command_exit_ns_ != 0) return StopReason::command_done;
    return std::nullopt;
  }
  if (options_.command.empty()) {  // -p only: until they are all gone
    if (targets == 0) return StopReason::targets_exited;
    return std::nullopt;
  }
  if (command_exit_ns_ == 0) return std::nullopt;
  if (targets == 0) return StopReason::command_done;
  uint64_t grace = static_cast<uint64_t>(options_.grace_seconds * 1e9);
  uint64_t idle = std::min<uint64_t>(grace, static_cast<uint64_t>(options_.idle_seconds * 1e9));
  if (now_ns - command_exit_ns_ >= grace) return StopReason::grace;
  uint64_t last = std::max(last_event_ns_, command_exit_ns_);
  for (const auto& [pid, at] : last_cpu_ns_) last = std::max(last, at);
  if (now_ns - command_exit_ns_ >= idle && now_ns - last >= idle) return StopReason::idle;
  return std::nullopt;
}

void StopPolicy::watch_cpu(uint64_t now_ns) {
  // Four times a second is plenty against an --idle of seconds, and cheap (one stat per -p pid).
  if (options_.command.empty() || now_ns - last_cpu_check_ns_ < 250'000'000) return;
  last_cpu_check_ns_ = now_ns;
  for (int pid : options_.pids) {
    std::optional<uint64_t> ticks = read_cpu_ticks(pid);
    if (!ticks) continue;
    auto [it, inserted] = cpu_ticks_.try_emplace(static_cast<uint32_t>(pid), *ticks);
    if (!inserted && *ticks != it->second) {
      it->second = *ticks;
      last_cpu_ns_[static_cast<uint32_t>(pid)] = now_ns;
    }
  }
}

void StopPolicy::describe_stop(uint64_t now_ns, const std::set<uint32_t>& alive, RunResult& result) const {
  result.stop_reason = reason_;
  result.stopped_at_ns = now_ns - start_ns_;
  result.limit_seconds = reason_ == StopReason::grace      ? options_.grace_seconds
                         : reason_ == StopReason::idle     ? options_.idle_seconds
                         : reason_ == StopReason::duration ? options_.duration_seconds
                                                           : 0;
  uint64_t idle = static_cast<uint64_t>(options_.idle_seconds * 1e9);
  std::set<uint32_t> busy;
  for (const auto* times : {&last_event_by_pid_, &last_cpu_ns_})
    for (const auto& [pid, at] : *times)
      if (now_ns - at < idle && alive.count(pid)) busy.insert(pid);
  result.busy_pids.assign(busy.begin(), busy.end());
}

}  // namespace detail
}  // namespace ljmm::trace
