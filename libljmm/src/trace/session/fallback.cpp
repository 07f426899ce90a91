// The malloc-fallback rule (fallback.hpp), kept per thread.
#include "trace/session/fallback.hpp"

namespace ljmm::trace::detail {

namespace {

bool looks_like_morecore(const Event& event) {
  const auto& a = event.args;
  return event.is(Syscall::mmap) && !event.failed() && a[0] == 0 && (a[2] & morecore_prot) == morecore_prot &&
         a[3] == morecore_flags;
}

}  // namespace

FallbackStep FallbackTracker::on_event(const Event& event) {
  if (event.kind == EventKind::exec || event.kind == EventKind::exit) {
    forget(event.pid);
    return FallbackStep::none;
  }
  if (event.kind != EventKind::syscall) return FallbackStep::none;  // a fork is no call of the thread's
  // Whatever this call is, it is the thread's next one: the wait ends here. (A call cut off by
  // the thread's end, unfinished, made nothing: not a fallback either.)
  auto waiting = waiting_.find(event.tid);
  bool was_waiting = waiting != waiting_.end() && waiting->second == event.pid;  // not a reused tid
  if (waiting != waiting_.end()) waiting_.erase(waiting);
  if (event.is(Syscall::brk) && event.failed()) {
    waiting_[event.tid] = event.pid;
    return FallbackStep::failed_brk;
  }
  return was_waiting && looks_like_morecore(event) ? FallbackStep::fallback_mmap : FallbackStep::none;
}

void FallbackTracker::forget(uint32_t pid) {
  std::erase_if(waiting_, [pid](const auto& entry) { return entry.second == pid; });
}

}  // namespace ljmm::trace::detail
