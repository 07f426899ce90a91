#include "trace/bpf_attach.hpp"

#include <fmt/format.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ljmm::trace::detail {

namespace {

bool exists(const char* path) { return ::access(path, F_OK) == 0; }

// The syscalls:* tracepoints need tracefs; mount it where libbpf looks when it is missing.
Status ensure_tracefs(const Log& log) {
  if (exists("/sys/kernel/tracing/events/syscalls") || exists("/sys/kernel/debug/tracing/events/syscalls")) return {};
  if (::mount("nodev", "/sys/kernel/tracing", "tracefs", 0, nullptr) != 0)
    return make_error(Errc::unsupported,
                      fmt::format("tracefs is not mounted and mounting it failed: {}", std::strerror(errno)));
  log("mounted tracefs at /sys/kernel/tracing for the syscalls tracepoints");
  if (!exists("/sys/kernel/tracing/events/syscalls/sys_enter_mmap"))
    return make_error(Errc::unsupported, "this kernel has no syscalls tracepoints (CONFIG_FTRACE_SYSCALLS)");
  return {};
}

}  // namespace

Result<AttachPlan> choose_attach(AttachChoice choice, const Log& log) {
  if (choice == AttachChoice::tp_btf) return AttachPlan{true, "tp_btf raw tracepoints, asked for with --attach"};
  Status tracefs = ensure_tracefs(log);
  if (choice == AttachChoice::tracepoint) {
    if (!tracefs) return tracefs.error();
    return AttachPlan{false, "syscalls tracepoints, asked for with --attach"};
  }
  // Other processes pay for tp_btf programs on each of their system calls (a call and the
  // number compared); the syscalls tracepoints run only on the four traced calls.
  if (tracefs)
    return AttachPlan{false, "syscalls tracepoints: the cheapest for other processes here (fexit is not built in)"};
  return AttachPlan{true, fmt::format("tp_btf raw tracepoints: the syscalls tracepoints are unavailable ({})",
                                      tracefs.error().message)};
}

}  // namespace ljmm::trace::detail
