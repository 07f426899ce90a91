// What changes an address space, one event at a time: the system calls that change the layout or
// the list of mappings (VMAs), named and numbered as strace and the kernel do, and the event a
// trace records for each call, fork, exec and exit. A trace makes events; a recording stores
// them; the layout model (film.hpp) replays them.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ljmm/export.hpp"
#include "ljmm/result.hpp"
#include "ljmm/symbolizer.hpp"

namespace ljmm::trace {

// x86-64 numbers (arch/x86/entry/syscalls/syscall_64.tbl).
enum class Syscall : int {
  mmap = 9,
  mprotect = 10,
  munmap = 11,
  brk = 12,
  mremap = 25,
  madvise = 28,
  shmat = 30,
  shmdt = 67,
  mlock = 149,
  munlock = 150,
  mlockall = 151,
  munlockall = 152,
  remap_file_pages = 216,
  mbind = 237,
  mlock2 = 325,
  pkey_mprotect = 329,
  process_madvise = 440,
  mseal = 462,
};

// Groups of calls for --calls, like strace's %classes: %layout is every one of them.
enum class CallClass : uint8_t {
  map,      // %map: make, move or remove mappings (mmap, munmap, mremap, brk, shmat, shmdt, remap_file_pages)
  protect,  // %protect: change what a mapping allows (mprotect, pkey_mprotect, mseal)
  advise,   // %advise: advice and policy (madvise, process_madvise, mbind)
  lock,     // %lock: keep pages in memory (mlock, mlock2, munlock, mlockall, munlockall)
};

struct LJMM_API TracedSyscall {
  Syscall id;
  const char* name;  // as strace names it
  CallClass call_class;
  int arguments;  // how many the call takes (the syscalls tracepoints record only those)
};

// The traced calls, in the order the summary lists them: the one list the backends, the names,
// the decoders and the BPF program's numbers (static_assert in the decoder) all follow.
inline constexpr std::array<TracedSyscall, 18> traced_syscalls = {{
    {Syscall::mmap, "mmap", CallClass::map, 6},
    {Syscall::munmap, "munmap", CallClass::map, 2},
    {Syscall::mremap, "mremap", CallClass::map, 5},
    {Syscall::brk, "brk", CallClass::map, 1},
    {Syscall::mprotect, "mprotect", CallClass::protect, 3},
    {Syscall::pkey_mprotect, "pkey_mprotect", CallClass::protect, 4},
    {Syscall::madvise, "madvise", CallClass::advise, 3},
    {Syscall::process_madvise, "process_madvise", CallClass::advise, 5},
    {Syscall::mlock, "mlock", CallClass::lock, 2},
    {Syscall::mlock2, "mlock2", CallClass::lock, 3},
    {Syscall::munlock, "munlock", CallClass::lock, 2},
    {Syscall::mlockall, "mlockall", CallClass::lock, 1},
    {Syscall::munlockall, "munlockall", CallClass::lock, 0},
    {Syscall::mseal, "mseal", CallClass::protect, 3},
    {Syscall::shmat, "shmat", CallClass::map, 3},
    {Syscall::shmdt, "shmdt", CallClass::map, 1},
    {Syscall::remap_file_pages, "remap_file_pages", CallClass::map, 5},
    {Syscall::mbind, "mbind", CallClass::advise, 6},
}};

struct CallClassName {
  CallClass call_class;
  const char* name;  // without the %
};
inline constexpr std::array<CallClassName, 4> call_class_names = {
    {{CallClass::map, "map"}, {CallClass::protect, "protect"}, {CallClass::advise, "advise"}, {CallClass::lock, "lock"}}};
inline constexpr const char* every_call_class = "layout";  // %layout (and strace's %memory): all of them

// The i386 calls traced (from i386 programs, or int $0x80 in 64-bit code), each as the x86-64
// call it does: an event of one has that call as `syscall` and the i386 number as
// `ia32_syscall`. Old mmap's arguments are read from the block it points to; mmap2 keeps its
// offset in pages. (i386 glibc attaches SysV shared memory through ipc(2), which is not traced.)
struct Ia32Syscall {
  int number;  // i386 (arch/x86/entry/syscalls/syscall_32.tbl)
  Syscall does;
  const char* name;
};
inline constexpr std::array<Ia32Syscall, 19> ia32_syscalls = {{
    {90, Syscall::mmap, "mmap"},
    {192, Syscall::mmap, "mmap2"},
    {91, Syscall::munmap, "munmap"},
    {163, Syscall::mremap, "mremap"},
    {45, Syscall::brk, "brk"},
    {125, Syscall::mprotect, "mprotect"},
    {380, Syscall::pkey_mprotect, "pkey_mprotect"},
    {219, Syscall::madvise, "madvise"},
    {440, Syscall::process_madvise, "process_madvise"},
    {150, Syscall::mlock, "mlock"},
    {376, Syscall::mlock2, "mlock2"},
    {151, Syscall::munlock, "munlock"},
    {152, Syscall::mlockall, "mlockall"},
    {153, Syscall::munlockall, "munlockall"},
    {462, Syscall::mseal, "mseal"},
    {397, Syscall::shmat, "shmat"},
    {398, Syscall::shmdt, "shmdt"},
    {257, Syscall::remap_file_pages, "remap_file_pages"},
    {274, Syscall::mbind, "mbind"},
}};
inline constexpr int ia32_old_mmap = 90;
inline constexpr int ia32_mmap2 = 192;
// mmap2 gives its file offset in 4096-byte units, on every i386 kernel, whatever the page size.
inline constexpr uint64_t ia32_mmap2_offset_unit = 4096;

// The kernel's MAX_ERRNO: a call's result in [-4095, -1] is -errno, anything else a value.
inline constexpr int64_t max_errno = 4095;

// Where a call counts in per-call arrays: its place in traced_syscalls.
constexpr size_t call_index(Syscall syscall) {
  for (size_t i = 0; i < traced_syscalls.size(); ++i)
    if (traced_syscalls[i].id == syscall) return i;
  return traced_syscalls.size();
}

// Which of traced_syscalls a trace follows, by call_index.
using CallSet = std::bitset<traced_syscalls.size()>;
inline CallSet every_call() { return CallSet().set(); }
// "mprotect,madvise,%lock": names and %classes, comma-separated; "%layout" or "%memory" is all.
LJMM_API Result<CallSet> parse_calls(std::string_view text);
LJMM_API std::string describe_calls(const CallSet& calls);  // "mmap,munmap" or "%layout"

LJMM_API const char* syscall_name(int syscall);  // "mmap", ...; "?" for a call that is not traced
LJMM_API std::optional<Syscall> syscall_named(std::string_view name);
LJMM_API const Ia32Syscall* find_ia32_syscall(int number);  // nullptr: not a traced i386 call

enum class EventKind { syscall, fork, exec, exit };
LJMM_API const char* event_kind_name(EventKind kind);

// The address space of the event's process right after it, as the layout model keeps it
// (film.hpp); absent while the model does not know the process's layout exactly.
struct LJMM_API LayoutAfter {
  uint64_t map_count = 0;         // mappings (VMAs)
  uint64_t accessible_bytes = 0;  // mapped with any of read, write, execute: memory the process may use
  uint64_t reserved_bytes = 0;    // mapped PROT_NONE: address space only
  uint64_t locked_bytes = 0;      // mlock'ed
  int64_t map_count_change = 0;   // by this event
  int64_t accessible_change = 0;
};

struct LJMM_API Event {
  uint64_t time_ns = 0;      // since the trace started
  uint64_t duration_ns = 0;  // entry to exit
  uint32_t pid = 0;          // process (tgid), in the tracer's PID namespace
  uint32_t tid = 0;          // thread, in the tracer's PID namespace
  uint32_t host_pid = 0;     // the process in the initial PID namespace; 0: not known
  uint32_t ppid = 0;         // parent, for fork events
  EventKind kind = EventKind::syscall;
  int syscall = -1;      // a Syscall: what the call does
  int ia32_syscall = 0;  // the i386 number of a 32-bit call (ia32_syscalls); 0 for x86-64
  std::array<uint64_t, 6> args{};
  int64_t ret = 0;
  std::string comm;
  // A successful mmap or mremap: the return address on top of the user stack at the call, the
  // code that called libc's (leaf) wrapper; read for every such call, stacks or not. 0: not known.
  uint64_t caller = 0;
  std::vector<uint64_t> stack;         // user return addresses, innermost first (--stack)
  std::vector<FrameFile> stack_files;  // one per stack entry when the BPF backend knows them
  // A file mmap's file: from /proc/PID/fd at the call (ptrace), else from the mapping made (BPF
  // reads it just after). Empty for anonymous maps, or when the process is already gone.
  std::string path;
  // A successful shmat: the size of the segment it attached, as the kernel mapped it (no
  // argument says it). 0 otherwise, or when it could not be read.
  uint64_t shm_size = 0;
  // A successful file mmap or shmat: the file mapped, by device and inode (the kernel's at the
  // result with BPF, the fd's with ptrace), which names cannot confuse. inode 0: not known.
  FrameFile mapped_file;
  // The kernel's own count of the process's mappings right after the call (BPF), to check the
  // model against; another thread may have changed it since.
  std::optional<uint64_t> kernel_map_count;
  std::optional<LayoutAfter> layout;  // set by the layout model
  // The thread ended inside the call (exit_group from another thread, a fatal signal): the
  // call has no result (strace prints "= ?") and made no mapping anyone can use.
  bool unfinished = false;

  bool is(Syscall s) const { return kind == EventKind::syscall && syscall == static_cast<int>(s); }
  // Where stack entry i's code was mapped from, when the BPF backend knew it; else null.
  const FrameFile* frame_file(size_t i) const { return i < stack_files.size() ? &stack_files[i] : nullptr; }
  const char* call_name() const;  // the name it has in its ABI: "mmap2" for i386 mmap2
  const char* abi() const { return ia32_syscall ? "ia32" : "x86_64"; }
  // The call returns an address (mmap, mremap, brk, shmat), not 0 or a count.
  bool returns_address() const {
    return is(Syscall::mmap) || is(Syscall::mremap) || is(Syscall::brk) || is(Syscall::shmat);
  }
  // The call failed: -errno, or brk(addr) that left the break elsewhere.
  bool failed() const;
};

}  // namespace ljmm::trace
