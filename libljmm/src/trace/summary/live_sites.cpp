// The mappings still alive at the end, by the code that called mmap.
#include <sys/uio.h>

#include <algorithm>
#include <map>
#include <set>

#include "ljmm/trace_summary.hpp"
#include "trace/summary/call_instruction.hpp"

namespace ljmm::trace {

namespace {

// The word on top of the stack at the call is a return address only when the call came through
// a leaf wrapper such as libc's. An interposer (ljmm's own preload shim), a JIT or a program
// that makes the system call itself leaves whatever its frame holds there, and naming that word
// would name code that never called mmap. A return address follows a call instruction: the
// bytes before it are checked, while the process lives.
bool follows_a_call(uint32_t pid, uint64_t address) {
  uint8_t code[detail::longest_call];
  iovec local{code, sizeof code}, remote{reinterpret_cast<void*>(address - sizeof code), sizeof code};
  if (address < sizeof code ||
      ::process_vm_readv(static_cast<pid_t>(pid), &local, 1, &remote, 1, 0) != static_cast<ssize_t>(sizeof code))
    return false;
  return detail::ends_with_call(code);
}

}  // namespace

std::vector<LiveSite> live_sites(const Summary& summary, Symbolizer& symbolizer, size_t top) {
  std::map<std::string, LiveSite> by_site;
  std::map<std::string, std::set<uint32_t>> pids;
  std::map<std::pair<uint32_t, uint64_t>, std::string> named;  // each (pid, caller) once
  for (const Summary::LiveMapping& mapping : summary.live_mappings()) {
    auto [known, first] = named.try_emplace({mapping.pid, mapping.caller});
    if (first)
      known->second = mapping.caller && follows_a_call(mapping.pid, mapping.caller)
                          ? symbolizer.symbolize(mapping.pid, mapping.caller)
                          : std::string(not_known_site);
    const std::string& name = known->second;
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
