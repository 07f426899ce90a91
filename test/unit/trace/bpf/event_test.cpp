#include "trace/bpf/event.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "mmaptrace.h"

namespace ljmm::trace::detail {
namespace {

mmt_event brk_call() {
  mmt_event raw{};
  raw.ts_ns = 5000;
  raw.duration_ns = 7;
  raw.pid = 10;
  raw.tid = 11;
  raw.kind = MMT_SYSCALL;
  raw.syscall = MMT_BRK;
  raw.args[0] = 0x602000;
  raw.ret = 0x601000;
  std::strcpy(raw.comm, "nginx");
  return raw;
}

TEST(BpfEvent, ShortRecordsAreRejectedNotRead) {
  char bytes[16] = {};
  EXPECT_FALSE(decode_bpf_event(bytes, sizeof bytes, 0).ok());
}

TEST(BpfEvent, RecordWithoutStackDecodesEveryField) {
  mmt_event raw = brk_call();
  auto event = decode_bpf_event(&raw, MMT_EVENT_BASE_SIZE, 1000);
  ASSERT_TRUE(event.ok()) << event.error().message;
  EXPECT_EQ(event->time_ns, 4000u);
  EXPECT_EQ(event->duration_ns, 7u);
  EXPECT_EQ(event->pid, 10u);
  EXPECT_EQ(event->tid, 11u);
  EXPECT_TRUE(event->is(Syscall::brk));
  EXPECT_TRUE(event->failed());
  EXPECT_EQ(event->comm, "nginx");
  EXPECT_TRUE(event->stack.empty());
}

TEST(BpfEvent, StackIsTrimmedAndFramesKeepTheirFiles) {
  mmt_event raw = brk_call();
  raw.stack_depth = 4;
  raw.stack[0] = 0x7f0000001000;
  raw.stack[1] = 0x401000;
  raw.stack[2] = 0x401000;  // a repeat: frame-pointer walking went astray from here
  raw.stack[3] = 0x402000;
  raw.files[0] = mmt_frame_file{0x1000, 42, (8u << 20) | 3u, 0};
  auto event = decode_bpf_event(&raw, sizeof raw, 0);
  ASSERT_TRUE(event.ok());
  ASSERT_EQ(event->stack.size(), 2u);
  ASSERT_EQ(event->stack_files.size(), 2u);
  EXPECT_EQ(event->stack_files[0].inode, 42u);
  EXPECT_EQ(event->stack_files[0].dev_major, 8u);
  EXPECT_EQ(event->stack_files[0].dev_minor, 3u);
  EXPECT_EQ(event->stack_files[0].offset, 0x1000u);
}

TEST(BpfEvent, ProcessEventsAreNotCalls) {
  mmt_event raw = brk_call();
  raw.kind = MMT_FORK;
  raw.ppid = 9;
  auto event = decode_bpf_event(&raw, MMT_EVENT_BASE_SIZE, 0);
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->kind, EventKind::fork);
  EXPECT_EQ(event->ppid, 9u);
  EXPECT_FALSE(event->failed());
}

}  // namespace
}  // namespace ljmm::trace::detail
