#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "ljmm/maps.hpp"

namespace ljmm {
namespace {

constexpr const char* two_regions =
    "00400000-00401000 r--p 00000000 fe:00 1 /x\n"
    "Size:                  4 kB\n"
    "Rss:                   4 kB\n"
    "FuturePmdMapped:      12 kB\n"
    "THPeligible:    0\n"
    "VmFlags: rd mr mw me dw\n"
    "7f0000000000-7f0000100000 rw-p 00000000 00:00 0 \n"
    "Size:               1024 kB\n"
    "Rss:                 512 kB\n"
    "Swap:                 16 kB\n";

TEST(Smaps, FieldsBelongToTheRegionAbove) {
  auto regions = parse_smaps(two_regions);
  ASSERT_TRUE(regions.ok()) << regions.error().message;
  ASSERT_EQ(regions->size(), 2u);
  EXPECT_EQ((*regions)[0].smaps_value("Rss"), 4096u);
  EXPECT_EQ((*regions)[0].smaps.vm_flags(), "rd mr mw me dw");
  EXPECT_EQ((*regions)[1].smaps_value("Rss"), 512u * 1024);
  EXPECT_EQ((*regions)[1].smaps_value("Swap"), 16u * 1024);
}

TEST(Smaps, UnknownFieldsAreKept) {
  auto regions = parse_smaps(two_regions);
  ASSERT_TRUE(regions.ok());
  EXPECT_EQ((*regions)[0].smaps_value("FuturePmdMapped"), 12u * 1024);
  EXPECT_EQ((*regions)[0].smaps_value("THPeligible"), 0u);  // a bare number, not kB
  EXPECT_EQ((*regions)[0].smaps_value("NotThere"), 0u);
}

TEST(Smaps, ARegionsSmapsAreAValue) {
  auto regions = parse_smaps(two_regions);
  ASSERT_TRUE(regions.ok());
  Region copy = (*regions)[0];
  EXPECT_EQ(copy, (*regions)[0]);
  EXPECT_EQ(copy.smaps.fields().size(), 4u);  // VmFlags is not a field
  copy.smaps.add({"Rss", 1});
  EXPECT_NE(copy, (*regions)[0]);  // the copy is its own: the original keeps 4 fields
  EXPECT_EQ((*regions)[0].smaps.fields().size(), 4u);

  copy.smaps.clear_fields();  // what the tracer keeps of smaps: what the mapping is, not its pages
  EXPECT_TRUE(copy.smaps.empty());
  EXPECT_EQ(copy.smaps.vm_flags(), "rd mr mw me dw");
  EXPECT_TRUE(Region{}.smaps.empty());
  EXPECT_EQ(Region{}.smaps.vm_flags(), "");
}

TEST(Smaps, FieldBeforeAnyRegionIsAnError) {
  auto regions = parse_smaps("Rss: 4 kB\n");
  ASSERT_FALSE(regions.ok());
  EXPECT_NE(regions.error().message.find("line 1"), std::string::npos);
}

TEST(Smaps, BadValueNamesTheField) {
  auto regions = parse_smaps("00400000-00401000 r--p 00000000 fe:00 1 /x\nRss: lots\n");
  ASSERT_FALSE(regions.ok());
  EXPECT_NE(regions.error().message.find("Rss"), std::string::npos);
  EXPECT_NE(regions.error().message.find("line 2"), std::string::npos);
}

TEST(Smaps, RealFileOfAThreadedProcess) {
  std::ifstream file(std::string(LJMM_SOURCE_DIR) + "/test/data/threads-pie.smaps");
  std::stringstream text;
  text << file.rdbuf();
  auto regions = parse_smaps(text.str());
  ASSERT_TRUE(regions.ok()) << regions.error().message;
  EXPECT_GT(regions->size(), 30u);
  for (const Region& region : *regions) EXPECT_EQ(region.smaps_value("Size"), region.size()) << region.label();
}

}  // namespace
}  // namespace ljmm
