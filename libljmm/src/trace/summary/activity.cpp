// Per-process counts of a system-wide trace: totals and the ranking, worst first.
#include <algorithm>
#include <numeric>
#include <tuple>

#include "ljmm/trace.hpp"

namespace ljmm::trace {

uint64_t ProcessActivity::total_calls() const { return std::accumulate(calls.begin(), calls.end(), uint64_t{0}); }
uint64_t ProcessActivity::total_failed() const { return std::accumulate(failed.begin(), failed.end(), uint64_t{0}); }

void rank_activity(std::vector<ProcessActivity>& processes) {
  // "Who on this host hits brk failures": those first, then what they cost, then the rest.
  auto badness = [](const ProcessActivity& p) {
    return std::make_tuple(p.brk_failures(), p.fallback_bytes, p.total_failed(), p.total_calls());
  };
  std::stable_sort(processes.begin(), processes.end(), [&](const ProcessActivity& a, const ProcessActivity& b) {
    if (badness(a) != badness(b)) return badness(a) > badness(b);
    return a.pid < b.pid;
  });
}

}  // namespace ljmm::trace
