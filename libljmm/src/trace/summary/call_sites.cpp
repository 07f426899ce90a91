// Call sites by stack: fallbacks, failed brk, and who blocked brk.
#include "ljmm/call_sites.hpp"

#include <algorithm>

#include "trace/session/fallback.hpp"

namespace ljmm::trace {

namespace {

using detail::FallbackStep;
using detail::page_round;

// A mapping this far above the break is in the heap's way (bpf/user_stack.bpf.h's rule).
constexpr uint64_t near_break = detail::near_break_bytes;

std::vector<CallSites::Site> sorted(const std::map<std::vector<std::string>, CallSites::Site>& sites, bool by_bytes) {
  std::vector<CallSites::Site> list;
  for (const auto& [frames, site] : sites) list.push_back(site);
  std::stable_sort(list.begin(), list.end(), [by_bytes](const CallSites::Site& a, const CallSites::Site& b) {
    return by_bytes ? a.bytes > b.bytes : a.calls > b.calls;
  });
  return list;
}

// One more call at the site of these frames.
CallSites::Site& count_call(std::map<std::vector<std::string>, CallSites::Site>& sites,
                            const std::vector<std::string>& frames, const Event& event) {
  CallSites::Site& site = sites[frames];
  site.frames = frames;
  site.comm = event.comm;
  ++site.calls;
  return site;
}

}  // namespace

struct CallSites::FallbackRule : detail::FallbackTracker {};

CallSites::CallSites(Symbolizer symbolizer)
    : symbolizer_(std::move(symbolizer)), fallback_rule_(std::make_unique<FallbackRule>()) {}
CallSites::~CallSites() = default;
CallSites::CallSites(CallSites&&) noexcept = default;
CallSites& CallSites::operator=(CallSites&&) noexcept = default;

std::vector<std::string> CallSites::name(const Event& event) {
  std::vector<std::string> frames;
  for (size_t i = 0; i < event.stack.size(); ++i)
    frames.push_back(symbolizer_.symbolize(event.pid, event.stack[i], event.frame_file(i)));
  return frames;
}

void CallSites::on_event(const Event& event) {
  // glibc's fallback (trace/session/fallback.hpp), the summary's rule: fed every event.
  FallbackStep fallback = fallback_rule_->on_event(event);
  if (event.kind == EventKind::exec || event.kind == EventKind::exit) {
    break_.erase(event.pid);
    candidates_.erase(event.pid);
    if (event.kind == EventKind::exec) explained_.erase(event.pid);
    symbolizer_.forget(event.pid);
    return;
  }
  if (event.kind != EventKind::syscall || event.unfinished) return;
  count_layout_growth(event);
  if (fallback == FallbackStep::fallback_mmap)
    count_call(fallbacks_, name(event), event).bytes += page_round(event.args[1]);
  if (event.is(Syscall::brk)) {
    if (fallback == FallbackStep::failed_brk) {
      std::vector<std::string> frames = name(event);
      count_call(failed_brks_, frames, event);
      on_failed_brk(event, frames);
    } else {
      break_[event.pid] = static_cast<uint64_t>(event.ret);
    }
    return;
  }
  if (event.failed()) return;
  if (event.is(Syscall::munmap)) {  // a blocker unmapped before any brk failed on it is none
    auto& list = candidates_[event.pid];
    uint64_t start = event.args[0], end = start + page_round(event.args[1]);
    std::erase_if(list, [&](const Candidate& c) { return c.start >= start && c.end <= end; });
    return;
  }
  if (!event.is(Syscall::mmap) && !event.is(Syscall::mremap)) return;
  auto known = break_.find(event.pid);
  auto start = static_cast<uint64_t>(event.ret);
  if (known == break_.end() || start < known->second || start - known->second >= near_break) return;
  uint64_t size = page_round(event.is(Syscall::mmap) ? event.args[1] : event.args[2]);
  candidates_[event.pid].push_back(Candidate{start, start + size, event, name(event)});
}

// The first failed brk of a process: the mapping that lies between the break and what brk
// asked for is the blocker.
void CallSites::on_failed_brk(const Event& event, const std::vector<std::string>& frames) {
  if (explained_[event.pid]) return;
  uint64_t now = static_cast<uint64_t>(event.ret), asked = event.args[0];
  for (const Candidate& candidate : candidates_[event.pid]) {
    if (candidate.start >= asked || candidate.end <= now) continue;
    explained_[event.pid] = true;
    blockers_.push_back(Blocker{event.pid, event.comm, candidate.event, candidate.frames, event.time_ns, event.tid,
                                asked, frames});
    unexplained_.erase(event.pid);
    return;
  }
  ++unexplained_[event.pid];
}

void CallSites::count_layout_growth(const Event& event) {
  if (event.stack.empty() || !event.layout) return;
  if (event.layout->map_count_change > 0)
    count_call(map_growth_, name(event), event).bytes += static_cast<uint64_t>(event.layout->map_count_change);
  if (event.layout->accessible_change > 0)
    count_call(accessible_growth_, name(event), event).bytes += static_cast<uint64_t>(event.layout->accessible_change);
}

std::vector<CallSites::Site> CallSites::map_growth() const { return sorted(map_growth_, true); }
std::vector<CallSites::Site> CallSites::accessible_growth() const { return sorted(accessible_growth_, true); }
std::vector<CallSites::Site> CallSites::fallbacks() const { return sorted(fallbacks_, true); }
std::vector<CallSites::Site> CallSites::failed_brks() const { return sorted(failed_brks_, false); }

uint64_t CallSites::fallback_bytes() const {
  uint64_t total = 0;
  for (const auto& [frames, site] : fallbacks_) total += site.bytes;
  return total;
}

}  // namespace ljmm::trace
