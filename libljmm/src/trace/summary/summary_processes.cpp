// The summary's processes: the -p targets, listed whatever they do, and the mappings of those
// that exited, counted apart from the mappings still alive at the end.
#include "ljmm/trace_summary.hpp"

namespace ljmm::trace {

void Summary::add_target(uint32_t pid, const std::string& comm) {
  ProcessTotals& process = processes_[pid];
  process.target = true;
  if (process.comm.empty()) process.comm = comm;
}

void Summary::retire(uint32_t pid) {
  processes_[pid].exited = true;
  ++exited_.processes;
  // (Not up to {pid + 1, 0}: pid + 1 wraps to 0 for pid 2^32-1.)
  for (auto it = live_.lower_bound({pid, 0}); it != live_.end() && it->first.first == pid;) {
    ++exited_.count;
    exited_.bytes += it->second.size;
    it = live_.erase(it);
  }
}

}  // namespace ljmm::trace
