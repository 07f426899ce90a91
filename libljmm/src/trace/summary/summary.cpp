// The trace summary, updated event by event: calls, bytes per process, mappings still alive,
// and glibc's malloc fallback (a failed brk followed by an anonymous mmap from the same thread).
#include <fmt/format.h>
#include <sys/mman.h>

#include <algorithm>
#include <bit>

#include "ljmm/diagnose.hpp"
#include "ljmm/trace_summary.hpp"
#include "ljmm/units.hpp"
#include "trace/session/fallback.hpp"

namespace ljmm::trace {

namespace {

using detail::FallbackStep;
using detail::page_round;
constexpr uint64_t page = detail::trace_page;

uint64_t size_bucket(uint64_t size) {
  constexpr uint64_t largest = uint64_t{1} << 63;
  return size > largest ? largest : std::bit_ceil(std::max(size, page));
}

}  // namespace

struct Summary::FallbackRule : detail::FallbackTracker {};

Summary::Summary() : fallback_rule_(std::make_unique<FallbackRule>()) {}
Summary::~Summary() = default;
Summary::Summary(Summary&&) noexcept = default;
Summary& Summary::operator=(Summary&&) noexcept = default;

void Summary::on_event(const Event& event) {
  // glibc's fallback (trace/session/fallback.hpp): every event, so the rule sees what the thread did.
  FallbackStep fallback = fallback_rule_->on_event(event);
  ProcessTotals& process = processes_[event.pid];
  if (!event.comm.empty()) process.comm = event.comm;
  switch (event.kind) {
    case EventKind::fork: ++forks_; return;
    case EventKind::exec:
      // The old image's mappings are gone with it.
      ++execs_;
      // (Not up to {pid + 1, 0}: pid + 1 wraps to 0 for pid 2^32-1, found by fuzz_trace_event.)
      for (auto it = live_.lower_bound({event.pid, 0}); it != live_.end() && it->first.first == event.pid;)
        it = live_.erase(it);
      last_break_.erase(event.pid);
      return;
    case EventKind::exit:
      ++exits_;
      retire(event.pid);
      return;
    case EventKind::syscall: break;
  }
  SyscallCount& count = syscalls_[syscall_name(event.syscall)];
  ++count.calls;
  if (event.failed()) ++count.failed;
  if (event.unfinished) {  // no result: nothing was mapped, unmapped or moved that anyone saw
    ++count.unfinished;
    return;
  }

  if (fallback == FallbackStep::fallback_mmap) {
    ++fallbacks_.pairs;
    fallbacks_.bytes += page_round(event.args[1]);
    fallbacks_.bytes_by_pid[event.pid] += page_round(event.args[1]);
    if (event.args[1] == glibc_fallback_size) ++fallbacks_.one_mib;
  }
  if (event.is(Syscall::brk)) {
    if (fallback == FallbackStep::failed_brk) {
      ++fallbacks_.brk_failures;
    } else if (event.args[0] != 0 && last_break_.count(event.pid) &&
               static_cast<uint64_t>(event.ret) > last_break_[event.pid]) {
      process.brk_growth_bytes += static_cast<uint64_t>(event.ret) - last_break_[event.pid];
    }
    if (!event.failed() || event.args[0] == 0) last_break_[event.pid] = static_cast<uint64_t>(event.ret);
    return;
  }
  if (event.failed()) return;
  const auto& a = event.args;
  if (event.is(Syscall::mmap)) {
    uint64_t size = page_round(a[1]);
    process.mapped_bytes += size;
    sizes_[size_bucket(size)] += 1;
    remove_live(event.pid, static_cast<uint64_t>(event.ret), size);  // MAP_FIXED replaces
    LiveMapping made{
        static_cast<uint64_t>(event.ret), size, event.pid, event.tid, event.comm, event.time_ns, a[2], a[3]};
    made.caller = event.caller;
    live_[{event.pid, made.start}] = made;
  } else if (event.is(Syscall::munmap)) {
    process.unmapped_bytes += page_round(a[1]);
    remove_live(event.pid, a[0], page_round(a[1]));
  } else if (event.is(Syscall::mremap)) {
    uint64_t old_size = page_round(a[1]), new_size = page_round(a[2]);
    if (new_size > old_size) process.mapped_bytes += new_size - old_size;
    if (old_size > new_size) process.unmapped_bytes += old_size - new_size;
    auto found = live_.find({event.pid, a[0]});
    LiveMapping moved = found != live_.end()
                            ? found->second
                            : LiveMapping{0, 0, event.pid, event.tid, event.comm, event.time_ns, 0, 0, event.caller};
    constexpr uint64_t dont_unmap = 4;  // MREMAP_DONTUNMAP: the old range stays mapped (and empty)
    if (!(a[3] & dont_unmap)) remove_live(event.pid, a[0], old_size);
    moved.start = static_cast<uint64_t>(event.ret);
    moved.size = new_size;
    remove_live(event.pid, moved.start, new_size);
    live_[{event.pid, moved.start}] = moved;
  }
}

void Summary::remove_live(uint32_t pid, uint64_t start, uint64_t size) {
  uint64_t end = start + size;
  // Mappings of this process that overlap [start, end) lose the overlap; the rest survives.
  auto it = live_.lower_bound({pid, 0});
  while (it != live_.end() && it->first.first == pid && it->second.start < end) {
    LiveMapping mapping = it->second;
    uint64_t mapping_end = mapping.start + mapping.size;
    if (mapping_end <= start) {
      ++it;
      continue;
    }
    it = live_.erase(it);
    if (mapping.start < start) {
      LiveMapping left = mapping;
      left.size = start - mapping.start;
      live_[{pid, left.start}] = left;
    }
    if (mapping_end > end) {
      LiveMapping right = mapping;
      right.start = end;
      right.size = mapping_end - end;
      it = live_.emplace(std::make_pair(pid, right.start), right).first;
      ++it;
    }
  }
}

std::vector<Summary::LiveMapping> Summary::live_mappings() const {
  std::vector<LiveMapping> mappings;
  for (const auto& [key, mapping] : live_) mappings.push_back(mapping);
  std::stable_sort(mappings.begin(), mappings.end(),
                   [](const LiveMapping& a, const LiveMapping& b) { return a.size > b.size; });
  return mappings;
}

Finding Summary::fallback_finding() const {
  Finding finding;
  if (fallbacks_.pairs == 0) return finding;
  finding.id = "malloc-mmap-fallback";
  // A trace does not see the process's other memory: the share, and so the severity, comes from ljmm-inspect.
  finding.severity =
      malloc_fallback_severity(FallbackCost{fallbacks_.bytes, 0, fallbacks_.pairs, fallbacks_.brk_failures});
  finding.summary = fmt::format(
      "{} failed brk calls each followed by an anonymous rw mmap from the same thread: {} of malloc "
      "fallback memory ({} of them 1 MiB), held for good; {:.1f} failed brk calls per chunk",
      fallbacks_.pairs, format_size(fallbacks_.bytes), fallbacks_.one_mib,
      static_cast<double>(fallbacks_.brk_failures) / static_cast<double>(fallbacks_.pairs));
  finding.explanation = malloc_fallback_explanation();
  finding.fix = malloc_fallback_fix();
  finding.confidence = "high: each pair was seen as it happened";
  finding.metrics = {{"brk_failures", fallbacks_.brk_failures, MetricUnit::count},
                     {"fallback_mmaps", fallbacks_.pairs, MetricUnit::count},
                     {"fallback_bytes", fallbacks_.bytes, MetricUnit::bytes},
                     {"one_mib_mmaps", fallbacks_.one_mib, MetricUnit::count}};
  return finding;
}

}  // namespace ljmm::trace
