// How the BPF programs see system calls, chosen by probing: the way that costs the rest of the
// host least, unless --attach forces one.
#pragma once

#include <string>
#include <vector>

#include "ljmm/trace.hpp"

namespace ljmm::trace::detail {

enum class Attach { fexit, tracepoint, tp_btf };

struct AttachPlan {
  Attach method = Attach::tracepoint;
  std::string why;  // one line, for -v
  std::vector<std::string> missing_functions;  // fexit: entry points this kernel lacks (newer calls)
};

// "fexit", "tracepoint", "tp_btf": the summary's attach field.
const char* attach_name(Attach method);

// Cheapest for other processes first: fexit programs on the calls' entry points (`fexit_targets`,
// each probed), then the syscalls:* tracepoints (tracefs, mounted when missing), then tp_btf with
// its early filter on the call number.
Result<AttachPlan> choose_attach(AttachChoice choice, const std::vector<std::string>& fexit_targets, const Log& log);

}  // namespace ljmm::trace::detail
