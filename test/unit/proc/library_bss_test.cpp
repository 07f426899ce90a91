#include "proc/library_bss.hpp"

#include <gtest/gtest.h>

namespace ljmm::detail {
namespace {

// A data segment as GNU ld lays out a shared object: vaddr 0x3df0, 0x230 bytes in the file,
// 0x3260 in memory. The file pages end at 0x5000 (offset 0x4000 mapped from 0x4000 to 0x5000:
// [0x3000, 0x5000) with RELRO taking the first page), the bss pages end at 0x8000.
ElfFile library() {
  ElfFile file;
  file.position_independent = true;
  file.loads = {{0x0, 0x0, 0x1000, 0x1000, false}, {0x3df0, 0x2df0, 0x1230, 0x4260, true}};
  return file;
}

Region data_mapping(uint64_t offset, uint64_t size) {
  Region region;
  region.start = 0x7f0000004000;
  region.end = region.start + size;
  region.offset = offset;
  region.perms = Perms{true, true, false, false};
  region.kind = RegionKind::file;
  return region;
}

TEST(DeclaredBss, PageRoundedAsTheLoaderMapsIt) {
  // align_up(0x3df0 + 0x4260) - align_up(0x3df0 + 0x1230) = 0x9000 - 0x6000.
  EXPECT_EQ(declared_bss(library(), data_mapping(0x4000, 0x1000), 4096), 0x3000u);
}

TEST(DeclaredBss, OnlyForTheMappingWhereTheSegmentEnds) {
  EXPECT_EQ(declared_bss(library(), data_mapping(0x2000, 0x1000), 4096), std::nullopt) << "the RELRO part";
}

TEST(DeclaredBss, ABssInsideTheLastFilePageMapsNoAnonymousPage) {
  ElfFile file;
  file.loads = {{0x3df0, 0x2df0, 0x230, 0x308, true}};  // 216 bytes of bss, as libpcre
  EXPECT_EQ(declared_bss(file, data_mapping(0x2000, 0x2000), 4096), 0u);
}

}  // namespace
}  // namespace ljmm::detail
