// System-wide tracing (-a) in the BPF backend: the kernel-side filters, and the per-process
// counts the programs keep in the "activity" map (bpf/system_wide.bpf.h).
#pragma once

#include <vector>

#include "ljmm/trace.hpp"
#include "sys/fd.hpp"

struct mmaptrace_bpf;

namespace ljmm::trace::detail {

using ljmm::detail::UniqueFd;

// Sets the programs' filters before load. Returns the cgroup's directory, open, when --cgroup
// names one (set_cgroup_filter puts it in the map once loaded): "--cgroup X: no such cgroup".
Result<UniqueFd> configure_system_wide(mmaptrace_bpf& skeleton, const SystemWide& options, const Log& log);
Status set_cgroup_filter(const mmaptrace_bpf& skeleton, const UniqueFd& cgroup);

// Reads the activity map. A process whose exit the kernel marked is read one last time, kept
// here and deleted from the map, so the map holds only live processes.
class ActivityReader {
 public:
  std::vector<ProcessActivity> read(const mmaptrace_bpf& skeleton);  // ranked
  // Moves the exited processes out of the map, so short-lived ones do not fill it.
  void sweep(const mmaptrace_bpf& skeleton) { collect(skeleton, nullptr); }

 private:
  // Reads every entry (into `live` when given) and takes the exited ones out of the map.
  void collect(const mmaptrace_bpf& skeleton, std::vector<ProcessActivity>* live);

  std::vector<ProcessActivity> exited_;
};

}  // namespace ljmm::trace::detail
