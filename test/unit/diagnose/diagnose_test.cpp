#include "ljmm/diagnose.hpp"

#include <gtest/gtest.h>

#include <map>

#include "../test_data.hpp"
#include "ljmm/analysis.hpp"

namespace ljmm {
namespace {

using test::snapshot_from_data_file;
using test::snapshot_from_text;

constexpr const char* exe_and_libc =
    "555555554000-555555555000 r--p 00000000 fe:00 7 /bin/p\n"
    "555555555000-555555556000 r-xp 00001000 fe:00 7 /bin/p\n"
    "555555557000-555555558000 rw-p 00002000 fe:00 7 /bin/p\n";
constexpr const char* libc_and_stack =
    "7ffff7d00000-7ffff7e00000 rw-p 00000000 00:00 0 \n"
    "7ffff7e00000-7ffff7f00000 r-xp 00000000 fe:00 9 /lib/libc.so.6\n"
    "7ffff7f00000-7ffff7f02000 rw-p 00100000 fe:00 9 /lib/libc.so.6\n"
    "7ffff7f02000-7ffff7f04000 rw-p 00000000 00:00 0 \n"
    "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]\n";

TEST(Diagnose, BrkBlockedByTheNextMapping) {
  Snapshot snapshot = snapshot_from_text(std::string(exe_and_libc) +
                                         "555555559000-55555557a000 rw-p 00000000 00:00 0 [heap]\n"
                                         "55555557a000-55555557b000 ---p 00000000 00:00 0 \n" +
                                         libc_and_stack);
  Analysis analysis = analyze(std::move(snapshot));
  const Finding* blocked = analysis.finding("brk-blocked");
  ASSERT_NE(blocked, nullptr);
  EXPECT_EQ(blocked->metric("brk_room_bytes"), 0u);
  EXPECT_EQ(blocked->metric("blocker_start"), 0x55555557a000u);
  EXPECT_NE(blocked->summary.find("---p at 0x55555557a000"), std::string::npos) << blocked->summary;
  // With brk blocked, the 1 MiB anonymous region below libc is fallback memory; libc's bss is not.
  const Finding* fallback = analysis.finding("malloc-mmap-fallback");
  ASSERT_NE(fallback, nullptr);
  EXPECT_EQ(fallback->metric("fallback_bytes"), 1 * 1024 * 1024u);
  EXPECT_EQ(fallback->metric("fallback_regions"), 1u);
  // 1 MiB of fallback is most of this small process's memory but under 16 MiB: a warning.
  EXPECT_EQ(blocked->severity, Severity::warning);
  EXPECT_EQ(analysis.findings().front().severity, Severity::warning) << "worst first";
}

// A maps file says nothing of the break. nginx-master-brk-hole.maps is a real nginx master with
// lua-nginx-module whose low-address mmap took the page at the break before the heap grew.
TEST(Diagnose, MapsFileWithoutHeapPresumesTheBreakAtTheFirstMappingAboveTheProgram) {
  Analysis analysis = analyze(snapshot_from_data_file("nginx-master-brk-hole.maps"));
  EXPECT_EQ(analysis.snapshot.process.brk_source, BrkSource::presumed);
  EXPECT_EQ(analysis.snapshot.process.start_brk, 0x563cca4f5000u);
  const Finding* blocked = analysis.finding("brk-blocked");
  ASSERT_NE(blocked, nullptr);
  EXPECT_NE(blocked->summary.find("presumably"), std::string::npos) << blocked->summary;
  EXPECT_TRUE(blocked->confidence.starts_with("low")) << blocked->confidence;
  const Finding* fallback = analysis.finding("malloc-mmap-fallback");
  ASSERT_NE(fallback, nullptr);
  EXPECT_GT(fallback->metric("fallback_bytes"), 100u * 1024 * 1024);
  EXPECT_EQ(analysis.layout.total(Segment::gap).free_bytes, 0x563cca4f5000u - 0x563c94ccc000u) << "s4 up to the break";
}

TEST(Diagnose, NoBreakIsPresumedFromTheBssOrFromAFarMapping) {
  // Nothing within 1 GiB above the program: the break stays unknown.
  Analysis far = analyze(snapshot_from_text(std::string(exe_and_libc) + libc_and_stack));
  EXPECT_EQ(far.snapshot.process.brk_source, BrkSource::unknown);
  EXPECT_EQ(far.finding("brk-blocked"), nullptr);
  // The bss (anonymous, right after the program) is part of the program, not a blocker.
  Analysis bss = analyze(snapshot_from_text(std::string(exe_and_libc) +
                                            "555555558000-555555559000 rw-p 00000000 00:00 0 \n"
                                            "555555600000-555555601000 ---p 00000000 00:00 0 \n" +
                                            libc_and_stack));
  EXPECT_EQ(bss.snapshot.process.start_brk, 0x555555600000u);
  // With a [heap], its end is the break, and nothing is presumed.
  Analysis heap = analyze(snapshot_from_text(
      std::string(exe_and_libc) + "555555559000-55555557a000 rw-p 00000000 00:00 0 [heap]\n" + libc_and_stack));
  EXPECT_EQ(heap.snapshot.process.brk_source, BrkSource::heap_end);
}

TEST(Diagnose, HeapThatNeverStarted) {
  Snapshot snapshot = snapshot_from_text(std::string(exe_and_libc) +
                                         "555555559000-55555555a000 rw-p 00000000 00:00 0 \n" + libc_and_stack);
  snapshot.process.start_brk = 0x555555559000;
  infer_process_facts(snapshot);
  Analysis analysis = analyze(std::move(snapshot));
  const Finding* blocked = analysis.finding("brk-blocked");
  ASSERT_NE(blocked, nullptr);
  EXPECT_NE(blocked->summary.find("before the heap could start"), std::string::npos) << blocked->summary;
}

TEST(Diagnose, BlockMergedIntoTheHeapIsFoundWithTheExactBreak) {
  Snapshot snapshot = snapshot_from_text(std::string(exe_and_libc) +
                                         "555555559000-55555557b000 rw-p 00000000 00:00 0 [heap]\n" + libc_and_stack);
  // glibc's __curbrk says the break is one page below the end of [heap]: a page merged into it.
  snapshot.process.brk = 0x55555557a000;
  snapshot.process.brk_source = BrkSource::glibc;
  Analysis analysis = analyze(std::move(snapshot));
  const Finding* blocked = analysis.finding("brk-blocked");
  ASSERT_NE(blocked, nullptr);
  EXPECT_NE(blocked->summary.find("merged into [heap]"), std::string::npos) << blocked->summary;
  EXPECT_EQ(blocked->metric("blocker_size"), 4096u);
  EXPECT_EQ(blocked->confidence, "high");
}

TEST(Diagnose, HealthyHeapHasRoomAndNoFallbacks) {
  Snapshot snapshot = snapshot_from_text(std::string(exe_and_libc) +
                                         "555555559000-55555557a000 rw-p 00000000 00:00 0 [heap]\n" + libc_and_stack);
  Analysis analysis = analyze(std::move(snapshot));
  const Finding* room = analysis.finding("brk-room");
  ASSERT_NE(room, nullptr);
  EXPECT_EQ(room->severity, Severity::info);
  EXPECT_GT(*room->metric("brk_room_bytes"), 1024u * 1024 * 1024);
  EXPECT_EQ(analysis.finding("brk-blocked"), nullptr);
  EXPECT_EQ(analysis.finding("malloc-mmap-fallback"), nullptr);
}

TEST(Diagnose, ThreadStacksAndArenasAreRecognisedNotFallbacks) {
  Analysis analysis = analyze(snapshot_from_data_file("threads-pie.smaps"));
  const Finding* stacks = analysis.finding("thread-stacks");
  ASSERT_NE(stacks, nullptr);
  EXPECT_EQ(stacks->metric("thread_stacks"), 3u);
  const Finding* arenas = analysis.finding("malloc-arenas");
  ASSERT_NE(arenas, nullptr);
  EXPECT_EQ(arenas->metric("arenas"), 3u);
  EXPECT_EQ(arenas->metric("arena_reserved_bytes"), 3 * glibc_arena_heap_size);
  EXPECT_EQ(analysis.finding("malloc-mmap-fallback"), nullptr);
}

TEST(Diagnose, ThreadStacksAndArenasAreNotFallbacksEvenWithBrkBlocked) {
  Snapshot snapshot = snapshot_from_data_file("threads-pie.smaps");
  snapshot.process.brk = snapshot.regions[6].end - 4096;  // pretend a page merged into [heap]
  snapshot.process.brk_source = BrkSource::glibc;
  ASSERT_EQ(snapshot.regions[6].kind, RegionKind::heap);
  Analysis analysis = analyze(std::move(snapshot));
  ASSERT_NE(analysis.finding("brk-blocked"), nullptr);
  for (size_t i = 0; i < analysis.snapshot.regions.size(); ++i) {
    RegionRole role = analysis.diagnosis.role_of[i];
    if (role == RegionRole::malloc_fallback) {
      EXPECT_LT(analysis.snapshot.regions[i].size(), 64u * 1024) << i;
    }
  }
}

TEST(Diagnose, LowWindowBudgetOfACrowdedNonPieProcess) {
  Snapshot snapshot = snapshot_from_text(
      "00400000-00401000 r-xp 00000000 fe:00 7 /bin/np\n"
      "00401000-00402000 rw-p 00001000 fe:00 7 /bin/np\n"
      "01000000-70000000 rw-p 00000000 00:00 0 [heap]\n"
      "70100000-7ff00000 rw-p 00000000 00:00 0 \n"
      "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]\n");
  snapshot.system.mmap_min_addr = 0x10000;
  Analysis analysis = analyze(std::move(snapshot));
  const auto& windows = analysis.diagnosis.windows;
  ASSERT_EQ(windows.size(), 3u);
  const WindowBudget& below2g = windows[0];
  EXPECT_EQ(below2g.id, "below-2g");
  EXPECT_EQ(below2g.start, 0x10000u);
  // Free: [0x10000,0x400000) + [0x402000,0x1000000) + [0x70000000,0x70100000) + [0x7ff00000,0x80000000)
  EXPECT_EQ(below2g.free_bytes, (0x400000u - 0x10000) + (0x1000000u - 0x402000) + 0x100000 + 0x100000);
  EXPECT_EQ(below2g.largest_gap, 0x1000000u - 0x402000);
  EXPECT_EQ(below2g.gap_count, 4u);
  EXPECT_EQ(below2g.mapped_by_segment[Segment::heap], 0x6f000000u);
  const Finding* exhausted = analysis.finding("low-window-exhausted");
  ASSERT_NE(exhausted, nullptr);
  EXPECT_EQ(exhausted->severity, Severity::warning);
}

// Found by fuzz_smaps: a heap ending beyond the top of user space left the break with no room
// and no mapping above it, and the finding read a region that was not there.
TEST(Diagnose, BreakAtTheTopOfUserSpace) {
  Analysis analysis = analyze(snapshot_from_text("563a5550-6e03506a555f000 r--p 00000000 fe:00 530817 [heap]\n"));
  const Finding* blocked = analysis.finding("brk-blocked");
  ASSERT_NE(blocked, nullptr);
  EXPECT_NE(blocked->summary.find("top of user space"), std::string::npos) << blocked->summary;
}

TEST(Diagnose, MapCountNearTheLimit) {
  Snapshot snapshot = snapshot_from_data_file("nonpie.maps");
  snapshot.system.max_map_count = 24;
  Analysis analysis = analyze(std::move(snapshot));
  const Finding* near = analysis.finding("map-count-near-limit");
  ASSERT_NE(near, nullptr);
  EXPECT_EQ(near->severity, Severity::error);
}

// The break is page-rounded and the room compared with a page: the snapshot's page, not 4 KiB.
TEST(Diagnose, BrkRoomIsMeasuredInTheSnapshotsPages) {
  std::string maps = std::string(exe_and_libc) +
                     "555555559000-55555557a000 rw-p 00000000 00:00 0 [heap]\n"
                     "55555557c000-55555557d000 ---p 00000000 00:00 0 \n" +
                     libc_and_stack;
  Analysis small_pages = analyze(snapshot_from_text(maps));
  EXPECT_EQ(small_pages.diagnosis.brk.room, 0x2000u);
  EXPECT_NE(small_pages.finding("brk-room"), nullptr);
  Snapshot snapshot = snapshot_from_text(maps);
  snapshot.system.page_size = 16 * KiB;
  Analysis large_pages = analyze(std::move(snapshot));
  EXPECT_EQ(large_pages.diagnosis.brk.brk, 0x55555557c000u) << "the break rounded up to 16 KiB";
  EXPECT_TRUE(large_pages.diagnosis.brk.blocked);
  EXPECT_NE(large_pages.finding("brk-blocked"), nullptr);
}

// Each counter's metric has the unit the counters' list in runtime.h gives it.
TEST(Diagnose, RuntimeCountersCarryTheirUnits) {
  Snapshot snapshot = snapshot_from_text(std::string(exe_and_libc) + libc_and_stack);
  snapshot.runtime = RuntimeStats{0x10000, 0x80000000, LJMM_RESERVE_WINDOW, 0, {}};
  Analysis analysis = analyze(std::move(snapshot));
  const Finding* runtime = analysis.finding("ljmm-runtime");
  ASSERT_NE(runtime, nullptr);
  std::map<std::string, MetricUnit> units;
  for (const Metric& metric : runtime->metrics) units[metric.name] = metric.unit;
  EXPECT_EQ(units.size(), runtime_counters().size());
  for (const char* name : {"bytes_placed", "returned_to_reserve", "reserved_bytes"})
    EXPECT_EQ(units[name], MetricUnit::bytes) << name;
  for (const char* name : {"calls", "fallbacks", "near_failures"}) EXPECT_EQ(units[name], MetricUnit::count) << name;
}

TEST(Diagnose, RuntimeWithFixedPlacementOffSaysSo) {
  Snapshot snapshot = snapshot_from_text(std::string(exe_and_libc) + libc_and_stack);
  snapshot.runtime = RuntimeStats{0x10000, 0x80000000, 0, LJMM_FLAG_FIXED_UNSUPPORTED, {}};
  Analysis analysis = analyze(std::move(snapshot));
  const Finding* runtime = analysis.finding("ljmm-runtime");
  ASSERT_NE(runtime, nullptr);
  EXPECT_EQ(runtime->severity, Severity::warning);
  EXPECT_NE(runtime->summary.find("fixed placement is OFF"), std::string::npos) << runtime->summary;
}

}  // namespace
}  // namespace ljmm
