#include "trace/bpf/activity.hpp"

#include <bpf/libbpf.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "mmaptrace.h"
#include "mmaptrace.skel.h"

namespace ljmm::trace::detail {

namespace {

// Where cgroup v2 is mounted: /sys/fs/cgroup on every systemd host, but not necessarily.
std::string cgroup2_mount() {
  std::ifstream mounts("/proc/self/mounts");
  std::string line;
  while (std::getline(mounts, line)) {
    std::istringstream fields(line);
    std::string device, mount_point, type;
    if (fields >> device >> mount_point >> type && type == "cgroup2") return mount_point;
  }
  return "/sys/fs/cgroup";
}

Result<UniqueFd> open_cgroup(const std::string& path) {
  std::string mount = cgroup2_mount();
  // As /proc/PID/cgroup writes it ("/system.slice/x.service"), or the directory itself.
  std::string directory = path.starts_with(mount + "/") || path == mount ? path : mount + path;
  UniqueFd fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid())
    return make_error(Errc::invalid_argument,
                      fmt::format("--cgroup {}: no such cgroup ({}: {})", path, directory, std::strerror(errno)));
  return fd;
}

ProcessActivity convert(const mmt_process_key& key, const mmt_process_activity& raw) {
  ProcessActivity activity;
  activity.pid = key.pid;
  activity.host_pid = raw.host_pid;
  activity.uid = raw.uid;
  activity.comm.assign(raw.comm, ::strnlen(raw.comm, sizeof raw.comm));
  std::copy(std::begin(raw.calls), std::end(raw.calls), activity.calls.begin());
  std::copy(std::begin(raw.failed), std::end(raw.failed), activity.failed.begin());
  activity.mapped_bytes = raw.mapped_bytes;
  activity.fallback_mmaps = raw.fallback_mmaps;
  activity.fallback_bytes = raw.fallback_bytes;
  activity.exited = raw.exited != 0;
  return activity;
}

}  // namespace

Result<UniqueFd> configure_system_wide(mmaptrace_bpf& skeleton, const SystemWide& options, const Log& log) {
  auto* rodata = skeleton.rodata;
  rodata->system_wide = true;
  rodata->aggregate_only = options.counts_only;
  rodata->tracer_host_pid = static_cast<unsigned>(::getpid());
  if (!options.comm.empty()) {
    if (options.comm.size() >= MMT_COMM_LEN)
      return make_error(Errc::invalid_argument,
                        fmt::format("--comm {}: a process name has at most {} bytes (as in /proc/PID/comm)",
                                    options.comm, MMT_COMM_LEN - 1));
    rodata->filter_comm = true;
    std::memcpy(const_cast<char*>(rodata->comm_filter), options.comm.data(), options.comm.size());
  }
  if (options.uid) {
    rodata->filter_uid = true;
    rodata->uid_filter = *options.uid;
  }
  UniqueFd cgroup;
  if (!options.cgroup.empty()) {
    auto opened = open_cgroup(options.cgroup);
    if (!opened) return opened.error();
    cgroup = std::move(opened).value();
    rodata->filter_cgroup = true;
  }
  log(fmt::format("system-wide: {}{}{}{}", options.counts_only ? "counts in the kernel, no events" : "every call",
                  options.comm.empty() ? "" : ", comm " + options.comm,
                  options.uid ? fmt::format(", uid {}", *options.uid) : "",
                  options.cgroup.empty() ? "" : ", cgroup " + options.cgroup));
  return cgroup;
}

Status set_cgroup_filter(const mmaptrace_bpf& skeleton, const UniqueFd& cgroup) {
  if (!cgroup.valid()) return {};
  uint32_t key = 0, fd = static_cast<uint32_t>(cgroup.get());
  if (int error = bpf_map__update_elem(skeleton.maps.cgroup_filter, &key, sizeof key, &fd, sizeof fd, BPF_ANY))
    return make_error(Errc::io_error, fmt::format("--cgroup: setting the filter failed: {}", std::strerror(-error)));
  return {};
}

std::vector<ProcessActivity> ActivityReader::read(const mmaptrace_bpf& skeleton) {
  std::vector<ProcessActivity> live;
  collect(skeleton, &live);
  std::vector<ProcessActivity> processes = exited_;
  processes.insert(processes.end(), live.begin(), live.end());
  rank_activity(processes);
  return processes;
}

void ActivityReader::collect(const mmaptrace_bpf& skeleton, std::vector<ProcessActivity>* live) {
  std::vector<mmt_process_key> finished;
  mmt_process_key key{}, next{};
  const void* previous = nullptr;  // null: the first key
  while (bpf_map__get_next_key(skeleton.maps.activity, previous, &next, sizeof next) == 0) {
    key = next;
    previous = &key;
    mmt_process_activity raw{};
    if (bpf_map__lookup_elem(skeleton.maps.activity, &key, sizeof key, &raw, sizeof raw, 0) != 0) continue;
    ProcessActivity activity = convert(key, raw);
    if (activity.exited) {
      exited_.push_back(std::move(activity));
      finished.push_back(key);
    } else if (live) {
      live->push_back(std::move(activity));
    }
  }
  for (const mmt_process_key& gone : finished)
    bpf_map__delete_elem(skeleton.maps.activity, &gone, sizeof gone, 0);
}

}  // namespace ljmm::trace::detail
