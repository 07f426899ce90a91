// Tracing the calls that change the layout of a process tree (event.hpp): the options, the
// backends (eBPF, ptrace) and the sink that receives events. The summary is in
// trace_summary.hpp, what is printed in trace_report.hpp.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ljmm/event.hpp"
#include "ljmm/export.hpp"
#include "ljmm/film.hpp"
#include "ljmm/result.hpp"

namespace ljmm::trace {

// The most bytes of user stack a BPF event can carry (--stack-size).
inline constexpr uint32_t max_stack_bytes = 65536;

enum class BackendChoice { automatic, bpf, ptrace };

// Which calls carry a user stack, and how it is found (--stack).
enum class StackMode {
  off,
  frame_pointers,  // every call, walked through frame pointers (cheap; stops at code built without them)
  dwarf,           // the calls the summary needs (a failed brk, the mmap after one, a mapping placed at or
                   // just above the break), unwound with the binaries' CFI through libdw
  dwarf_all,       // every call, unwound with the CFI
};
inline bool uses_dwarf(StackMode mode) { return mode == StackMode::dwarf || mode == StackMode::dwarf_all; }
enum class AttachChoice { automatic, fexit, tracepoint, tp_btf };

// -a: every process the tracer's PID namespace sees, narrowed in the kernel (BPF only).
struct LJMM_API SystemWide {
  bool enabled = false;
  std::string comm;             // the process's name as in /proc/PID/comm (at most 15 bytes); empty: any
  std::optional<uint32_t> uid;  // real uid
  std::string cgroup;           // cgroup v2 path as in /proc/PID/cgroup ("/system.slice/nginx.service") and below
  bool counts_only = false;     // per-process counts kept in the kernel, no event per call
  double interval_seconds = 0;  // the ranking every so often (Sink::on_activity); 0: only at the end
};

struct LJMM_API Options {
  std::vector<int> pids;             // -p, may be several
  std::vector<std::string> command;  // after --
  CallSet calls = every_call();      // --calls: the calls traced
  double duration_seconds = 0;       // -d; 0: until the command and its grace end, or Ctrl-C
  // After the command exits, -p processes often have their work still ahead (nginx -s reload
  // only signals the master, which then reads its whole configuration again): the trace goes on
  // while they make traced calls or use CPU time, up to this long ...
  double grace_seconds = 120.0;
  double idle_seconds = 2.0;  // ... and ends once they did neither for this long (--idle)
  bool follow_children = true;
  StackMode stacks = StackMode::off;
  uint32_t stack_bytes = 8192;  // DWARF: bytes of the stack copied at each call (BPF), as perf's default
  size_t stack_depth = 64;      // frames kept per stack
  bool failed_only = false;
  BackendChoice backend = BackendChoice::automatic;
  AttachChoice attach = AttachChoice::automatic;
  size_t ring_bytes = 8 << 20;
  // How many processes the BPF programs follow at once: the traced set, and with -a the table of
  // per-process counts. Beyond it, what is missed is counted (traced_set, activity_table).
  uint32_t max_processes = 32768;
  // BPF: threads with a traced call in progress at once (the entry table; a thread keeps its
  // slot until it exits). Beyond it the calls are counted (entry_table). Not used with fexit.
  uint32_t max_threads = 65536;
  bool verbose = false;
  SystemWide system_wide;
};

// What a trace missed, by cause. Every place a drop can happen has its counter.
struct LJMM_API Losses {
  uint64_t ring_buffer = 0;     // events dropped: the ring buffer was full
  uint64_t entry_table = 0;     // calls not recorded: the table pairing entries with exits was full
  uint64_t traced_set = 0;      // forked processes left untraced: the traced set was full
  uint64_t ia32_arguments = 0;  // old mmap calls dropped: their argument block could not be read
  uint64_t x32_calls = 0;       // x32 calls of traced processes: x32 is not traced
  uint64_t activity_table = 0;  // system-wide: calls not counted because the per-process table was full
  // Processes whose fork or exit event was among those dropped, found when user space caught up
  // with the kernel's traced set (already counted in ring_buffer).
  uint64_t out_of_step = 0;

