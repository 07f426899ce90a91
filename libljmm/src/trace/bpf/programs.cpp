#include "trace/bpf/programs.hpp"

#include <bpf/libbpf.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <string_view>

#include "mmaptrace.skel.h"

namespace ljmm::trace::detail {

namespace {

constexpr std::string_view tracepoint_prefix = "tp_enter_";
constexpr std::string_view fexit_prefix = "fexit_";
constexpr std::string_view fentry_prefix = "fentry_";
constexpr std::string_view ia32_prefix = "ia32_";
constexpr std::string_view fexit_section = "fexit/";

bool starts(std::string_view text, std::string_view prefix) { return text.starts_with(prefix); }

// "mprotect" or "ia32_mmap2" after the program's kind; "" for the programs of every call.
std::string_view call_part(std::string_view name) {
  for (std::string_view prefix : {tracepoint_prefix, fexit_prefix, fentry_prefix})
    if (starts(name, prefix)) return name.substr(prefix.size());
  return {};
}

bool is_ia32(const bpf_program* program) { return starts(call_part(bpf_program__name(program)), ia32_prefix); }

bool tracepoint_exists(std::string_view call) {
  for (const char* root : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"})
    if (::access(fmt::format("{}/events/syscalls/sys_enter_{}", root, call).c_str(), F_OK) == 0) return true;
  return false;
}

std::string_view fexit_target(const bpf_program* program) {
  std::string_view section = bpf_program__section_name(program);
  return starts(section, fexit_section) ? section.substr(fexit_section.size()) : std::string_view();
}

}  // namespace

std::optional<Syscall> program_call(const bpf_program* program) {
  std::string_view call = call_part(bpf_program__name(program));
  if (call.empty()) return std::nullopt;
  if (starts(call, ia32_prefix)) {
    call.remove_prefix(ia32_prefix.size());
    for (const Ia32Syscall& ia32 : ia32_syscalls)
      if (call == ia32.name) return ia32.does;
    return std::nullopt;
  }
  return syscall_named(call);
}

std::vector<std::string> fexit_targets(const mmaptrace_bpf& skeleton, const CallSet& calls) {
  std::vector<std::string> targets;
  bpf_program* program = nullptr;
  while ((program = bpf_object__next_program(skeleton.obj, program))) {
    std::optional<Syscall> call = program_call(program);
    std::string_view target = fexit_target(program);
    if (call && !target.empty() && calls.test(call_index(*call))) targets.emplace_back(target);
  }
  return targets;
}

ProgramChoice choose_programs(mmaptrace_bpf& skeleton, Attach method, const CallSet& calls,
                              const std::vector<std::string>& missing_functions) {
  ProgramChoice choice;
  bpf_program* program = nullptr;
  while ((program = bpf_object__next_program(skeleton.obj, program))) {
    std::string_view name = bpf_program__name(program);
    std::optional<Syscall> call = program_call(program);
    bool traced = call && calls.test(call_index(*call));
    bool load = false;
    if (starts(name, tracepoint_prefix)) {
      load = method == Attach::tracepoint && traced && tracepoint_exists(call_part(name));
      if (method == Attach::tracepoint && traced && !load) choice.calls_missing.emplace_back(call_part(name));
    } else if (starts(name, fexit_prefix) || starts(name, fentry_prefix)) {
      // An fentry program shares its fexit twin's function: "fentry/X" beside "fexit/X".
      std::string_view section = bpf_program__section_name(program);
      std::string target(section.substr(section.find('/') + 1));
      bool missing = std::find(missing_functions.begin(), missing_functions.end(), target) != missing_functions.end();
      load = method == Attach::fexit && traced && !missing;
      if (method == Attach::fexit && traced && missing && starts(name, fexit_prefix))
        choice.calls_missing.push_back(fmt::format("{}{}", is_ia32(program) ? "ia32:" : "", syscall_name(static_cast<int>(*call))));
    } else {
      continue;  // the process tree's programs, and the raw ones below
    }
    bpf_program__set_autoload(program, load);
  }
  bpf_program__set_autoload(skeleton.progs.tracepoint_sys_exit, method == Attach::tracepoint);
  bpf_program__set_autoload(skeleton.progs.raw_sys_enter, method == Attach::tp_btf);
  bpf_program__set_autoload(skeleton.progs.raw_sys_exit, method == Attach::tp_btf);
  // Only the fentry programs use the calls' start times; kernels before 5.11 could not create the map.
  bpf_map__set_autocreate(skeleton.maps.call_start, method == Attach::fexit);
  return choice;
}

}  // namespace ljmm::trace::detail
