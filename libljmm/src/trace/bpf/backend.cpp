// The eBPF backend: open the skeleton, set the filters, load, seed the traced set, attach; then
// poll.cpp reads the ring buffer until the stop policy says so.
#include <bpf/libbpf.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <vector>

#include "ljmm/child_process.hpp"
#include "mmaptrace.h"
#include "mmaptrace.skel.h"
#include "trace/bpf/activity.hpp"
#include "trace/bpf/attach.hpp"
#include "trace/bpf/backend.hpp"
#include "trace/bpf/poll.hpp"
#include "trace/bpf/programs.hpp"
#include "trace/session/fallback.hpp"

namespace ljmm::trace::detail {

namespace {

using Skeleton = std::unique_ptr<mmaptrace_bpf, decltype(&mmaptrace_bpf::destroy)>;
using RingBuffer = std::unique_ptr<ring_buffer, decltype(&ring_buffer__free)>;

const Log* libbpf_log = nullptr;

int print_libbpf(enum libbpf_print_level level, const char* format, va_list args) {
  if (!libbpf_log || level == LIBBPF_DEBUG) return 0;
  char* line = nullptr;  // whole: a verifier log runs to thousands of lines, and its end says why
  int length = ::vasprintf(&line, format, args);
  if (length < 0) return 0;
  std::string text(line, static_cast<size_t>(length));
  std::free(line);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  (*libbpf_log)("libbpf: " + text);
  return length;
}

void set_bit(volatile unsigned long long* bits, int number) {
  bits[number / 64] = bits[number / 64] | (1ULL << (number % 64));
}

// The traced calls as the programs test them: a bit per x86-64 and per i386 number, the x86-64
// call of each i386 one, and -a's place for each call (255: not traced).
void configure_calls(mmaptrace_bpf& skeleton, const CallSet& calls) {
  auto& rodata = *skeleton.rodata;
  std::fill(std::begin(rodata.ia32_does), std::end(rodata.ia32_does), -1);
  std::fill(std::begin(rodata.call_slot), std::end(rodata.call_slot), 0xff);
  for (size_t i = 0; i < traced_syscalls.size(); ++i) {
    int number = static_cast<int>(traced_syscalls[i].id);
    rodata.call_slot[number] = static_cast<unsigned char>(i);
    if (calls.test(i)) set_bit(rodata.traced_x64, number);
  }
  for (const Ia32Syscall& call : ia32_syscalls) {
    if (!calls.test(call_index(call.does))) continue;
    set_bit(rodata.traced_ia32, call.number);
    rodata.ia32_does[call.number] = static_cast<int16_t>(call.does);
  }
}

size_t ring_size(size_t at_least) {
  size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE)), size = page;
  while (size < at_least) size <<= 1;  // a power-of-two number of pages
  return size;
}

// The traced set holds --max-processes processes; so does the per-process table with -a,
// which otherwise is not used (one entry, not megabytes of locked kernel memory). The entry
// table holds --max-threads threads.
std::optional<Error> size_tables(mmaptrace_bpf& skeleton, const Options& options) {
  uint32_t activity = options.system_wide.enabled ? options.max_processes : 1;
  if (bpf_map__set_max_entries(skeleton.maps.traced, options.max_processes) != 0 ||
      bpf_map__set_max_entries(skeleton.maps.activity, activity) != 0)
    return make_error(Errc::invalid_argument, fmt::format("--max-processes {}: refused", options.max_processes));
  if (bpf_map__set_max_entries(skeleton.maps.inflight, options.max_threads) != 0)
    return make_error(Errc::invalid_argument, fmt::format("--max-threads {}: refused", options.max_threads));
  return std::nullopt;
}

Error load_error(int error) {
  if (error == EPERM || error == EACCES)
    return make_error(Errc::not_permitted, "no BPF permission: loading needs root or CAP_BPF with CAP_PERFMON");
  return make_error(Errc::unsupported, fmt::format("loading the BPF program failed: {}", std::strerror(error)));
}

