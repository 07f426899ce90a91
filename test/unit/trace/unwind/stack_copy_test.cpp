// Reading the stack copy the kernel took at a call: words inside it, words just past its end
// (the unwinder then says the copy was too short), and addresses that are not this stack.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "trace/unwind/dwarf.hpp"

namespace ljmm::trace::detail {
namespace {

constexpr uint64_t sp = 0x7ffd'0000'1000;

std::vector<uint8_t> copy_of(std::vector<uint64_t> words) {
  std::vector<uint8_t> bytes(words.size() * 8);
  std::memcpy(bytes.data(), words.data(), bytes.size());
  return bytes;
}

TEST(StackCopy, ReadsEveryWholeWordInTheCopy) {
  std::vector<uint8_t> copy = copy_of({0x1111, 0x2222, 0x3333});
  uint64_t value = 0;
  bool beyond = false;
  EXPECT_TRUE(read_stack_copy(copy, sp, sp, value, beyond));
  EXPECT_EQ(value, 0x1111u);
  EXPECT_TRUE(read_stack_copy(copy, sp, sp + 16, value, beyond));
  EXPECT_EQ(value, 0x3333u);
  EXPECT_TRUE(read_stack_copy(copy, sp, sp + 4, value, beyond));  // unaligned, still inside
  EXPECT_EQ(value, 0x2222'0000'0000u);
  EXPECT_FALSE(beyond);
}

TEST(StackCopy, AWordPastTheEndIsBeyondTheCopy) {
  std::vector<uint8_t> copy = copy_of({0x1111, 0x2222});
  uint64_t value = 0;
  bool beyond = false;
  EXPECT_FALSE(read_stack_copy(copy, sp, sp + 12, value, beyond));  // half inside
  EXPECT_TRUE(beyond);
  beyond = false;
  EXPECT_FALSE(read_stack_copy(copy, sp, sp + 4096, value, beyond));  // further up the same stack
  EXPECT_TRUE(beyond);
}

TEST(StackCopy, AddressesThatAreNotThisStackAreNotBeyondIt) {
  std::vector<uint8_t> copy = copy_of({0x1111});
  uint64_t value = 0;
  bool beyond = false;
  EXPECT_FALSE(read_stack_copy(copy, sp, sp - 8, value, beyond));  // below the stack pointer
  EXPECT_FALSE(read_stack_copy(copy, sp, sp + (64 << 20), value, beyond));  // past any stack limit
  EXPECT_FALSE(read_stack_copy(copy, sp, 0x5555'0000'0000, value, beyond));  // the heap
  EXPECT_FALSE(beyond);
}

TEST(StackCopy, AnEmptyCopyHasNothingToRead) {
  uint64_t value = 0;
  bool beyond = false;
  EXPECT_FALSE(read_stack_copy({}, sp, sp, value, beyond));
  EXPECT_TRUE(beyond);  // the kernel copied nothing: any frame's data lies past the copy
}

}  // namespace
}  // namespace ljmm::trace::detail
