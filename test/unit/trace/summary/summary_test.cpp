#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>

#include "ljmm/trace_report.hpp"

namespace ljmm::trace {
namespace {

Event call(Syscall syscall, uint64_t a0, uint64_t a1, int64_t ret, uint32_t tid = 7) {
  Event event;
  event.pid = 7;
  event.tid = tid;
  event.comm = "test";
  event.syscall = static_cast<int>(syscall);
  event.args = {a0, a1, 3 /* rw */, 0x22 /* private anonymous */, ~0ULL, 0};
  event.ret = ret;
  return event;
}

TEST(TraceSummary, FailedBrkThenAnonymousMmapIsAFallback) {
  Summary summary;
  summary.on_event(call(Syscall::brk, 0, 0, 0x1000000));
  summary.on_event(call(Syscall::brk, 0x1021000, 0, 0x1000000));  // failed: the break stayed
  summary.on_event(call(Syscall::mmap, 0, 1 << 20, 0x7f0000000000));
  summary.on_event(call(Syscall::brk, 0x1021000, 0, 0x1000000));
  summary.on_event(call(Syscall::munmap, 0x7f0000100000, 4096, 0));  // something else in between
  summary.on_event(call(Syscall::mmap, 0, 1 << 20, 0x7f0000200000));
  EXPECT_EQ(summary.fallbacks().brk_failures, 2u);
  EXPECT_EQ(summary.fallbacks().pairs, 1u);
  EXPECT_EQ(summary.fallbacks().bytes, 1u << 20);
  EXPECT_EQ(summary.fallbacks().one_mib, 1u);
  EXPECT_EQ(summary.fallback_finding().id, "malloc-mmap-fallback");
}

TEST(TraceSummary, LiveMappingsFollowPartialUnmapsAndMremap) {
  Summary summary;
  summary.on_event(call(Syscall::mmap, 0, 0x10000, 0x7f0000000000));
  summary.on_event(call(Syscall::munmap, 0x7f0000004000, 0x4000, 0));  // a hole in the middle
  auto live = summary.live_mappings();
  ASSERT_EQ(live.size(), 2u);
  EXPECT_EQ(live[0].size + live[1].size, 0xc000u);
  Event moved = call(Syscall::mremap, 0x7f0000000000, 0x4000, 0x7f0000400000);
  moved.args[2] = 0x8000;  // new size
  summary.on_event(moved);
  live = summary.live_mappings();
  ASSERT_EQ(live.size(), 2u);
  auto moved_to = std::find_if(live.begin(), live.end(), [](const auto& m) { return m.start == 0x7f0000400000u; });
  ASSERT_NE(moved_to, live.end()) << "the mapping moved";
  EXPECT_EQ(moved_to->size, 0x8000u);
}

// Found by fuzz_trace_event: a length near 2^64 overflowed the size histogram's bucket.
TEST(TraceSummary, AbsurdLengthsNeitherWrapNorOverflow) {
  Summary summary;
  summary.on_event(call(Syscall::mmap, 0, UINT64_MAX, 0x7f0000000000));
  summary.on_event(call(Syscall::mmap, 0, (1ULL << 63) + 1, 0x7e0000000000));
  ASSERT_EQ(summary.size_histogram().size(), 1u);
  EXPECT_EQ(summary.size_histogram().begin()->first, 1ULL << 63);
  RunResult run;
  EXPECT_FALSE(summary_text(summary, run, false).empty());
}

Event mapping_of(uint32_t pid, uint64_t address) {
  Event event = call(Syscall::mmap, 0, 4096, static_cast<int64_t>(address));
  event.pid = event.tid = pid;
  return event;
}

Event exec_of(uint32_t pid) {
  Event event;
  event.kind = EventKind::exec;
  event.pid = event.tid = pid;
  return event;
}

TEST(TraceSummary, ExecForgetsTheOldImagesMappings) {
  Summary summary;
  summary.on_event(call(Syscall::mmap, 0, 1 << 20, 0x7f0000000000));
  summary.on_event(mapping_of(8, 0x7f1000000000));
  summary.on_event(exec_of(7));
  auto live = summary.live_mappings();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].pid, 8u);
}

// Found by fuzz_trace_event: an exec of pid 2^32-1 erased a range that ran backwards.
TEST(TraceSummary, ExecOfTheLargestPidForgetsOnlyItsOwnMappings) {
  Summary summary;
  summary.on_event(mapping_of(1, 0x7f1000000000));
  summary.on_event(mapping_of(UINT32_MAX, 0x7f2000000000));
  summary.on_event(exec_of(UINT32_MAX));
  auto live = summary.live_mappings();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].pid, 1u);
}

