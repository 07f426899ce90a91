// Which calls the ptrace backend stops for: the traced x86-64 calls that --calls selects, their
// x32 twins (counted as lost, not traced), and nothing else.
#include <gtest/gtest.h>

#include "ljmm/trace.hpp"
#include "trace/ptrace/ia32.hpp"
#include "trace/ptrace/tracee.hpp"

namespace ljmm::trace::detail {
namespace {

TEST(Tracee, TheTracedCallsAreThoseOfTracedSyscalls) {
  for (const TracedSyscall& traced : traced_syscalls)
    EXPECT_TRUE(is_traced_call(static_cast<uint64_t>(traced.id), every_call()));
  EXPECT_FALSE(is_traced_call(39, every_call()));  // getpid
  EXPECT_FALSE(is_traced_call(~0ull, every_call()));
}

TEST(Tracee, OnlyTheSelectedCallsStop) {
  CallSet locks = parse_calls("%lock").value();
  EXPECT_TRUE(is_traced_call(149, locks));  // mlock
  EXPECT_FALSE(is_traced_call(9, locks));   // mmap
  EXPECT_EQ(traced_numbers(locks).size(), 2 * 5u);  // each with its x32 number
  std::vector<int> ia32 = ia32_numbers(locks);
  EXPECT_EQ(ia32, (std::vector<int>{150, 376, 151, 152, 153}));
}

TEST(Tracee, X32CallsAreToldApart) {
  constexpr uint64_t x32 = 0x40000000;
  EXPECT_TRUE(x32_variant(x32 | 9, every_call()));  // x32 mmap
  EXPECT_FALSE(x32_variant(9, every_call()));
  EXPECT_FALSE(x32_variant(x32 | 39, every_call()));
}

}  // namespace
}  // namespace ljmm::trace::detail
