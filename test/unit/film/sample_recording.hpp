// Recordings made in code for the reel's and the recording page's tests: a PIE program's start
// layout (the break at the end of [heap]) and the calls that follow, at the times given.
#pragma once

#include <linux/mman.h>
#include <sys/mman.h>

#include "ljmm/recording.hpp"

namespace ljmm::test {

inline constexpr uint32_t sample_pid = 7;
inline constexpr uint64_t sample_page = 4096;
inline constexpr uint64_t sample_free_area = 0x7f0000000000;  // nothing of the start layout is here
inline constexpr uint64_t sample_break = 0x55555557a000;      // the end of [heap]
inline constexpr uint64_t sample_libc = 0x7ffff7dd0000;

inline film::StartLayout sample_layout(uint64_t time_ns, uint32_t pid = sample_pid) {
  const char* text =
      "555555554000-555555555000 r--p 00000000 fe:01 100 /usr/bin/prog\n"
      "555555555000-555555556000 r-xp 00001000 fe:01 100 /usr/bin/prog\n"
      "555555557000-555555558000 rw-p 00003000 fe:01 100 /usr/bin/prog\n"
      "555555559000-55555557a000 rw-p 00000000 00:00 0 [heap]\n"
      "7ffff7dd0000-7ffff7df8000 r-xp 00000000 fe:01 200 /usr/lib/x86_64-linux-gnu/libc.so.6\n"
      "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]\n"
      "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]\n";
  film::StartLayout start;
  start.pid = pid;
  start.time_ns = time_ns;
  start.regions = parse_maps(text).value();
  start.process.pid = static_cast<int>(pid);
  start.process.comm = "prog";
  start.process.start_brk = 0x555555559000;
  start.process.start_stack = 0x7fffffffe000;
  start.system.page_size = sample_page;
  return start;
}

// mmap(addr, length, rw-, MAP_PRIVATE|MAP_ANONYMOUS (|MAP_FIXED with an address)) = address.
inline trace::Event sample_mmap(uint64_t time_ns, uint64_t address, uint64_t length, uint64_t caller = 0,
                                bool fixed = false) {
  trace::Event event;
  event.time_ns = time_ns;
  event.pid = event.tid = sample_pid;
  event.comm = "prog";
  event.syscall = static_cast<int>(trace::Syscall::mmap);
  event.args = {fixed ? address : 0,
                length,
                PROT_READ | PROT_WRITE,
                static_cast<uint64_t>(MAP_PRIVATE | MAP_ANONYMOUS | (fixed ? MAP_FIXED : 0)),
                ~0ULL,
                0};
  event.ret = static_cast<int64_t>(address);
  event.caller = caller;
  return event;
}

inline trace::Event sample_call(uint64_t time_ns, trace::Syscall call, std::array<uint64_t, 6> args, int64_t ret) {
  trace::Event event;
  event.time_ns = time_ns;
  event.pid = event.tid = sample_pid;
  event.comm = "prog";
  event.syscall = static_cast<int>(call);
  event.args = args;
  event.ret = ret;
  return event;
}

inline film::Recording sample_recording(std::vector<film::RecordingItem> items) {
  film::Recording recording;
  recording.path = "sample.jsonl";
  recording.header.system.page_size = sample_page;
  recording.items = std::move(items);
  recording.end = film::RecordingEnd{};
  return recording;
}

}  // namespace ljmm::test
