// Library bss by the size its ELF declares, what the fallback costs, malloc memory, and who
// blocked the break.
#include <gtest/gtest.h>

#include "../test_data.hpp"
#include "ljmm/analysis.hpp"
#include "ljmm/diagnose.hpp"

namespace ljmm {
namespace {

using test::snapshot_from_text;

constexpr uint64_t page = 4096;
constexpr uint64_t MiB = 1024 * 1024;

// A program whose break is blocked by `blocker`, a library whose writable data is followed by
// 3 pages and 1 MiB of anonymous memory in one region, and libc with 2 pages of bss.
std::string maps_with(const std::string& blocker) {
  return "555555554000-555555555000 r--p 00000000 fe:00 7 /bin/p\n"
         "555555555000-555555556000 r-xp 00001000 fe:00 7 /bin/p\n"
         "555555557000-555555558000 rw-p 00002000 fe:00 7 /bin/p\n"
         "555555559000-55555557a000 rw-p 00000000 00:00 0 [heap]\n" +
         blocker +
         "\n"
         "7ffff7c00000-7ffff7c01000 r-xp 00000000 fe:00 11 /lib/libsmall.so\n"
         "7ffff7c01000-7ffff7c02000 rw-p 00001000 fe:00 11 /lib/libsmall.so\n"
         "7ffff7c02000-7ffff7d05000 rw-p 00000000 00:00 0 \n"
         "7ffff7e00000-7ffff7f00000 r-xp 00000000 fe:00 9 /lib/libc.so.6\n"
         "7ffff7f00000-7ffff7f02000 rw-p 00100000 fe:00 9 /lib/libc.so.6\n"
         "7ffff7f02000-7ffff7f04000 rw-p 00000000 00:00 0 \n"
         "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]\n";
}
const std::string guard_page = "55555557a000-55555557b000 ---p 00000000 00:00 0 ";
constexpr size_t small_data = 6, small_after = 7, libc_data = 9, libc_bss = 10;

Analysis analyze_with_bss(std::optional<uint64_t> small, std::optional<uint64_t> libc,
                          const std::string& blocker = guard_page) {
  Snapshot snapshot = snapshot_from_text(maps_with(blocker));
  snapshot.regions[small_data].declared_bss = small;
  snapshot.regions[libc_data].declared_bss = libc;
  return analyze(std::move(snapshot));
}

TEST(LibraryBss, MemoryBeyondTheDeclaredBssIsFallback) {
  Analysis analysis = analyze_with_bss(3 * page, 2 * page);
  EXPECT_EQ(analysis.diagnosis.role_of[small_after], RegionRole::malloc_fallback);
  EXPECT_EQ(analysis.diagnosis.role_of[libc_bss], RegionRole::library_bss) << "libc's bss is exactly as declared";
  EXPECT_EQ(analysis.diagnosis.fallbacks.bytes, 1 * MiB) << "less the library's 3 pages";
  EXPECT_EQ(analysis.diagnosis.fallbacks.unchecked_bss_regions, 0u);
}

TEST(LibraryBss, ABssInsideTheLastFilePageIsNoAnonymousRegion) {
  // libpcre's 216 bytes of bss fit in its last file page: the anonymous region after it is not its.
  Analysis analysis = analyze_with_bss(0, 2 * page);
  EXPECT_EQ(analysis.diagnosis.role_of[small_after], RegionRole::malloc_fallback);
  EXPECT_EQ(analysis.diagnosis.fallbacks.bytes, 1 * MiB + 3 * page);
}

TEST(LibraryBss, WithoutTheElfTheWholeRegionIsTakenAsBssAndSaidSo) {
  Analysis analysis = analyze_with_bss(std::nullopt, 2 * page);
  EXPECT_EQ(analysis.diagnosis.role_of[small_after], RegionRole::library_bss);
  EXPECT_EQ(analysis.diagnosis.fallbacks.unchecked_bss_regions, 1u);
}

TEST(FallbackCost, SeverityComesFromTheNumbers) {
  EXPECT_EQ(malloc_fallback_severity({20 * MiB, 30 * MiB, 10, 0}), Severity::error) << "most of the memory";
  EXPECT_EQ(malloc_fallback_severity({20 * MiB, 100 * MiB, 10, 0}), Severity::warning) << "a fifth of it";
  EXPECT_EQ(malloc_fallback_severity({2 * MiB, 100 * MiB, 2, 0}), Severity::info) << "2% of it";
  EXPECT_EQ(malloc_fallback_severity({2 * MiB, 20 * MiB, 2, 0}), Severity::warning);
  EXPECT_EQ(malloc_fallback_severity({20 * MiB, 0, 10, 12}), Severity::warning) << "share unknown (a trace)";
}

TEST(FallbackCost, FindingSaysWhatTheFallbackCosts) {
  Analysis analysis = analyze_with_bss(3 * page, 2 * page);
  const Finding* fallback = analysis.finding("malloc-mmap-fallback");
  ASSERT_NE(fallback, nullptr);
  uint64_t anonymous = 0x21000 + 3 * page + 1 * MiB + 2 * page;  // heap, the library's region, libc's bss
  EXPECT_EQ(fallback->metric("anonymous_bytes"), anonymous);
  EXPECT_EQ(fallback->metric("untrimmable_bytes"), 1 * MiB);
  EXPECT_EQ(fallback->metric("fallback_share_percent"), 1 * MiB * 100 / anonymous);
  EXPECT_EQ(fallback->severity, Severity::warning) << "1 MiB is most of this process, but under 16 MiB";
  EXPECT_NE(fallback->summary.find("% of the process's anonymous memory"), std::string::npos) << fallback->summary;
}

TEST(MallocMemory, HeapPlusFallbackInOneFindingAndTheRule) {
  Analysis analysis = analyze_with_bss(3 * page, 2 * page);
  EXPECT_EQ(analysis.diagnosis.malloc.total(), 0x21000 + 1 * MiB);
  const Finding* memory = analysis.finding("malloc-memory");
  ASSERT_NE(memory, nullptr);
  EXPECT_EQ(memory->severity, Severity::info);
  EXPECT_EQ(memory->metric("malloc_bytes"), 0x21000 + 1 * MiB);
  EXPECT_EQ(memory->metric("heap_bytes"), 0x21000u);
  EXPECT_EQ(memory->metric("fallback_bytes"), 1 * MiB);
}

TEST(BrkBlocker, TheRuntimesStartUpBlockIsNamed) {
  Snapshot snapshot = snapshot_from_text(maps_with(guard_page));
  snapshot.runtime = RuntimeStats{0x10000, 0x80000000, LJMM_RESERVE_BRK_BLOCK, 0, {}};
  Analysis analysis = analyze(std::move(snapshot));
  ASSERT_TRUE(analysis.diagnosis.blocker);
  EXPECT_EQ(analysis.diagnosis.blocker->owner, BlockerOwner::ljmm_brk_block);
  const Finding* blocked = analysis.finding("brk-blocked");
  ASSERT_NE(blocked, nullptr);
  EXPECT_NE(blocked->summary.find("LJMM_RESERVE=brk-block"), std::string::npos) << blocked->summary;
}

TEST(BrkBlocker, MemfdAndAnonNamesAndFilesAreNamed) {
  Analysis memfd = analyze_with_bss(3 * page, 2 * page,
                                    "55555557a000-55555557b000 rw-s 00000000 00:01 1234 /memfd:jit-code (deleted)");
  ASSERT_TRUE(memfd.diagnosis.blocker);
  EXPECT_EQ(memfd.diagnosis.blocker->owner, BlockerOwner::memfd);
  EXPECT_EQ(memfd.diagnosis.blocker->name, "jit-code");
  EXPECT_NE(memfd.finding("brk-blocked")->summary.find("the memfd \"jit-code\""), std::string::npos);

  Analysis named = analyze_with_bss(3 * page, 2 * page, "55555557a000-55555557b000 rw-p 00000000 00:00 0 [anon:lua]");
  ASSERT_TRUE(named.diagnosis.blocker);
  EXPECT_EQ(named.diagnosis.blocker->owner, BlockerOwner::anon_named);
  EXPECT_EQ(named.diagnosis.blocker->name, "lua");

  Analysis reserve = analyze_with_bss(
      3 * page, 2 * page, "55555557a000-55555557b000 ---s 5555557a000 00:01 99 /memfd:ljmm-reserve (deleted)");
  ASSERT_TRUE(reserve.diagnosis.blocker);
  EXPECT_EQ(reserve.diagnosis.blocker->owner, BlockerOwner::ljmm_reservation);

  Analysis file = analyze_with_bss(3 * page, 2 * page, "55555557a000-55555557b000 r--p 00000000 fe:00 5 /data/x.bin");
  ASSERT_TRUE(file.diagnosis.blocker);
  EXPECT_EQ(file.diagnosis.blocker->owner, BlockerOwner::file);
  EXPECT_EQ(file.diagnosis.blocker->name, "/data/x.bin");

  Analysis unnamed = analyze_with_bss(3 * page, 2 * page);
  ASSERT_TRUE(unnamed.diagnosis.blocker);
  EXPECT_EQ(unnamed.diagnosis.blocker->owner, BlockerOwner::anonymous);
}

}  // namespace
}  // namespace ljmm