  uint64_t total() const {
    return ring_buffer + entry_table + traced_set + ia32_arguments + x32_calls + activity_table;
  }
};

// What one process did during a system-wide trace, counted in the kernel.
struct LJMM_API ProcessActivity {
  uint32_t pid = 0;       // in the tracer's PID namespace
  uint32_t host_pid = 0;  // in the initial PID namespace
  uint32_t uid = 0;
  std::string comm;
  std::array<uint64_t, traced_syscalls.size()> calls{};   // by call_index()
  std::array<uint64_t, traced_syscalls.size()> failed{};  // by call_index()
  uint64_t mapped_bytes = 0;
  uint64_t fallback_mmaps = 0;  // glibc malloc fallbacks: a failed brk, then an anonymous rw mmap
  uint64_t fallback_bytes = 0;
  bool exited = false;

  uint64_t brk_failures() const { return failed[call_index(Syscall::brk)]; }
  uint64_t total_calls() const;
  uint64_t total_failed() const;
};

// Worst first: failed brk, then fallback bytes, then failed calls, then calls.
LJMM_API void rank_activity(std::vector<ProcessActivity>& processes);

// Receives events in the order the backend gets them. Called from the tracing thread.
class LJMM_API Sink {
 public:
  virtual ~Sink() = default;
  virtual void on_event(const Event& event) = 0;
  // A traced process's layout, read from the kernel: when tracing began (-p), at an exec (the
  // new program's), in the order of the events around it (film.hpp says which apply to it).
  virtual void on_layout(const film::StartLayout&) {}
  // Losses so far, while they happen: at most once a second.
  virtual void on_losses(const Losses&) {}
  // System-wide: every process seen so far, ranked, every --interval seconds.
  virtual void on_activity(const std::vector<ProcessActivity>& /*ranked*/, uint64_t /*time_ns*/) {}
};

// What became of the user stacks unwound with the CFI: every stack that did not reach its
// outermost frame is counted by cause (the events themselves are kept).
struct LJMM_API StackStats {
  uint64_t unwound = 0;      // stacks unwound with the CFI
  uint64_t complete = 0;     // ... up to the outermost frame, or to --stack-depth frames
  uint64_t copy_short = 0;   // ... cut where the copied bytes end (a larger --stack-size reaches further)
  uint64_t failed = 0;       // ... cut for another reason (no CFI or module for a frame, process gone)
  uint64_t unreadable = 0;   // the kernel could not read the stack: no frames at all
  std::string last_failure;  // why the last failed one stopped
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
LJMM_API const char* stop_reason_name(StopReason reason);  // "command_done", ...

struct LJMM_API RunResult {
  StopReason stop_reason = StopReason::command_done;
  uint64_t stopped_at_ns = 0;  // since the trace started
  double limit_seconds = 0;    // the --grace, --idle or -d that ran out
  // Traced processes that were still making calls (or, for -p ones, using CPU time) within
  // --idle seconds before the end: their work may have been cut short.
  std::vector<uint32_t> busy_pids;

  std::string backend;         // "bpf" or "ptrace"
  std::string backend_reason;  // why it was chosen, one line
  std::string attach;          // BPF: "fexit", "tracepoint" or "tp_btf"; empty with ptrace
  CallSet calls = every_call();  // the calls traced (--calls)
  uint64_t events = 0;
  Losses losses;      // never silent
  StackStats stacks;  // with --stack (DWARF)
  uint64_t lost_events() const { return losses.total(); }
  int command_exit = -1;         // the command's exit status when known, else -1
  bool command_running = false;  // the command outlived the trace and runs on, untraced
  // ptrace: processes under the backend's seccomp filter that outlived the trace. Without a
  // tracer each traced call of theirs would fail with ENOSYS, so they were ended (SIGKILL).
  std::vector<uint32_t> ended_processes;
  bool interrupted = false;  // stopped by a signal
  // System-wide (-a): what the kernel counted for each process, ranked.
  bool system_wide = false;
  bool counts_only = false;
  std::vector<ProcessActivity> activity;
};

// Messages for -v: what the backend decided (tracefs mounted, attach type, ...).
using Log = std::function<void(const std::string&)>;

// Set from a signal handler to stop the trace.
LJMM_API std::atomic<bool>& stop_requested();

// Runs the whole trace: picks the backend, starts the command (held until it is traced),
// delivers events to the sink, stops on exit, duration, grace or stop_requested().
LJMM_API Result<RunResult> run(const Options& options, Sink& sink, const Log& log);

}  // namespace ljmm::trace
