// glibc's malloc-fallback rule (trace/session/fallback.hpp) has one answer: the same event
// sequences through every consumer of it (the summary, the call sites, the ptrace backend's
// choice of stacks) give the same fallbacks and bytes.
#include "trace/session/fallback.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ljmm/call_sites.hpp"
#include "ljmm/trace_summary.hpp"
#include "trace/ptrace/stacks.hpp"

namespace ljmm::trace {
namespace {

constexpr uint32_t pid = 100, other_thread = 101;
constexpr uint64_t heap_end = 0x555555580000, mmap_at = 0x7f0000000000;
constexpr uint64_t rw = PROT_READ | PROT_WRITE, anonymous = MAP_PRIVATE | MAP_ANONYMOUS;

Event call(Syscall syscall, std::array<uint64_t, 6> args, int64_t ret, uint32_t tid = pid) {
  Event event;
  event.pid = pid;
  event.tid = tid;
  event.comm = "test";
  event.syscall = static_cast<int>(syscall);
  event.args = args;
  event.ret = ret;
  return event;
}
Event failed_brk(uint32_t tid = pid) {  // asked for more, the break stayed
  return call(Syscall::brk, {heap_end + 0x21000}, static_cast<int64_t>(heap_end), tid);
}
Event grown_brk() { return call(Syscall::brk, {heap_end + 0x1000}, static_cast<int64_t>(heap_end + 0x1000)); }
Event morecore(uint64_t size, uint32_t tid = pid) {  // what sysmalloc maps after a failed brk
  return call(Syscall::mmap, {0, size, rw, anonymous, ~0ULL, 0}, static_cast<int64_t>(mmap_at), tid);
}
Event munmap_page() { return call(Syscall::munmap, {mmap_at + 0x100000, 4096}, 0); }
Event process_event(EventKind kind) {
  Event event;
  event.kind = kind;
  event.pid = event.tid = pid;
  return event;
}
Event fork_of_the_process() {  // a fork event is the child's
  Event event = process_event(EventKind::fork);
  event.pid = event.tid = pid + 100;
  event.ppid = pid;
  return event;
}

struct Answer {
  uint64_t fallbacks = 0, bytes = 0;
  bool operator==(const Answer&) const = default;
};
std::ostream& operator<<(std::ostream& out, const Answer& a) {
  return out << a.fallbacks << " fallbacks, " << a.bytes << " bytes";
}

Answer through_summary(const std::vector<Event>& events) {
  Summary summary;
  for (const Event& event : events) summary.on_event(event);
  return {summary.fallbacks().pairs, summary.fallbacks().bytes};
}

Answer through_call_sites(const std::vector<Event>& events) {
  CallSites sites{Symbolizer()};
  for (const Event& event : events) sites.on_event(event);
  Answer answer{0, sites.fallback_bytes()};
  for (const CallSites::Site& site : sites.fallbacks()) answer.fallbacks += site.calls;
  return answer;
}

// As the ptrace backend feeds it: execs and exits forget, each call is asked whether it needs a
// stack. The sequences map nothing near the break, so an mmap given a stack is a fallback.
Answer through_ptrace_stacks(const std::vector<Event>& events) {
  Options options;
  options.stacks = StackMode::dwarf;
  detail::PtraceStacks stacks(options);
  Answer answer;
  for (const Event& event : events) {
    if (event.kind == EventKind::exec || event.kind == EventKind::exit) {
      stacks.forget(event.pid);
    } else if (stacks.needs_stack(event) && event.is(Syscall::mmap)) {
      ++answer.fallbacks;
      answer.bytes += detail::page_round(event.args[1]);
    }
  }
  return answer;
}

Answer through_tracker(const std::vector<Event>& events) {
  detail::FallbackTracker tracker;
  Answer answer;
  for (const Event& event : events) {
    if (tracker.on_event(event) != detail::FallbackStep::fallback_mmap) continue;
    ++answer.fallbacks;
    answer.bytes += detail::page_round(event.args[1]);
  }
  return answer;
}

struct Sequence {
  std::string name;
  std::vector<Event> events;
  Answer expected;
};

std::vector<Sequence> sequences() {
  Event fixed = morecore(0x10000);
  fixed.args[0] = mmap_at + 0x200000;
  fixed.args[3] |= MAP_FIXED;
  Event failed_mmap = morecore(1 << 20);
  failed_mmap.ret = -12;  // ENOMEM
  Event read_only = morecore(1 << 20);
  read_only.args[2] = PROT_READ;
  return {
      {"failed brk then morecore mmap", {grown_brk(), failed_brk(), morecore(1 << 20)}, {1, 1 << 20}},
      {"bytes are page-rounded", {failed_brk(), morecore(100000)}, {1, 102400}},
      {"failed brk then munmap then mmap", {failed_brk(), munmap_page(), morecore(1 << 20)}, {0, 0}},
      {"failed brk then MAP_FIXED mmap, then mmap", {failed_brk(), fixed, morecore(1 << 20)}, {0, 0}},
      {"failed brk then a failed mmap, then mmap", {failed_brk(), failed_mmap, morecore(1 << 20)}, {0, 0}},
      {"failed brk then a read-only mmap", {failed_brk(), read_only}, {0, 0}},
      {"successful brk between", {failed_brk(), grown_brk(), morecore(1 << 20)}, {0, 0}},
      {"failed brk twice then mmap", {failed_brk(), failed_brk(), morecore(1 << 20)}, {1, 1 << 20}},
      {"mmap without a failed brk", {grown_brk(), morecore(1 << 20)}, {0, 0}},
      {"another thread's mmap is not this thread's fallback",
       {failed_brk(), morecore(0x10000, other_thread), morecore(0x20000)},
       {1, 0x20000}},
      {"two threads interleaved",
       {failed_brk(), failed_brk(other_thread), morecore(0x10000, other_thread), morecore(0x20000)},
       {2, 0x30000}},
      {"failed brk then exit, the pid and tid reused",
       {failed_brk(), process_event(EventKind::exit), morecore(1 << 20)},
       {0, 0}},
      {"failed brk then exec", {failed_brk(), process_event(EventKind::exec), morecore(1 << 20)}, {0, 0}},
      {"a fork is not a call of the thread", {failed_brk(), fork_of_the_process(), morecore(1 << 20)}, {1, 1 << 20}},
  };
}

TEST(FallbackRule, EveryConsumerGivesTheSameAnswer) {
  for (const Sequence& sequence : sequences()) {
    EXPECT_EQ(through_tracker(sequence.events), sequence.expected) << sequence.name;
    EXPECT_EQ(through_summary(sequence.events), sequence.expected) << sequence.name << ": summary";
    EXPECT_EQ(through_call_sites(sequence.events), sequence.expected) << sequence.name << ": call sites";
    EXPECT_EQ(through_ptrace_stacks(sequence.events), sequence.expected) << sequence.name << ": ptrace stacks";
  }
}

TEST(FallbackRule, SaysWhatEachCallIs) {
  detail::FallbackTracker tracker;
  EXPECT_EQ(tracker.on_event(grown_brk()), detail::FallbackStep::none);
  EXPECT_EQ(tracker.on_event(failed_brk()), detail::FallbackStep::failed_brk);
  EXPECT_EQ(tracker.on_event(morecore(1 << 20)), detail::FallbackStep::fallback_mmap);
  EXPECT_EQ(tracker.on_event(morecore(1 << 20)), detail::FallbackStep::none);
  EXPECT_EQ(tracker.waiting(), 0u);
}

TEST(FallbackRule, AnExitOrExecForgetsEveryThreadOfTheProcess) {
  for (EventKind kind : {EventKind::exit, EventKind::exec}) {
    detail::FallbackTracker tracker;
    tracker.on_event(failed_brk());
    tracker.on_event(failed_brk(other_thread));
    Event stranger = failed_brk(7);
    stranger.pid = 7;
    tracker.on_event(stranger);
    EXPECT_EQ(tracker.waiting(), 3u);
    tracker.on_event(process_event(kind));
    EXPECT_EQ(tracker.waiting(), 1u) << "only the other process still waits";
  }
}

// A failed brk counts for the summary's failures and the call sites' failed-brk stacks alike.
TEST(FallbackRule, FailedBrkCallsAreCountedOnceEach) {
  std::vector<Event> events = {failed_brk(), munmap_page(), failed_brk(), failed_brk(other_thread), grown_brk()};
  Summary summary;
  CallSites sites{Symbolizer()};
  for (const Event& event : events) {
    summary.on_event(event);
    sites.on_event(event);
  }
  EXPECT_EQ(summary.fallbacks().brk_failures, 3u);
  uint64_t failed = 0;
  for (const CallSites::Site& site : sites.failed_brks()) failed += site.calls;
  EXPECT_EQ(failed, 3u);
}

}  // namespace
}  // namespace ljmm::trace
