// The BPF ring buffer record (bpf/mmaptrace.h) as an Event. Kept apart from the backend so the
// decoder can be fuzzed without loading BPF.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <iterator>
#include <utility>

#include "mmaptrace.h"
#include "trace/bpf/event.hpp"
#include "trace/session/fallback.hpp"
#include "trace/unwind/frame_pointers.hpp"

namespace ljmm::trace::detail {

// The BPF program names the traced calls by the same numbers as user space.
constexpr bool same_numbers() {
  constexpr std::pair<int, Syscall> pairs[] = {
      {MMT_MMAP, Syscall::mmap},
      {MMT_MPROTECT, Syscall::mprotect},
      {MMT_MUNMAP, Syscall::munmap},
      {MMT_BRK, Syscall::brk},
      {MMT_MREMAP, Syscall::mremap},
      {MMT_MADVISE, Syscall::madvise},
      {MMT_SHMAT, Syscall::shmat},
      {MMT_SHMDT, Syscall::shmdt},
      {MMT_MLOCK, Syscall::mlock},
      {MMT_MUNLOCK, Syscall::munlock},
      {MMT_MLOCKALL, Syscall::mlockall},
      {MMT_MUNLOCKALL, Syscall::munlockall},
      {MMT_REMAP_FILE_PAGES, Syscall::remap_file_pages},
      {MMT_MBIND, Syscall::mbind},
      {MMT_MLOCK2, Syscall::mlock2},
      {MMT_PKEY_MPROTECT, Syscall::pkey_mprotect},
      {MMT_PROCESS_MADVISE, Syscall::process_madvise},
      {MMT_MSEAL, Syscall::mseal},
  };
  if (std::size(pairs) != traced_syscalls.size()) return false;
  for (const auto& [number, call] : pairs)
    if (number != static_cast<int>(call) || call_index(call) == traced_syscalls.size()) return false;
  return true;
}
static_assert(same_numbers(), "every traced call needs its MMT_ number in bpf/mmaptrace.h, the same as user space's");
static_assert(MMT_CALLS == traced_syscalls.size(), "-a counts each traced call in the kernel");
constexpr bool numbers_fit() {
  for (const TracedSyscall& call : traced_syscalls)
    if (static_cast<int>(call.id) >= MMT_SYSCALL_LIMIT) return false;
  for (const Ia32Syscall& call : ia32_syscalls)
    if (call.number >= MMT_SYSCALL_LIMIT) return false;
  return true;
}
static_assert(numbers_fit(), "the programs' call bitmaps hold numbers below MMT_SYSCALL_LIMIT");
static_assert(MMT_IA32_OLD_MMAP == ia32_old_mmap && MMT_IA32_MMAP2 == ia32_mmap2);
static_assert(MMT_MAX_ERRNO == max_errno && MMT_USER_STACK_MAX == max_stack_bytes);
// The kernel's malloc-fallback rule (bpf/fallback.bpf.h) tests the mmap and rounds its bytes as
// user space's does (trace/session/fallback.hpp): -a's counts and the summary's are one answer.
static_assert(MMT_MORECORE_PROT == morecore_prot && MMT_MORECORE_FLAGS == morecore_flags);
static_assert(MMT_PAGE_SIZE == trace_page);

bool is_file_path_record(const void* data, size_t size) {
  uint32_t kind = 0;
  if (size < sizeof kind) return false;
  std::memcpy(&kind, data, sizeof kind);
  return kind == MMT_FILE_PATH;
}

std::optional<std::pair<FrameFile, std::string>> decode_file_path(const void* data, size_t size) {
  if (size < sizeof(mmt_file_path)) return std::nullopt;
  mmt_file_path raw{};
  std::memcpy(&raw, data, sizeof raw);
  if (!raw.complete || raw.depth > MMT_PATH_DEPTH) return std::nullopt;
  std::string path;
  for (uint32_t i = raw.depth; i-- > 0;)
    path += "/" + std::string(raw.names[i], ::strnlen(raw.names[i], MMT_PATH_NAME));
  if (path.empty()) path = "/";
  if (raw.deleted) path += " (deleted)";
  return std::make_pair(FrameFile{0, raw.ino, raw.dev >> 20, raw.dev & 0xfffff, raw.generation}, std::move(path));
}

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
  event.shm_size = raw.shm_size;
  event.mapped_file = FrameFile{raw.mapped_file.offset, raw.mapped_file.ino, raw.mapped_file.dev >> 20,
                                raw.mapped_file.dev & 0xfffff, raw.mapped_file.generation};
  if (event.kind == EventKind::syscall) event.kernel_map_count = raw.map_count;
  event.comm.assign(raw.comm, ::strnlen(raw.comm, sizeof raw.comm));
  event.stack.assign(raw.stack, raw.stack + std::min<unsigned>(raw.stack_depth, MMT_MAX_STACK));
  trim_stack(event.stack);
  for (size_t i = 0; i < event.stack.size(); ++i) {
    const mmt_frame_file& file = raw.files[i];
    event.stack_files.push_back(FrameFile{file.offset, file.ino, file.dev >> 20, file.dev & 0xfffff, file.generation});
  }
  return event;
}

}  // namespace ljmm::trace::detail
