// What the BPF programs count as lost (the per-CPU "counters" map), and the traced set as the
// kernel holds it, for user space to catch up after fork or exit events were dropped.
#pragma once

#include <cstdint>
#include <set>

#include "ljmm/trace.hpp"

struct mmaptrace_bpf;

namespace ljmm::trace::detail {

// The kernel's counters, summed over CPUs (out_of_step is user space's: left 0).
Losses read_losses(const mmaptrace_bpf& skeleton);

// The tgids in the kernel's traced set.
std::set<uint32_t> traced_in_kernel(const mmaptrace_bpf& skeleton);

}  // namespace ljmm::trace::detail
