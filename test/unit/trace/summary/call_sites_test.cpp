// The call sites behind stacks: which mapping blocked the break, the failed brk it caused, the
// fallback memory by stack, and failures no blocker explains.
#include <gtest/gtest.h>

#include "ljmm/call_sites.hpp"

namespace ljmm::trace {
namespace {

constexpr uint32_t nobody = 999'999'999;  // no such process: frames are named by their address
constexpr uint64_t heap_end = 0x1000000;

Event call(Syscall syscall, uint64_t a0, uint64_t a1, int64_t ret, uint64_t frame, uint32_t pid = nobody) {
  Event event;
  event.pid = pid;
  event.tid = pid;
  event.comm = "test";
  event.syscall = static_cast<int>(syscall);
  event.args = {a0, a1, 3 /* rw */, 0x22 /* private anonymous */, ~0ULL, 0};
  event.ret = ret;
  event.stack = {frame};
  return event;
}

TEST(CallSites, TheMappingAtTheBreakIsTheBlockerOfTheFirstFailedBrk) {
  CallSites sites{Symbolizer()};
  sites.on_event(call(Syscall::brk, 0, 0, heap_end, 0x401000));
  sites.on_event(call(Syscall::mmap, heap_end, 4096, heap_end, 0x402000));  // right at the break
  sites.on_event(call(Syscall::brk, heap_end + 0x21000, 0, heap_end, 0x403000));  // failed on it
  sites.on_event(call(Syscall::mmap, 0, 1 << 20, 0x7f0000000000, 0x404000));    // glibc's fallback
  ASSERT_EQ(sites.blockers().size(), 1u);
  const CallSites::Blocker& blocker = sites.blockers().front();
  EXPECT_EQ(static_cast<uint64_t>(blocker.mapping.ret), heap_end);
  EXPECT_EQ(blocker.failed_brk_asked, heap_end + 0x21000);
  EXPECT_EQ(blocker.frames, std::vector<std::string>{"0x402000"});
  EXPECT_EQ(blocker.failed_brk_frames, std::vector<std::string>{"0x403000"});
  ASSERT_EQ(sites.fallbacks().size(), 1u);
  EXPECT_EQ(sites.fallbacks().front().bytes, 1u << 20);
  EXPECT_EQ(sites.fallbacks().front().frames, std::vector<std::string>{"0x404000"});
  EXPECT_EQ(sites.fallback_bytes(), 1u << 20);
  EXPECT_TRUE(sites.unexplained_failures().empty());
}

TEST(CallSites, AMappingUnmappedBeforeBrkFailsBlockedNothing) {
  CallSites sites{Symbolizer()};
  sites.on_event(call(Syscall::brk, 0, 0, heap_end, 0x401000));
  sites.on_event(call(Syscall::mmap, heap_end, 4096, heap_end, 0x402000));
  sites.on_event(call(Syscall::munmap, heap_end, 4096, 0, 0x405000));
  sites.on_event(call(Syscall::brk, heap_end + 0x21000, 0, heap_end, 0x403000));
  EXPECT_TRUE(sites.blockers().empty());
  ASSERT_EQ(sites.unexplained_failures().count(nobody), 1u);
  EXPECT_EQ(sites.unexplained_failures().at(nobody), 1u);
}

TEST(CallSites, FailedBrkCallsAreCountedByStack) {
  CallSites sites{Symbolizer()};
  for (int i = 0; i < 3; ++i) sites.on_event(call(Syscall::brk, heap_end + 0x21000, 0, heap_end, 0x403000));
  sites.on_event(call(Syscall::brk, heap_end + 0x42000, 0, heap_end, 0x406000));
  ASSERT_EQ(sites.failed_brks().size(), 2u);
  EXPECT_EQ(sites.failed_brks().front().calls, 3u);  // the most calls first
  EXPECT_EQ(sites.failed_brks().back().calls, 1u);
  EXPECT_EQ(sites.unexplained_failures().at(nobody), 4u);  // the break was never seen: no blocker known
}

TEST(CallSites, AnExecForgetsTheOldImagesBreakAndCandidates) {
  CallSites sites{Symbolizer()};
  sites.on_event(call(Syscall::brk, 0, 0, heap_end, 0x401000));
  sites.on_event(call(Syscall::mmap, heap_end, 4096, heap_end, 0x402000));
  Event exec;
  exec.kind = EventKind::exec;
  exec.pid = exec.tid = nobody;
  sites.on_event(exec);
  sites.on_event(call(Syscall::brk, heap_end + 0x21000, 0, heap_end, 0x403000));
  EXPECT_TRUE(sites.blockers().empty());
}

}  // namespace
}  // namespace ljmm::trace