// DWARF stacks: which calls copy the stack, how much of it, and one record per CPU to build the
// event in (bpf/user_stack.bpf.h).
Status configure_user_stacks(mmaptrace_bpf& skeleton, const Options& options) {
  skeleton.rodata->user_stack_mode = options.stacks == StackMode::dwarf       ? MMT_USER_STACK_NEEDED
                                     : options.stacks == StackMode::dwarf_all ? MMT_USER_STACK_ALL
                                                                              : MMT_USER_STACK_OFF;
  if (options.stack_bytes == 0 || options.stack_bytes > MMT_USER_STACK_MAX || options.stack_bytes % 8 != 0)
    return make_error(Errc::invalid_argument, fmt::format("stack size {}: give a multiple of 8 up to {}",
                                                          options.stack_bytes, MMT_USER_STACK_MAX));
  skeleton.rodata->user_stack_bytes = options.stack_bytes;
  skeleton.rodata->near_break_bytes = near_break_bytes;
  int cpus = libbpf_num_possible_cpus();
  if (cpus <= 0) return make_error(Errc::unsupported, "cannot count the possible CPUs");
  // Without DWARF stacks the records are never used: one keeps the map small.
  uint32_t records = uses_dwarf(options.stacks) ? static_cast<uint32_t>(cpus) : 1;
  if (int error = bpf_map__set_max_entries(skeleton.maps.stack_records, records))
    return make_error(Errc::invalid_argument, fmt::format("stack records: {}", std::strerror(-error)));
  return {};
}

// The programs' constants, set before load: what to follow, which stacks, the PID namespace,
// -a's filters, the attach method's programs and the tables' sizes. Returns -a's cgroup.
Result<UniqueFd> configure(mmaptrace_bpf& skeleton, const Options& options, const AttachPlan& plan, const Log& log) {
  skeleton.rodata->follow_children = options.follow_children;
  skeleton.rodata->capture_stack = options.stacks == StackMode::frame_pointers;
  // Kernels before 5.17 lack the helper, and the verifier never sees the call when this is false.
  // libbpf cannot probe helpers of tp_btf programs; they get the same helpers as tracepoints.
  skeleton.rodata->find_vma_available =
      libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_find_vma, nullptr) == 1;
  skeleton.rodata->frame_files = options.stacks != StackMode::off && skeleton.rodata->find_vma_available;
  configure_calls(skeleton, options.calls);
  if (Status stacks = configure_user_stacks(skeleton, options); !stacks) return stacks.error();
  skeleton.rodata->failed_only = options.failed_only;
  // Pids are given and printed in our own PID namespace; the programs key on it.
  if (struct stat ns{}; ::stat("/proc/self/ns/pid", &ns) == 0) {
    skeleton.rodata->pidns_dev = ns.st_dev;
    skeleton.rodata->pidns_ino = ns.st_ino;
  } else {
    log(fmt::format("no /proc/self/ns/pid ({}): keying on host pids", std::strerror(errno)));
  }
  UniqueFd cgroup;
  if (options.system_wide.enabled) {
    auto configured = configure_system_wide(skeleton, options.system_wide, log);
    if (!configured) return configured.error();
    cgroup = std::move(configured).value();
  }
  ProgramChoice programs = choose_programs(skeleton, plan.method, options.calls, plan.missing_functions);
  if (!programs.calls_missing.empty())
    log(fmt::format("this kernel has no {} for {}: such calls fail with ENOSYS here and change nothing",
                    plan.method == Attach::fexit ? "entry point" : "tracepoint", fmt::join(programs.calls_missing, ", ")));
  skeleton.rodata->ring_bytes = ring_size(options.ring_bytes);
  if (int error = bpf_map__set_max_entries(skeleton.maps.events, static_cast<uint32_t>(ring_size(options.ring_bytes))))
    return make_error(Errc::invalid_argument, fmt::format("ring buffer size: {}", std::strerror(-error)));
  if (auto error = size_tables(skeleton, options)) return *error;
  return cgroup;
}

