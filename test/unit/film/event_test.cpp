// The traced calls as --calls names them, and what an event says of itself.
#include <gtest/gtest.h>

#include "ljmm/event.hpp"

namespace ljmm::trace {
namespace {

TEST(Calls, NamesAndClassesSelectCalls) {
  CallSet calls = parse_calls("mprotect,%lock").value();
  EXPECT_TRUE(calls.test(call_index(Syscall::mprotect)));
  EXPECT_TRUE(calls.test(call_index(Syscall::munlockall)));
  EXPECT_FALSE(calls.test(call_index(Syscall::mmap)));
  EXPECT_EQ(calls.count(), 6u);
  EXPECT_EQ(describe_calls(calls), "mprotect,mlock,mlock2,munlock,mlockall,munlockall");
  EXPECT_TRUE(parse_calls("%layout").value().all());
  EXPECT_TRUE(parse_calls("%memory").value().all());
  EXPECT_EQ(describe_calls(every_call()), "%layout");
}

TEST(Calls, AnUnknownNameSaysWhatIsKnown) {
  auto parsed = parse_calls("mmap,mmapp");
  ASSERT_FALSE(parsed);
  EXPECT_NE(parsed.error().message.find("unknown call \"mmapp\""), std::string::npos);
  EXPECT_NE(parsed.error().message.find("%lock"), std::string::npos);
  EXPECT_FALSE(parse_calls(","));
}

TEST(Calls, EveryI386CallDoesATracedOne) {
  for (const Ia32Syscall& call : ia32_syscalls) EXPECT_LT(call_index(call.does), traced_syscalls.size()) << call.name;
  EXPECT_STREQ(find_ia32_syscall(ia32_mmap2)->name, "mmap2");
  EXPECT_EQ(find_ia32_syscall(39), nullptr);
}

TEST(Event, FailureIsAnErrnoOrABreakThatDidNotMove) {
  Event event;
  event.syscall = static_cast<int>(Syscall::mprotect);
  event.ret = -12;
  EXPECT_TRUE(event.failed());
  event.ret = 0;
  EXPECT_FALSE(event.failed());
  EXPECT_FALSE(event.returns_address());
  event.syscall = static_cast<int>(Syscall::brk);
  event.args[0] = 0x1000;
  event.ret = 0x2000;
  EXPECT_TRUE(event.failed());
  EXPECT_TRUE(event.returns_address());
}

}  // namespace
}  // namespace ljmm::trace
