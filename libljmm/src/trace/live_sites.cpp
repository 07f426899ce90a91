// The mappings still alive at the end, by the code that called mmap.
#include <algorithm>
#include <map>
#include <set>

#include "ljmm/trace_report.hpp"

namespace ljmm::trace {

std::vector<LiveSite> live_sites(const Summary& summary, Symbolizer& symbolizer, size_t top) {
  std::map<std::string, LiveSite> by_site;
  std::map<std::string, std::set<uint32_t>> pids;
  for (const Summary::LiveMapping& mapping : summary.live_mappings()) {
    std::string name = mapping.caller ? symbolizer.symbolize(mapping.pid, mapping.caller) : "not known";
    LiveSite& site = by_site[name];
    if (site.mappings == 0) {
      site.site = name;
      site.comm = mapping.comm;
    }
    ++site.mappings;
    site.bytes += mapping.size;
    pids[name].insert(mapping.pid);
  }
  std::vector<LiveSite> sites;
  for (auto& [name, site] : by_site) {
    site.processes = pids[name].size();
    sites.push_back(std::move(site));
  }
  std::stable_sort(sites.begin(), sites.end(), [](const LiveSite& a, const LiveSite& b) { return a.bytes > b.bytes; });
  if (sites.size() > top) sites.resize(top);
  return sites;
}

}  // namespace ljmm::trace