// Said with -v: how stacks are copied and how their frames are named, on this kernel.
void log_stack_method(const mmaptrace_bpf& skeleton, const Options& options, const Log& log) {
  if (uses_dwarf(options.stacks))
    log(fmt::format("stack copies of up to {} bytes{}", options.stack_bytes,
                    skeleton.rodata->frame_files
                        ? ", clamped to the stack mapping (bpf_find_vma)"
                        : " (no bpf_find_vma before 5.17: a copy past the stack's end fails)"));
  if (options.stacks == StackMode::frame_pointers)
    log(skeleton.rodata->frame_files ? "stack frames: files named by the kernel at each call (bpf_find_vma)"
                                     : "stack frames: named from /proc/PID/maps (no bpf_find_vma before 5.17)");
}

void trace_in_kernel(mmaptrace_bpf& skeleton, uint32_t pid) {
  uint8_t yes = 1;
  bpf_map__update_elem(skeleton.maps.traced, &pid, sizeof pid, &yes, sizeof yes, BPF_ANY);
}

// The -p processes and the command (started, held before its exec) in the kernel's traced set.
Result<Targets> seed_targets(mmaptrace_bpf& skeleton, const Options& options) {
  Targets targets;
  for (int pid : options.pids) {
    trace_in_kernel(skeleton, static_cast<uint32_t>(pid));
    targets.traced.add(static_cast<uint32_t>(pid));
  }
  if (options.command.empty()) return targets;
  auto child = spawn(options.command, SpawnOptions{.hold_before_exec = true});
  if (!child) return child.error();
  targets.command = std::move(child).value();
  targets.command_pid = static_cast<uint32_t>(targets.command->pid());
  if (!options.system_wide.enabled) {  // system-wide, every process is traced already
    trace_in_kernel(skeleton, targets.command_pid);
    targets.traced.add(targets.command_pid);
  }
  return targets;
}

}  // namespace

// The steps of libbpf-bootstrap's tools: open, configure, load, seed, attach, poll.
Result<RunResult> run_bpf(const Options& options, Sink& sink, const Log& log) {
  libbpf_log = options.verbose ? &log : nullptr;
  libbpf_set_print(print_libbpf);

  // The fork, exec and exit programs are tp_btf, and the rest relocate with CO-RE: without kernel
  // BTF nothing could follow the process tree (classic tracepoints cannot tell threads apart).
  if (::access("/sys/kernel/btf/vmlinux", F_OK) != 0)
    return make_error(Errc::unsupported, "no kernel BTF (/sys/kernel/btf/vmlinux), which the BPF programs need");
  Skeleton skeleton(mmaptrace_bpf::open(), &mmaptrace_bpf::destroy);
  if (!skeleton) return load_error(errno);
  auto plan = choose_attach(options.attach, fexit_targets(*skeleton, options.calls), log);
  if (!plan) return plan.error();
  auto cgroup = configure(*skeleton, options, *plan, log);
  if (!cgroup) return cgroup.error();
  if (int error = mmaptrace_bpf::load(skeleton.get())) return load_error(-error);
  if (Status filtered = set_cgroup_filter(*skeleton, *cgroup); !filtered) return filtered.error();
  log_stack_method(*skeleton, options, log);
  auto targets = seed_targets(*skeleton, options);
  if (!targets) return targets.error();
  if (int error = mmaptrace_bpf::attach(skeleton.get()))
    return make_error(Errc::unsupported, fmt::format("attaching the BPF programs failed: {}", std::strerror(-error)));
  // Said once the programs are attached: from here on nothing a target does is missed.
  log(fmt::format("attached with {} (ring buffer {} bytes)", plan->why, ring_size(options.ring_bytes)));
  auto result = poll_until_stopped(*skeleton, options, sink, *targets, log);
  if (result) result->attach = attach_name(plan->method);
  return result;
}

}  // namespace ljmm::trace::detail
