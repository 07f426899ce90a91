// Which calls the ptrace backend stops for: the traced x86-64 calls, their x32 twins (counted
// as lost, not traced), and nothing else.
#include <gtest/gtest.h>

#include "ljmm/trace.hpp"
#include "trace/ptrace/tracee.hpp"

namespace ljmm::trace::detail {
namespace {

TEST(Tracee, TheTracedCallsAreThoseOfTracedSyscalls) {
  for (const TracedSyscall& traced : traced_syscalls) EXPECT_TRUE(is_traced_call(static_cast<uint64_t>(traced.id)));
  EXPECT_FALSE(is_traced_call(39));   // getpid
  EXPECT_FALSE(is_traced_call(~0ull));
}

TEST(Tracee, X32CallsAreToldApart) {
  constexpr uint64_t x32 = 0x40000000;
  EXPECT_TRUE(x32_variant(x32 | 9));  // x32 mmap
  EXPECT_FALSE(x32_variant(9));
  EXPECT_FALSE(x32_variant(x32 | 39));
}

}  // namespace
}  // namespace ljmm::trace::detail
