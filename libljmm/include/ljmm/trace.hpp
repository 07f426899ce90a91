// Tracing mmap, munmap, mremap and brk of a process tree: the event, the options, the backends
// (eBPF, ptrace) and the sink that receives events. Renderers and the summary are in
// trace_report.hpp.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ljmm/result.hpp"

namespace ljmm::trace {

enum class EventKind { syscall, fork, exec, exit };
enum class Syscall : int { mmap = 9, munmap = 11, brk = 12, mremap = 25 };  // x86-64 numbers

// The traced system calls, in the order the summary lists them: the one list the backends, the
// names and the BPF program's numbers (static_assert in the decoder) all follow.
struct TracedSyscall {
  Syscall id;
  const char* name;
};
inline constexpr std::array<TracedSyscall, 4> traced_syscalls = {
    {{Syscall::mmap, "mmap"}, {Syscall::munmap, "munmap"}, {Syscall::mremap, "mremap"}, {Syscall::brk, "brk"}}};

// The i386 calls traced (from i386 programs, or int $0x80 in 64-bit code), each as the x86-64
// call it does: an event of one has that call as `syscall` and the i386 number as
// `ia32_syscall`. Old mmap's arguments are read from the block it points to; mmap2 keeps its
// offset in pages.
struct Ia32Syscall {
  int number;  // i386
  Syscall does;
  const char* name;
};
inline constexpr std::array<Ia32Syscall, 5> ia32_syscalls = {{{90, Syscall::mmap, "mmap"},
                                                              {192, Syscall::mmap, "mmap2"},
                                                              {91, Syscall::munmap, "munmap"},
                                                              {163, Syscall::mremap, "mremap"},
                                                              {45, Syscall::brk, "brk"}}};
inline constexpr int ia32_mmap2 = 192;

const char* syscall_name(int syscall);  // "mmap", ...; "?" for a call that is not traced
const char* event_kind_name(EventKind kind);

// The file a stack frame's code is mapped from, as the kernel saw it at the call, so a frame
// can be named after its process is gone. inode 0: not known.
struct FrameFile {
  uint64_t offset = 0;  // of the address in the file
  uint64_t inode = 0;
  uint32_t dev_major = 0;
  uint32_t dev_minor = 0;
};

struct Event {
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
  std::vector<uint64_t> stack;         // user return addresses, innermost first (--stack)
  std::vector<FrameFile> stack_files;  // one per stack entry when the BPF backend knows them
  // A file mmap's file: from /proc/PID/fd at the call (ptrace), else from the mapping made (BPF
  // reads it just after). Empty for anonymous maps, or when the process is already gone.
  std::string path;
  // The thread ended inside the call (exit_group from another thread, a fatal signal): the
  // call has no result (strace prints "= ?") and made no mapping anyone can use.
  bool unfinished = false;

  bool is(Syscall s) const { return kind == EventKind::syscall && syscall == static_cast<int>(s); }
  const char* call_name() const;  // the name it has in its ABI: "mmap2" for i386 mmap2
  const char* abi() const { return ia32_syscall ? "ia32" : "x86_64"; }
  // The call failed: -errno from mmap/munmap/mremap, or brk(addr) that left the break elsewhere.
  bool failed() const;
};

enum class BackendChoice { automatic, bpf, ptrace };
enum class AttachChoice { automatic, tp_btf, tracepoint };

struct Options {
  std::vector<int> pids;             // -p, may be several
  std::vector<std::string> command;  // after --
  double duration_seconds = 0;       // -d; 0: until the command and its grace end, or Ctrl-C
  // After the command exits, -p processes often have their work still ahead (nginx -s reload
  // only signals the master, which then reads its whole configuration again): the trace goes on
  // while they make traced calls or use CPU time, up to this long ...
  double grace_seconds = 120.0;
  double quiet_seconds = 2.0;  // ... and ends once they did neither for this long (--idle)
  bool follow_children = true;
  bool stacks = false;
  bool failed_only = false;
  BackendChoice backend = BackendChoice::automatic;
  AttachChoice attach = AttachChoice::automatic;
  size_t ring_bytes = 8 * 1024 * 1024;
  bool verbose = false;
};

// What a trace missed, by cause. Every place a drop can happen has its counter.
struct Losses {
  uint64_t ring_buffer = 0;     // events dropped: the ring buffer was full
  uint64_t entry_table = 0;     // calls not recorded: the table pairing entries with exits was full
  uint64_t traced_set = 0;      // forked processes left untraced: the traced set was full
  uint64_t ia32_arguments = 0;  // old mmap calls dropped: their argument block could not be read
  uint64_t x32_calls = 0;       // x32 calls of traced processes: x32 is not traced
  // Processes whose fork or exit event was among those dropped, found when user space caught up
  // with the kernel's traced set (already counted in ring_buffer).
  uint64_t out_of_step = 0;

  uint64_t total() const { return ring_buffer + entry_table + traced_set + ia32_arguments + x32_calls; }
};

// Receives events in the order the backend gets them. Called from the tracing thread.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void on_event(const Event& event) = 0;
  // Losses so far, while they happen: at most once a second.
  virtual void on_losses(const Losses&) {}
};

// Why a trace ended, for the summary: a trace cut short must say so.
enum class StopReason {
  command_done,    // the command exited and nothing else was traced
  targets_exited,  // -p only: every traced process exited
  idle,            // after the command, the other processes made no call and used no CPU for --idle
  grace,           // --grace ran out after the command exited
  duration,        // -d ran out
  interrupted,     // Ctrl-C or another signal
};
const char* stop_reason_name(StopReason reason);  // "command_done", ...

struct RunResult {
  StopReason stop_reason = StopReason::command_done;
  uint64_t stopped_at_ns = 0;  // since the trace started
  double limit_seconds = 0;    // the --grace, --idle or -d that ran out
  // Traced processes that were still making calls (or, for -p ones, using CPU time) within
  // --idle seconds before the end: their work may have been cut short.
  std::vector<uint32_t> busy_pids;

  std::string backend;         // "bpf" or "ptrace"
  std::string backend_reason;  // why it was chosen, one line
  std::string attach;          // BPF: "tracepoint" or "tp_btf"; empty with ptrace
  uint64_t events = 0;
  Losses losses;                 // never silent
  uint64_t lost_events() const { return losses.total(); }
  int command_exit = -1;         // the command's exit status when known, else -1
  bool command_running = false;  // the command outlived the trace and runs on, untraced
  // ptrace: processes under the backend's seccomp filter that outlived the trace. Without a
  // tracer each traced call of theirs would fail with ENOSYS, so they were ended (SIGKILL).
  std::vector<uint32_t> ended_processes;
  bool interrupted = false;  // stopped by a signal
};

// Messages for -v: what the backend decided (tracefs mounted, attach type, ...).
using Log = std::function<void(const std::string&)>;

// Set from a signal handler to stop the trace.
std::atomic<bool>& stop_requested();

// Runs the whole trace: picks the backend, starts the command (held until it is traced),
// delivers events to the sink, stops on exit, duration, grace or stop_requested().
Result<RunResult> run(const Options& options, Sink& sink, const Log& log);

}  // namespace ljmm::trace
