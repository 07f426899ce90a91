#include "ljmm/host.hpp"

#include <dirent.h>
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <memory>
#include <regex>

#include "ljmm/proc.hpp"
#include "ljmm/process.hpp"
#include "proc/snapshot_process.hpp"

namespace ljmm {

namespace {

std::vector<int> list_pids(Status& status) {
  std::vector<int> pids;
  std::unique_ptr<DIR, int (*)(DIR*)> proc(::opendir("/proc"), ::closedir);
  if (!proc) {
    status = make_error(Errc::io_error, fmt::format("/proc: {}", std::strerror(errno)));
    return pids;
  }
  while (dirent* entry = ::readdir(proc.get())) {
    std::string_view name = entry->d_name;
    int pid = 0;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (ec == std::errc() && end == name.data() + name.size() && pid > 0) pids.push_back(pid);
  }
  std::sort(pids.begin(), pids.end());
  return pids;
}

// The cgroup v2 path from /proc/PID/cgroup ("0::/system.slice/nginx.service").
std::string cgroup_path(std::string_view text) {
  for (size_t at = 0; at < text.size();) {
    size_t end = std::min(text.find('\n', at), text.size());
    std::string_view line = text.substr(at, end - at);
    if (line.starts_with("0::")) return std::string(line.substr(3));
    at = end + 1;
  }
  return {};
}

bool under(std::string_view path, std::string_view top) {
  if (top == "/" || path == top) return true;
  return path.starts_with(top) && path.size() > top.size() && path[top.size()] == '/';
}

// Whether the process passes the filter's comm, uid and cgroup, reading only what they need.
// Errors (the process exited, or hides the field) come back as errors.
Result<bool> matches(int pid, const ProcessFilter& filter, const std::optional<std::regex>& comm) {
  if (comm) {
    auto name = read_comm(pid);
    if (!name) return name.error();
    if (!std::regex_match(*name, *comm)) return false;
  }
  if (filter.uid) {
    auto status = read_proc_file(pid, "status");
    if (!status) return status.error();
    if (parse_status_field(*status, "Uid") != std::optional<uint64_t>(*filter.uid)) return false;
  }
  if (!filter.cgroup.empty()) {
    auto text = read_proc_file(pid, "cgroup");
    if (!text) return text.error();
    if (!under(cgroup_path(*text), filter.cgroup)) return false;
  }
  return true;
}

// Whether the process passes the filter's executable, from the ProcessInfo read for its snapshot.
Result<bool> matches_exe(int pid, const ProcessFilter& filter, const ProcessInfo& info) {
  if (filter.exe.empty()) return true;
  if (info.exe.empty())
    return make_error(Errc::permission_denied, fmt::format("pid {}: permission denied reading exe", pid));
  return info.exe == filter.exe;
}

void record(ScanCoverage& coverage, int pid, const Error& error) {
  if (error.code == Errc::vanished || error.code == Errc::not_found)
    ++coverage.exited;
  else
    coverage.unreadable.push_back({pid, error.code, error.message});
}

}  // namespace

std::vector<std::pair<std::string, uint64_t>> count_unreadable(const ScanCoverage& coverage) {
  // Exited processes are counted apart (ScanCoverage::exited), not as unreadable.
  static const std::pair<Errc, const char*> reasons[] = {{Errc::permission_denied, "permission_denied"},
                                                         {Errc::not_permitted, "not_permitted"},
                                                         {Errc::io_error, "io_error"},
                                                         {Errc::malformed, "malformed"},
                                                         {Errc::unsupported, "unsupported"},
                                                         {Errc::invalid_argument, "invalid_argument"}};
  std::vector<std::pair<std::string, uint64_t>> counts;
  for (const auto& [code, name] : reasons) {
    uint64_t count = 0;
    for (const UnreadableProcess& process : coverage.unreadable) count += process.code == code;
    counts.emplace_back(name, count);
  }
  return counts;
}

Result<HostScan> scan_host(const ProcessFilter& filter, const SnapshotOptions& options) {
  std::optional<std::regex> comm;
  if (!filter.comm_regex.empty()) {
    try {
      comm.emplace(filter.comm_regex, std::regex::ECMAScript);
    } catch (const std::regex_error& error) {
      return make_error(Errc::invalid_argument, fmt::format("--comm \"{}\": {}", filter.comm_regex, error.what()));
    }
  }
  Status listed;
  std::vector<int> pids = list_pids(listed);
  if (!listed) return listed.error();

  HostScan scan;
  // Read once for the whole scan: what every process shares.
  SnapshotCache cache;
  SystemInfo system = read_system_info();
  SnapshotOptions snapshot_options = options;
  if (!snapshot_options.cache) snapshot_options.cache = &cache;
  if (!snapshot_options.system) snapshot_options.system = &system;
  for (int pid : pids) {
    auto wanted = matches(pid, filter, comm);
    if (!wanted) {
      record(scan.coverage, pid, wanted.error());
      continue;
    }
    if (!*wanted) {
      ++scan.coverage.filtered_out;
      continue;
    }
    // The process's stat says whether it is a kernel thread; it is read once, here, before the
    // executable is compared (a kernel thread has none).
    auto info = read_process_info(pid);
    if (info && info->kernel_thread) {
      ++scan.coverage.kernel_threads;
      continue;
    }
    auto exe_wanted = info ? matches_exe(pid, filter, *info) : Result<bool>(info.error());
    if (exe_wanted && !*exe_wanted) {
      ++scan.coverage.filtered_out;
      continue;
    }
    auto snapshot = exe_wanted ? detail::snapshot_process(pid, std::move(info).value(), snapshot_options)
                               : Result<Snapshot>(exe_wanted.error());
    if (snapshot)
      scan.snapshots.push_back(std::move(snapshot).value());
    else
      record(scan.coverage, pid, snapshot.error());
  }
  return scan;
}

}  // namespace ljmm
