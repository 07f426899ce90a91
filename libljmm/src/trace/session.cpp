#include "trace/session.hpp"

#include "ljmm/process.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ljmm::trace {

std::atomic<bool>& stop_requested() {
  static std::atomic<bool> requested{false};
  return requested;
}

namespace detail {

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

bool StopPolicy::should_stop(uint64_t now_ns, size_t targets, bool& interrupted) const {
  if (stop_requested().load()) {
    interrupted = true;
    return true;
  }
  if (options_.duration_seconds > 0 && now_ns - start_ns_ >= static_cast<uint64_t>(options_.duration_seconds * 1e9))
    return true;
  if (options_.system_wide.enabled) return command_exit_ns_ != 0;  // -a: Ctrl-C, -d, or the command's end
  if (options_.command.empty()) return targets == 0;                // -p only: until they are all gone
  if (command_exit_ns_ == 0) return false;
  if (targets == 0) return true;
  uint64_t grace = static_cast<uint64_t>(options_.grace_seconds * 1e9);
  uint64_t quiet = std::min<uint64_t>(grace, static_cast<uint64_t>(options_.quiet_seconds * 1e9));
  if (now_ns - command_exit_ns_ >= grace) return true;
  uint64_t last = std::max(last_event_ns_, command_exit_ns_);
  return now_ns - command_exit_ns_ >= quiet && now_ns - last >= quiet;
}

}  // namespace detail
}  // namespace ljmm::trace
