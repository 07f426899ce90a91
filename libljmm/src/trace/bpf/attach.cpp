#include "trace/bpf/attach.hpp"

#include <fmt/format.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "trace/bpf/fexit_probe.hpp"

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

const char* attach_name(Attach method) {
  switch (method) {
    case Attach::fexit: return "fexit";
    case Attach::tracepoint: return "tracepoint";
    case Attach::tp_btf: return "tp_btf";
  }
  return "?";
}

Result<AttachPlan> choose_attach(AttachChoice choice, const std::vector<std::string>& fexit_targets, const Log& log) {
  switch (choice) {
    case AttachChoice::tp_btf: return AttachPlan{Attach::tp_btf, "tp_btf raw tracepoints, asked for with --attach", {}};
    case AttachChoice::fexit: {
      auto fexit = probe_fexit(fexit_targets);
      if (!fexit) return make_error(Errc::unsupported, "fexit is not available: " + fexit.error().message);
      return AttachPlan{Attach::fexit, "fexit programs on the calls' entry points, asked for with --attach", *fexit};
    }
    case AttachChoice::tracepoint:
      if (Status tracefs = ensure_tracefs(log); !tracefs) return tracefs.error();
      return AttachPlan{Attach::tracepoint, "syscalls tracepoints, asked for with --attach", {}};
    case AttachChoice::automatic: break;
  }
  // fexit programs run only on the traced calls. Both other methods put a program on every
  // system call's exit; tp_btf one on every entry too, where the tracepoint method's entry
  // tracepoints run only on the four calls. Measured (docs/performance.md), that order holds
  // for other processes.
  auto fexit = probe_fexit(fexit_targets);
  if (fexit)
    return AttachPlan{Attach::fexit, "fexit programs on the calls' entry points: they cost other processes nothing",
                      *fexit};
  Status tracefs = ensure_tracefs(log);
  if (tracefs)
    return AttachPlan{Attach::tracepoint, fmt::format("syscalls tracepoints: the cheapest for other processes here "
                                                      "(fexit is not available: {})",
                                                      fexit.error().message),
                      {}};
  return AttachPlan{
      Attach::tp_btf,
      fmt::format("tp_btf raw tracepoints: fexit is not available ({}) nor are the syscalls tracepoints ({})",
                  fexit.error().message, tracefs.error().message),
      {}};
}

}  // namespace ljmm::trace::detail
