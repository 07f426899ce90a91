#include "ljmm/units.hpp"

#include <gtest/gtest.h>

namespace ljmm {
namespace {

TEST(Units, FormatSize) {
  EXPECT_EQ(format_size(0), "0 B");
  EXPECT_EQ(format_size(1023), "1023 B");
  EXPECT_EQ(format_size(4096), "4 KiB");
  EXPECT_EQ(format_size(1536 * KiB), "1.5 MiB");
  EXPECT_EQ(format_size(100 * TiB), "100 TiB");
  EXPECT_EQ(format_size(UINT64_MAX), "15.9 EiB");
}

TEST(Units, FormatAddress) {
  EXPECT_EQ(format_address(0x400000), "0x0000000000400000");
  EXPECT_EQ(format_address_short(0x400000), "0x400000");
  EXPECT_EQ(format_address_short(0), "0x0");
}

TEST(Units, ParseSize) {
  EXPECT_EQ(*parse_size("1GiB"), GiB);
  EXPECT_EQ(*parse_size("512 MiB"), 512 * MiB);
  EXPECT_EQ(*parse_size("4k"), 4 * KiB);
  EXPECT_EQ(*parse_size("4096"), 4096u);
  EXPECT_EQ(*parse_size("0x1000"), 4096u);
  EXPECT_EQ(*parse_size("2T"), 2 * TiB);
}

TEST(Units, ParseSizeRejectsDecimalUnitsWithAHint) {
  auto size = parse_size("1GB");
  ASSERT_FALSE(size.ok());
  EXPECT_EQ(size.error().message, "\"1GB\" is not a size; use 1GiB or bytes");
  EXPECT_FALSE(parse_size("").ok());
  EXPECT_FALSE(parse_size("lots").ok());
  EXPECT_FALSE(parse_size("-1").ok());
  EXPECT_FALSE(parse_size("1XiB").ok());
  EXPECT_FALSE(parse_size("99999999999999999999").ok());
  EXPECT_FALSE(parse_size("16777216TiB").ok());
}

TEST(Units, ParseAddress) {
  EXPECT_EQ(*parse_address("0x7fffffffe000"), 0x7fffffffe000u);
  EXPECT_EQ(*parse_address("2GiB"), 2 * GiB);
  EXPECT_FALSE(parse_address("0xzz").ok());
  EXPECT_FALSE(parse_address("nowhere").ok());
}

}  // namespace
}  // namespace ljmm
