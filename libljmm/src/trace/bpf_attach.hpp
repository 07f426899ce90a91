// How the BPF programs see system calls, chosen by probing: the way that costs the rest of the
// host least, unless --attach forces one.
#pragma once

#include <string>

#include "ljmm/trace.hpp"

namespace ljmm::trace::detail {

struct AttachPlan {
  bool raw = false;  // tp_btf raw tracepoints; else the syscalls:* tracepoints
  std::string why;   // one line, for -v
};

// Cheapest first: fexit (not built in this version), then the syscalls:* tracepoints (tracefs,
// mounted when missing), then tp_btf with its early filter on the call number.
Result<AttachPlan> choose_attach(AttachChoice choice, const Log& log);

}  // namespace ljmm::trace::detail
