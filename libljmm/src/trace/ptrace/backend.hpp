#pragma once

#include "ljmm/trace.hpp"

namespace ljmm::trace::detail {

Result<RunResult> run_ptrace(const Options& options, Sink& sink, const Log& log);

}  // namespace ljmm::trace::detail
