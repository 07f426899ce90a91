// The BPF ring buffer record (bpf/mmaptrace.h) as an Event. Kept apart from the backend so the
// decoder can be fuzzed without loading BPF.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "mmaptrace.h"
#include "trace/bpf/event.hpp"
#include "trace/session/fallback.hpp"
#include "trace/unwind/frame_pointers.hpp"

namespace ljmm::trace::detail {

// The BPF program names the traced calls by the same numbers as user space.
static_assert(MMT_MMAP == static_cast<int>(Syscall::mmap) && MMT_MUNMAP == static_cast<int>(Syscall::munmap) &&
              MMT_BRK == static_cast<int>(Syscall::brk) && MMT_MREMAP == static_cast<int>(Syscall::mremap));
static_assert(MMT_MAX_ERRNO == max_errno && MMT_USER_STACK_MAX == max_stack_bytes);
static_assert(traced_syscalls.size() == 4, "a new traced call needs its MMT_ number in bpf/mmaptrace.h");
static_assert(ia32_syscalls[0].number == MMT_IA32_OLD_MMAP && ia32_syscalls[1].number == MMT_IA32_MMAP2 &&
              ia32_syscalls[2].number == MMT_IA32_MUNMAP && ia32_syscalls[3].number == MMT_IA32_MREMAP &&
              ia32_syscalls[4].number == MMT_IA32_BRK && ia32_mmap2 == MMT_IA32_MMAP2);
static_assert(ia32_syscalls.size() == 5, "a new i386 call needs its MMT_IA32_ number in bpf/mmaptrace.h");
// The kernel's malloc-fallback rule (bpf/fallback.bpf.h) tests the mmap and rounds its bytes as
// user space's does (trace/session/fallback.hpp): -a's counts and the summary's are one answer.
static_assert(MMT_MORECORE_PROT == morecore_prot && MMT_MORECORE_FLAGS == morecore_flags);
static_assert(MMT_PAGE_SIZE == trace_page);

Result<Event> decode_bpf_event(const void* data, size_t size, uint64_t start_ns) {
  if (size < MMT_EVENT_BASE_SIZE)
    return make_error(Errc::malformed,
                      fmt::format("BPF event of {} bytes, expected at least {}", size, MMT_EVENT_BASE_SIZE));
  mmt_event raw{};
  std::memcpy(&raw, data, std::min(size, sizeof raw));  // copy out before the ring buffer reuses the space
  if (size < sizeof raw) raw.stack_depth = 0;           // sent without a stack
  Event event;
  event.time_ns = raw.ts_ns > start_ns ? raw.ts_ns - start_ns : 0;
  event.duration_ns = raw.duration_ns;
  event.pid = raw.pid;
  event.tid = raw.tid;
  event.host_pid = raw.host_pid;
  event.ppid = raw.ppid;
  event.kind = raw.kind == MMT_FORK   ? EventKind::fork
               : raw.kind == MMT_EXEC ? EventKind::exec
               : raw.kind == MMT_EXIT ? EventKind::exit
                                      : EventKind::syscall;
  event.syscall = raw.syscall;
  event.ia32_syscall = raw.ia32_syscall;
  for (size_t i = 0; i < 6; ++i) event.args[i] = raw.args[i];
  event.ret = raw.ret;
  event.caller = raw.caller;
  event.comm.assign(raw.comm, ::strnlen(raw.comm, sizeof raw.comm));
  event.stack.assign(raw.stack, raw.stack + std::min<unsigned>(raw.stack_depth, MMT_MAX_STACK));
  trim_stack(event.stack);
  for (size_t i = 0; i < event.stack.size(); ++i) {
    const mmt_frame_file& file = raw.files[i];
    event.stack_files.push_back(FrameFile{file.offset, file.ino, file.dev >> 20, file.dev & 0xfffff});
  }
  return event;
}

}  // namespace ljmm::trace::detail
