#pragma once

#include "ljmm/trace.hpp"

namespace ljmm::trace::detail {

// Errc::not_permitted when the kernel refuses to load BPF (the automatic choice then uses
// ptrace), Errc::unsupported when the kernel lacks what the programs need.
Result<RunResult> run_bpf(const Options& options, Sink& sink, const Log& log);

}  // namespace ljmm::trace::detail
