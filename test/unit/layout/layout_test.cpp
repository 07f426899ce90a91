#include "ljmm/layout.hpp"

#include <gtest/gtest.h>

#include "../test_data.hpp"

namespace ljmm {
namespace {

using test::snapshot_from_data_file;
using test::snapshot_from_text;

size_t index_of(const Snapshot& snapshot, uint64_t start) {
  for (size_t i = 0; i < snapshot.regions.size(); ++i)
    if (snapshot.regions[i].start == start) return i;
  ADD_FAILURE() << "no region at " << std::hex << start;
  return 0;
}

TEST(Layout, NonPieExecutableSegments) {
  Snapshot snapshot = snapshot_from_data_file("nonpie.maps");
  EXPECT_EQ(snapshot.process.exe, "/tmp/tnp");
  EXPECT_EQ(snapshot.process.pie, false);
  Layout layout = classify(snapshot);
  EXPECT_EQ(layout.segment_of[index_of(snapshot, 0x400000)], Segment::text);
  EXPECT_EQ(layout.segment_of[index_of(snapshot, 0x401000)], Segment::text);
  EXPECT_EQ(layout.segment_of[index_of(snapshot, 0x404000)], Segment::data);
  EXPECT_EQ(layout.segment_of[index_of(snapshot, 0x405000)], Segment::bss);
  EXPECT_EQ(layout.segment_of[index_of(snapshot, 0x230d1000)], Segment::heap);
  EXPECT_EQ(layout.segment_of[index_of(snapshot, 0x7ffc37f7a000)], Segment::stack);
  EXPECT_EQ(layout.segment_of[index_of(snapshot, 0xffffffffff600000)], Segment::kernel);
  EXPECT_EQ(layout.segment_of[index_of(snapshot, 0x7f503d4a0000)], Segment::mmap);
}

TEST(Layout, GapsAreFirstClass) {
  Snapshot snapshot = snapshot_from_data_file("nonpie.maps");
  Layout layout = classify(snapshot);
  ASSERT_FALSE(layout.gaps.empty());
  const Gap& low = layout.gaps.front();
  EXPECT_EQ(low.start, 0u);
  EXPECT_EQ(low.end, 0x400000u);
  EXPECT_FALSE(low.below.has_value());
  EXPECT_EQ(low.above, Segment::text);

  auto randomization =
      std::find_if(layout.gaps.begin(), layout.gaps.end(), [](const Gap& g) { return g.segment == Segment::gap; });
  ASSERT_NE(randomization, layout.gaps.end());
  EXPECT_EQ(randomization->start, 0x466000u);
  EXPECT_EQ(randomization->end, 0x230d1000u);
  EXPECT_EQ(randomization->below, Segment::bss);
  EXPECT_EQ(randomization->above, Segment::heap);

  const Gap& top = layout.gaps.back();
  EXPECT_EQ(top.end, user_top_47bit);
  EXPECT_EQ(top.segment, Segment::stack);
  EXPECT_FALSE(top.above.has_value());

  uint64_t mapped = 0, free = 0;
  for (const Region& region : snapshot.regions)
    if (region.start < user_top_47bit) mapped += region.size();
  for (const Gap& gap : layout.gaps) free += gap.size();
  EXPECT_EQ(mapped + free, user_top_47bit) << "regions and gaps tile user space";
}

TEST(Layout, PieWithoutHeapStillFindsRandomizationGapFromStartBrk) {
  Snapshot snapshot = snapshot_from_text(
      "555555554000-555555555000 r--p 00000000 fe:00 7 /bin/p\n"
      "555555555000-555555556000 r-xp 00001000 fe:00 7 /bin/p\n"
      "555555557000-555555558000 rw-p 00002000 fe:00 7 /bin/p\n"
      "7ffff7fc3000-7ffff7fc5000 r-xp 00000000 00:00 0 [vdso]\n"
      "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]\n");
  snapshot.process.start_brk = 0x555555559000;
  infer_process_facts(snapshot);
  EXPECT_EQ(snapshot.process.pie, true);
  Layout layout = classify(snapshot);
  EXPECT_FALSE(layout.heap_index.has_value());
  auto gap =
      std::find_if(layout.gaps.begin(), layout.gaps.end(), [](const Gap& g) { return g.segment == Segment::gap; });
  ASSERT_NE(gap, layout.gaps.end());
  EXPECT_EQ(gap->start, 0x555555558000u);
}

TEST(Layout, FiveLevelPagingRaisesTheTopOfUserSpace) {
  Snapshot snapshot = snapshot_from_text("ffffffffde000-ffffffffff000 rw-p 00000000 00:00 0 [stack]\n");
  Layout layout = classify(snapshot);
  EXPECT_EQ(layout.user_top, user_top_56bit);
}

TEST(Layout, TotalsPerSegment) {
  Snapshot snapshot = snapshot_from_data_file("threads-pie.smaps");
  EXPECT_TRUE(snapshot.has_smaps);
  Layout layout = classify(snapshot);
  uint64_t regions = 0;
  for (Segment segment : all_segments) regions += layout.total(segment).regions;
  EXPECT_EQ(regions, snapshot.regions.size());
  EXPECT_GT(layout.total(Segment::text).rss, 0u);
  EXPECT_EQ(layout.total(Segment::heap).regions, 1u);
}

TEST(Layout, SegmentNamesRoundTrip) {
  for (Segment segment : all_segments) {
    EXPECT_EQ(parse_segment(segment_id(segment)), segment);
    EXPECT_EQ(parse_segment(segment_name(segment)), segment);
  }
  EXPECT_FALSE(parse_segment("s9").has_value());
}

}  // namespace
}  // namespace ljmm
