#include "ljmm/diff.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <algorithm>

#include "../test_data.hpp"

namespace ljmm {
namespace {

using test::snapshot_from_text;

constexpr const char* program =
    "555555554000-555555555000 r--p 00000000 fe:00 7 /bin/p\n"
    "555555555000-555555556000 r-xp 00001000 fe:00 7 /bin/p\n"
    "555555557000-555555558000 rw-p 00002000 fe:00 7 /bin/p\n";
constexpr const char* stack = "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]\n";

Analysis analysis_of(const std::string& middle) { return analyze(snapshot_from_text(program + middle + stack)); }

TEST(Diff, AddedRemovedGrownShrunkAndChangedRegions) {
  Analysis before = analysis_of(
      "555555559000-55555557a000 rw-p 00000000 00:00 0 [heap]\n"
      "7ffff7a00000-7ffff7b00000 rw-p 00000000 00:00 0 \n"
      "7ffff7c00000-7ffff7d00000 r--p 00000000 fe:00 9 /lib/gone.so\n"
      "7ffff7e00000-7ffff7f00000 r--p 00000000 fe:00 8 /lib/libx.so\n");
  Analysis after = analysis_of(
      "555555559000-55555559a000 rw-p 00000000 00:00 0 [heap]\n"
      "7ffff7a00000-7ffff7a80000 rw-p 00000000 00:00 0 \n"
      "7ffff7b80000-7ffff7b90000 rw-p 00000000 00:00 0 \n"
      "7ffff7e00000-7ffff7f00000 r-xp 00000000 fe:00 8 /lib/libx.so\n");
  SnapshotDiff diff = diff_snapshots(before, after);
  ASSERT_EQ(diff.changes.size(), 5u);
  EXPECT_EQ(diff.changes[0].kind, ChangeKind::grown);
  EXPECT_EQ(diff.changes[0].segment, Segment::heap);
  EXPECT_EQ(diff.changes[0].after.end, 0x55555559a000u);
  EXPECT_EQ(diff.changes[1].kind, ChangeKind::shrunk);
  EXPECT_EQ(diff.changes[2].kind, ChangeKind::added);
  EXPECT_EQ(diff.changes[2].after.start, 0x7ffff7b80000u);
  EXPECT_EQ(diff.changes[3].kind, ChangeKind::removed);
  EXPECT_EQ(diff.changes[3].before.path, "/lib/gone.so");
  EXPECT_EQ(diff.changes[4].kind, ChangeKind::changed);
  EXPECT_TRUE(diff.changes[4].after.perms.exec);
  EXPECT_EQ(diff.before[Segment::heap].bytes, 0x21000u);
  EXPECT_EQ(diff.after[Segment::heap].bytes, 0x41000u);
}

TEST(Diff, FindingsThatAppearAndDisappear) {
  Analysis healthy = analysis_of("555555559000-55555557a000 rw-p 00000000 00:00 0 [heap]\n");
  Analysis blocked = analysis_of(
      "555555559000-55555557a000 rw-p 00000000 00:00 0 [heap]\n"
      "55555557a000-55555557b000 ---p 00000000 00:00 0 \n");
  auto ids = [](const std::vector<Finding>& findings) {
    std::vector<std::string> out;
    for (const Finding& finding : findings) out.push_back(finding.id);
    return out;
  };
  SnapshotDiff worse = diff_snapshots(healthy, blocked);
  EXPECT_THAT(ids(worse.appeared), testing::Contains("brk-blocked"));
  EXPECT_THAT(ids(worse.disappeared), testing::Not(testing::Contains("brk-blocked")));
  SnapshotDiff better = diff_snapshots(blocked, healthy);
  EXPECT_THAT(ids(better.disappeared), testing::Contains("brk-blocked"));
  EXPECT_THAT(ids(better.appeared), testing::Not(testing::Contains("brk-blocked")));
}

TEST(Diff, FindingsWithTheSameIdButOtherNumbersAreChanged) {
  std::string blocked =
      "555555559000-55555557a000 rw-p 00000000 00:00 0 [heap]\n"
      "55555557a000-55555557b000 ---p 00000000 00:00 0 \n";
  Analysis before = analysis_of(blocked + "7ffff0800000-7ffff1000000 rw-p 00000000 00:00 0 \n");
  Analysis after = analysis_of(blocked + "7fffe0000000-7ffff1000000 rw-p 00000000 00:00 0 \n");
  before.snapshot.taken_at_unix_ms = 1'700'000'000'000;
  after.snapshot.taken_at_unix_ms = 1'700'000'125'000;
  SnapshotDiff diff = diff_snapshots(before, after);
  EXPECT_TRUE(diff.appeared.empty());
  const FindingChange* fallback = nullptr;
  for (const FindingChange& change : diff.changed)
    if (change.id == "malloc-mmap-fallback") fallback = &change;
  ASSERT_NE(fallback, nullptr);
  auto bytes = std::find_if(fallback->metrics.begin(), fallback->metrics.end(),
                            [](const MetricChange& m) { return m.before.name == "fallback_bytes"; });
  ASSERT_NE(bytes, fallback->metrics.end());
  EXPECT_EQ(bytes->before.value, 8u << 20);
  EXPECT_EQ(fallback->severity_before, Severity::warning);
  EXPECT_EQ(bytes->after, 272u << 20);
  EXPECT_EQ(fallback->severity_after, Severity::error);
  EXPECT_EQ(diff.elapsed_ms, 125'000);
  EXPECT_EQ(diff.before_source, "maps file inline at 2023-11-14 22:13:20 UTC");
}

TEST(Diff, TimesForPeople) {
  EXPECT_EQ(format_duration_ms(250), "250 ms");
  EXPECT_EQ(format_duration_ms(3'200), "3.2 s");
  EXPECT_EQ(format_duration_ms(125'000), "2 min 5 s");
  EXPECT_EQ(format_duration_ms(3'840'000), "1 h 4 min");
  EXPECT_EQ(format_duration_ms(-3'200), "-3.2 s");
  EXPECT_EQ(format_unix_ms(0), "1970-01-01 00:00:00 UTC");
}

TEST(Diff, TheSameSnapshotHasNoChanges) {
  Analysis one = analysis_of("555555559000-55555557a000 rw-p 00000000 00:00 0 [heap]\n");
  SnapshotDiff diff = diff_snapshots(one, one);
  EXPECT_TRUE(diff.changes.empty());
  EXPECT_TRUE(diff.appeared.empty());
  EXPECT_TRUE(diff.disappeared.empty());
  EXPECT_TRUE(diff.changed.empty());
}

}  // namespace
}  // namespace ljmm
