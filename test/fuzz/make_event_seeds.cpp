// Writes a few real-looking ring-buffer records (bpf/mmaptrace.h) as fuzzing seeds: a failed brk
// followed by its fallback mmap, a munmap, an mremap, a fork, an exit, a record with a stack.
#include <cstdio>
#include <cstring>
#include <string>

#include "mmaptrace.h"

namespace {

void write(const std::string& dir, const char* name, const mmt_event& event, size_t size) {
  std::string path = dir + "/" + name;
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) return;
  std::fwrite(&event, 1, size, file);
  std::fclose(file);
}

mmt_event call(int syscall, unsigned long long a0, unsigned long long a1, long long ret) {
  mmt_event event{};
  event.ts_ns = 1000;
  event.duration_ns = 10;
  event.pid = event.tid = 42;
  event.kind = MMT_SYSCALL;
  event.syscall = syscall;
  event.args[0] = a0;
  event.args[1] = a1;
  event.args[2] = 3;     // PROT_READ|PROT_WRITE
  event.args[3] = 0x22;  // MAP_PRIVATE|MAP_ANONYMOUS
  event.args[4] = ~0ULL;
  event.ret = ret;
  std::strcpy(event.comm, "nginx");
  return event;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::string dir = argv[1];
  write(dir, "brk-failed", call(MMT_BRK, 0x556000021000, 0, 0x556000000000), MMT_EVENT_BASE_SIZE);
  write(dir, "fallback-mmap", call(MMT_MMAP, 0, 1 << 20, 0x7f0000000000), MMT_EVENT_BASE_SIZE);
  write(dir, "munmap", call(MMT_MUNMAP, 0x7f0000000000, 4096, 0), MMT_EVENT_BASE_SIZE);
  write(dir, "mremap", call(MMT_MREMAP, 0x7f0000000000, 8192, 0x7f0000100000), MMT_EVENT_BASE_SIZE);
  write(dir, "mmap-enomem", call(MMT_MMAP, 0, 1 << 30, -12), MMT_EVENT_BASE_SIZE);
  mmt_event fork = call(-1, 0, 0, 0);
  fork.kind = MMT_FORK;
  fork.pid = fork.tid = 43;
  fork.ppid = 42;
  write(dir, "fork", fork, MMT_EVENT_BASE_SIZE);
  mmt_event exit = fork;
  exit.kind = MMT_EXIT;
  write(dir, "exit", exit, MMT_EVENT_BASE_SIZE);
  mmt_event stacked = call(MMT_MMAP, 0, 4096, 0x7f0000000000);
  stacked.stack_depth = 3;
  stacked.stack[0] = 0x7f00000012a3;
  stacked.stack[1] = 0x55600000141b;
  stacked.stack[2] = 0;
  stacked.files[0] = mmt_frame_file{0x12a3, 1234567, (254u << 20) | 0, 0};
  write(dir, "with-stack", stacked, sizeof stacked);
  return 0;
}
