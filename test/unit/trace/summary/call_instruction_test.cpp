// The x86-64 call decoder that tells a return address from any word on the stack, on the byte
// sequences the assembler writes for each form of call (objdump -d of gcc's and clang's code).
#include <gtest/gtest.h>

#include <initializer_list>

#include "trace/summary/call_instruction.hpp"

namespace ljmm::trace::detail {
namespace {

// The bytes right before a return address: `tail` last, padded in front with int3.
bool after(std::initializer_list<uint8_t> tail) {
  uint8_t code[longest_call];
  for (uint8_t& byte : code) byte = 0xcc;
  size_t at = longest_call - tail.size();
  for (uint8_t byte : tail) code[at++] = byte;
  return ends_with_call(code);
}

TEST(CallInstruction, EveryFormOfCallIsOne) {
  EXPECT_TRUE(after({0xe8, 0x10, 0x20, 0x00, 0x00}));                    // call rel32
  EXPECT_TRUE(after({0xff, 0xd0}));                                      // call *%rax
  EXPECT_TRUE(after({0x41, 0xff, 0xd3}));                                // call *%r11 (REX.B)
  EXPECT_TRUE(after({0xff, 0x10}));                                      // call *(%rax)
  EXPECT_TRUE(after({0xff, 0x14, 0x24}));                                // call *(%rsp): a SIB byte
  EXPECT_TRUE(after({0xff, 0x50, 0x08}));                                // call *0x8(%rax)
  EXPECT_TRUE(after({0xff, 0x54, 0x24, 0x08}));                          // call *0x8(%rsp)
  EXPECT_TRUE(after({0xff, 0x15, 0x00, 0x10, 0x00, 0x00}));              // call *0x1000(%rip): the PLT-less call
  EXPECT_TRUE(after({0xff, 0x90, 0x00, 0x01, 0x00, 0x00}));              // call *0x100(%rax)
  EXPECT_TRUE(after({0xff, 0x94, 0x24, 0x00, 0x01, 0x00, 0x00}));        // call *0x100(%rsp)
}

TEST(CallInstruction, OtherInstructionsAreNot) {
  EXPECT_FALSE(after({}));                                  // int3 padding
  EXPECT_FALSE(after({0xff, 0xe0}));                        // jmp *%rax: reg field 4
  EXPECT_FALSE(after({0xff, 0x25, 0x00, 0x10, 0x00, 0x00}));  // jmp *0x1000(%rip)
  EXPECT_FALSE(after({0xe9, 0x10, 0x20, 0x00, 0x00}));       // jmp rel32
  EXPECT_FALSE(after({0x0f, 0x05}));                         // syscall: a raw call returns right after it
  EXPECT_FALSE(after({0xff, 0x50}));                         // call *0x8(%rax) cut short: its byte is missing
}

TEST(CallInstruction, AModRmThatSaysAnotherLengthIsNot) {
  // ff 14 is call with a SIB byte (three bytes); two bytes before the address it is not a call.
  EXPECT_FALSE(after({0x90, 0xff, 0x14}));
  // ff 15 needs a 32-bit displacement: with one byte after it, it is not a call.
  EXPECT_FALSE(after({0xff, 0x15, 0x00}));
}

}  // namespace
}  // namespace ljmm::trace::detail
