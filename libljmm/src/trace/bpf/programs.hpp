// Which BPF programs a trace loads: each system-call program serves one call, named in its own
// name ("tp_enter_mprotect", "fexit_ia32_mmap2"), and is loaded only when its call is traced,
// its attach method was chosen, and this kernel has what it attaches to.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ljmm/trace.hpp"
#include "trace/bpf/attach.hpp"

struct bpf_program;
struct mmaptrace_bpf;

namespace ljmm::trace::detail {

// The call a program serves; nullopt for the programs of every call (fork, exec, exit, the raw
// sys_enter and sys_exit programs).
std::optional<Syscall> program_call(const bpf_program* program);

// The kernel functions of the fexit programs of the traced calls ("__x64_sys_mprotect").
std::vector<std::string> fexit_targets(const mmaptrace_bpf& skeleton, const CallSet& calls);

// What the chosen method cannot see on this kernel: calls whose tracepoint or entry point it
// lacks (mseal before 6.10). Such a call fails there with ENOSYS and changes nothing.
struct ProgramChoice {
  std::vector<std::string> calls_missing;  // "mseal", "ia32:mseal"
};

// Sets which programs load: those of `method` for the traced calls, less what the kernel lacks
// (`missing_functions`: fexit targets the probe did not find).
ProgramChoice choose_programs(mmaptrace_bpf& skeleton, Attach method, const CallSet& calls,
                              const std::vector<std::string>& missing_functions);

}  // namespace ljmm::trace::detail