TEST(TraceSummary, DontUnmapKeepsTheOldRangeMapped) {
  Summary summary;
  summary.on_event(call(Syscall::mmap, 0, 1 << 20, 0x7f0000000000));
  Event remap = call(Syscall::mremap, 0x7f0000000000, 1 << 20, 0x7f0000200000);
  remap.args = {0x7f0000000000, 1 << 20, 1 << 20, 1 | 4 /* MAYMOVE|DONTUNMAP */, 0, 0};
  summary.on_event(remap);
  auto live = summary.live_mappings();
  ASSERT_EQ(live.size(), 2u);
  EXPECT_EQ(live[0].size + live[1].size, 2u << 20);
}

TEST(TraceSummary, UnfinishedCallsAreCountedButMapNothing) {
  Summary summary;
  Event cut = call(Syscall::mmap, 0, 1 << 20, 0);
  cut.unfinished = true;
  summary.on_event(cut);
  EXPECT_FALSE(cut.failed());
  EXPECT_TRUE(summary.live_mappings().empty());
  EXPECT_EQ(summary.syscalls().at("mmap").calls, 1u);
  EXPECT_EQ(summary.syscalls().at("mmap").unfinished, 1u);
  EXPECT_EQ(summary.syscalls().at("mmap").failed, 0u);
  EXPECT_NE(describe_result(cut).find('?'), std::string::npos);
}

// Names as strace prints them: the map type from the low four bits, the huge page size apart.
__attribute__((noinline)) uint64_t return_address_here() {
  return reinterpret_cast<uint64_t>(__builtin_return_address(0));
}
uint64_t not_code = 42;

// The caller stays with a mapping that moves; a word that does not follow a call instruction
// (or whose process is gone) is not named.
TEST(TraceSummary, LiveSitesGroupByCallerAndFollowMremap) {
  Summary summary;
  Event first = call(Syscall::mmap, 0, 0x4000, 0x7f0000000000);
  first.pid = static_cast<uint32_t>(::getpid());
  first.caller = return_address_here();  // after a call in this test
  Event second = first;
  second.ret = 0x7f0000100000;
  Event data = first;
  data.ret = 0x7f0000200000;
  data.caller = reinterpret_cast<uint64_t>(&not_code);
  Event gone = first;
  gone.pid = 0x7ffffff0;  // no such process
  Event moved = call(Syscall::mremap, 0x7f0000100000, 0x4000, 0x7f0000300000);
  moved.pid = first.pid;
  moved.args[2] = 0x10000;
  moved.caller = 0x405678;  // mremap's own caller: the mapping still belongs to the first one
  for (const Event& event : {first, second, data, gone, moved}) summary.on_event(event);
  for (const auto& mapping : summary.live_mappings()) {
    if (mapping.start == 0x7f0000300000u) {
      EXPECT_EQ(mapping.caller, first.caller);
    }
  }
  Symbolizer symbolizer;
  std::vector<LiveSite> sites = live_sites(summary, symbolizer, 10);
  ASSERT_EQ(sites.size(), 2u);
  EXPECT_NE(sites[0].site.find("(ljmm_unit_tests)"), std::string::npos) << sites[0].site;
  EXPECT_EQ(sites[0].mappings, 2u);
  EXPECT_EQ(sites[0].bytes, 0x14000u);
  EXPECT_EQ(sites[1].site, not_known_site);
  EXPECT_EQ(sites[1].mappings, 2u);
  EXPECT_EQ(sites[1].processes, 2u);
  EXPECT_EQ(live_sites(summary, symbolizer, 1).size(), 1u);
  RunResult run;
  EXPECT_NE(summary_text(summary, run, false, sites).find("not known"), std::string::npos);
  EXPECT_NE(summary_json(summary, run, sites).find("\"by_call_site\""), std::string::npos);
}

TEST(TraceDescribe, MmapFlagsAsStraceNamesThem) {
  EXPECT_EQ(describe_mmap_flags(0x22), "MAP_PRIVATE|MAP_ANONYMOUS");
  EXPECT_EQ(describe_mmap_flags(0x03), "MAP_SHARED_VALIDATE");
  EXPECT_EQ(describe_mmap_flags(0x08 | 0x20), "MAP_DROPPABLE|MAP_ANONYMOUS");
  EXPECT_EQ(describe_mmap_flags(0x22 | 0x40000 | (21u << 26)), "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_2MB");
  EXPECT_EQ(describe_mmap_flags(0x22 | 0x40000 | (30u << 26)), "MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|MAP_HUGE_1GB");
  EXPECT_EQ(describe_mmap_flags(0x22 | (16u << 26)), "MAP_PRIVATE|MAP_ANONYMOUS|16<<MAP_HUGE_SHIFT");
  EXPECT_EQ(describe_mmap_flags(0x0f | 0x20), "0xf /* MAP_??? */|MAP_ANONYMOUS");
  EXPECT_EQ(describe_mmap_flags(0x02 | 0x80000000000ULL), "MAP_PRIVATE|0x80000000000");
}

}  // namespace
}  // namespace ljmm::trace
