#include "ljmm/maps.hpp"

#include <gtest/gtest.h>

#include "../test_data.hpp"

namespace ljmm {
namespace {

Region parse_ok(std::string_view line) {
  auto region = parse_maps_line(line, 1);
  EXPECT_TRUE(region.ok()) << (region.ok() ? "" : region.error().message);
  return region.ok() ? *region : Region{};
}

TEST(MapsLine, FileMappingWithAllColumns) {
  Region r = parse_ok("00400000-00401000 r-xp 00001000 fe:00 10953237                   /tmp/tnp");
  EXPECT_EQ(r.start, 0x400000u);
  EXPECT_EQ(r.end, 0x401000u);
  EXPECT_EQ(r.size(), 0x1000u);
  EXPECT_EQ(r.perms, (Perms{true, false, true, false}));
  EXPECT_EQ(r.perms.str(), "r-xp");
  EXPECT_EQ(r.offset, 0x1000u);
  EXPECT_EQ(r.dev_major, 0xfeu);
  EXPECT_EQ(r.dev_minor, 0u);
  EXPECT_EQ(r.inode, 10953237u);
  EXPECT_EQ(r.kind, RegionKind::file);
  EXPECT_EQ(r.path, "/tmp/tnp");
  EXPECT_FALSE(r.deleted);
}

TEST(MapsLine, PathWithSpacesIsKeptWhole) {
  Region r = parse_ok("7f0000000000-7f0000001000 r--p 00000000 08:01 42     /opt/my app/lib  two  spaces.so");
  EXPECT_EQ(r.kind, RegionKind::file);
  EXPECT_EQ(r.path, "/opt/my app/lib  two  spaces.so");
}

TEST(MapsLine, DeletedFileIsAFlagNotPartOfThePath) {
  Region r = parse_ok("7f0000000000-7f0000001000 rw-s 00000000 00:01 99  /memfd:jit (deleted)");
  EXPECT_EQ(r.path, "/memfd:jit");
  EXPECT_TRUE(r.deleted);
  EXPECT_TRUE(r.perms.shared);
  EXPECT_EQ(r.label(), "/memfd:jit (deleted)");
}

TEST(MapsLine, AnonymousHasNoPath) {
  Region r = parse_ok("00405000-00466000 rw-p 00000000 00:00 0 ");
  EXPECT_EQ(r.kind, RegionKind::anonymous);
  EXPECT_EQ(r.path, "");
  Region bare = parse_ok("00405000-00466000 rw-p 00000000 00:00 0");
  EXPECT_EQ(bare.kind, RegionKind::anonymous);
}

TEST(MapsLine, SpecialNamesAreTyped) {
  EXPECT_EQ(parse_ok("55d0-55d1 rw-p 00000000 00:00 0   [heap]").kind, RegionKind::heap);
  EXPECT_EQ(parse_ok("7ffc0000-7ffc1000 rw-p 00000000 00:00 0   [stack]").kind, RegionKind::stack);
  EXPECT_EQ(parse_ok("7f00-7f01 r-xp 00000000 00:00 0   [vdso]").kind, RegionKind::vdso);
  EXPECT_EQ(parse_ok("7f00-7f01 r--p 00000000 00:00 0   [vvar]").kind, RegionKind::vvar);
  EXPECT_EQ(parse_ok("7f00-7f01 r--p 00000000 00:00 0   [vvar_vclock]").kind, RegionKind::vvar);
  Region vsyscall = parse_ok("ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0   [vsyscall]");
  EXPECT_EQ(vsyscall.kind, RegionKind::vsyscall);
  EXPECT_EQ(vsyscall.start, 0xffffffffff600000u);
  EXPECT_EQ(vsyscall.perms.str(), "--xp");
}

TEST(MapsLine, ThreadStackCarriesItsTid) {
  Region r = parse_ok("7f00-7f01 rw-p 00000000 00:00 0   [stack:4242]");
  EXPECT_EQ(r.kind, RegionKind::thread_stack);
  EXPECT_EQ(r.thread_id, 4242);
  EXPECT_EQ(r.label(), "[stack:4242]");
}

TEST(MapsLine, AnonNamesAreData) {
  Region named = parse_ok("7f00-7f01 rw-p 00000000 00:00 0   [anon:lua heap]");
  EXPECT_EQ(named.kind, RegionKind::anon_named);
  EXPECT_EQ(named.path, "lua heap");
  EXPECT_EQ(named.label(), "[anon:lua heap]");
  Region shmem = parse_ok("7f00-7f01 rw-s 00000000 00:01 7   [anon_shmem:cache]");
  EXPECT_EQ(shmem.kind, RegionKind::anon_shmem);
  EXPECT_EQ(shmem.path, "cache");
  Region unknown = parse_ok("7f00-7f01 r-xp 00000000 00:00 0   [uprobes]");
  EXPECT_EQ(unknown.kind, RegionKind::special);
  EXPECT_EQ(unknown.label(), "[uprobes]");
}

TEST(MapsLine, ThirtyTwoBitAndFortySevenBitAddresses) {
  Region low = parse_ok("08048000-08049000 r-xp 00000000 08:01 1 /bin/x86");
  EXPECT_EQ(low.start, 0x08048000u);
  Region top = parse_ok("7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0   [stack]");
  EXPECT_EQ(top.end, 0x7ffffffff000u);
  Region five_level = parse_ok("fffffffffe000-ffffffffff000 rw-p 00000000 00:00 0   [stack]");
  EXPECT_EQ(five_level.end, 0xffffffffff000u);
}

void expect_error(std::string_view line, std::string_view needle) {
  auto region = parse_maps_line(line, 7);
  ASSERT_FALSE(region.ok()) << line;
  EXPECT_EQ(region.error().code, Errc::malformed);
  EXPECT_NE(region.error().message.find("line 7"), std::string::npos) << region.error().message;
  EXPECT_NE(region.error().message.find(needle), std::string::npos) << region.error().message;
}

TEST(MapsLine, MalformedLinesNameTheLineAndTheCause) {
  expect_error("hello world", "address range");
  expect_error("00400000-00401000 r-x", "permissions");
  expect_error("00400000-00401000 r-xp", "offset");
  expect_error("00400000-00401000 r-xp 00000000", "device");
  expect_error("00400000-00401000 r-xp 00000000 fe:00", "inode");
  expect_error("00400000-00401000 r-xp 00000000 fe:00 12x /x", "inode");
  expect_error("00401000-00400000 r-xp 00000000 fe:00 1 /x", "not above start");
  expect_error("00400000-00400000 r-xp 00000000 fe:00 1 /x", "not above start");
  expect_error("00400000-00401000 rwzp 00000000 fe:00 1 /x", "permissions");
  expect_error("00400000-00401000 r-xq 00000000 fe:00 1 /x", "permissions");
  expect_error("zz400000-00401000 r-xp 00000000 fe:00 1 /x", "address range");
  expect_error("00400000-1ffffffffffffffffff r-xp 00000000 fe:00 1 /x", "address range");
}

TEST(MapsFile, ParsesLinesInOrderAndSkipsBlankLines) {
  auto regions = parse_maps(
      "00400000-00401000 r--p 00000000 fe:00 1 /x\n"
      "\n"
      "00401000-00402000 r-xp 00001000 fe:00 1 /x");  // no final newline
  ASSERT_TRUE(regions.ok());
  ASSERT_EQ(regions->size(), 2u);
  EXPECT_EQ((*regions)[1].start, 0x401000u);
}

TEST(MapsFile, ErrorNamesTheLineNumber) {
  auto regions = parse_maps(
      "00400000-00401000 r--p 00000000 fe:00 1 /x\n"
      "00401000-00402000 r-xp 00001000 fe:00 1 /x\n"
      "garbage\n");
  ASSERT_FALSE(regions.ok());
  EXPECT_NE(regions.error().message.find("line 3"), std::string::npos) << regions.error().message;
  EXPECT_NE(regions.error().message.find("garbage"), std::string::npos);
}

TEST(MapsFile, OverlappingRegionsAreAnError) {
  auto regions = parse_maps(
      "00400000-00402000 r--p 00000000 fe:00 1 /x\n"
      "00401000-00403000 r-xp 00001000 fe:00 1 /x\n");
  ASSERT_FALSE(regions.ok());
  EXPECT_NE(regions.error().message.find("line 2"), std::string::npos);
}

TEST(MapsFile, LongGarbageLineIsShortenedInTheMessage) {
  std::string line(5000, 'x');
  auto regions = parse_maps(line);
  ASSERT_FALSE(regions.ok());
  EXPECT_LT(regions.error().message.size(), 300u);
}

// The kernel hands maps out a page at a time, so lines are cut anywhere: every cut of a real
// file into pieces must parse to what the whole text parses to, errors and line numbers too.
TEST(MapsParser, LinesCutBetweenPiecesParseAsTheWholeText) {
  std::string text = test::read_data_file("nginx-master-brk-hole.maps");
  auto whole = parse_maps(text);
  ASSERT_TRUE(whole.ok());
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    MapsParser parser;
    ASSERT_TRUE(parser.feed(std::string_view(text).substr(0, cut)).ok());
    ASSERT_TRUE(parser.feed(std::string_view(text).substr(cut)).ok());
    auto pieces = parser.finish();
    ASSERT_TRUE(pieces.ok()) << cut;
    ASSERT_EQ(*pieces, *whole) << "cut at byte " << cut;
  }
  MapsParser bytewise;
  for (char c : text) ASSERT_TRUE(bytewise.feed(std::string_view(&c, 1)).ok());
  EXPECT_EQ(bytewise.finish().value(), *whole);
}

TEST(MapsParser, AnErrorInALaterPieceNamesItsLine) {
  MapsParser parser(100);
  ASSERT_TRUE(parser.feed("00400000-00401000 r--p 00000000 fe:00 1 /x\n0040").ok());
  Status status = parser.feed("1000-00402000 r-xp 00001000 fe:00 1 /x\n\ngarb");
  ASSERT_TRUE(status.ok());
  status = parser.feed("age\n");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("line 4"), std::string::npos) << status.error().message;
  EXPECT_NE(status.error().message.find("garbage"), std::string::npos) << status.error().message;
}

}  // namespace
}  // namespace ljmm
