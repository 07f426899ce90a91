// The BPF program's ring-buffer records (struct mmt_event in bpf/mmaptrace.h) as Events.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ljmm/trace.hpp"

namespace ljmm::trace::detail {

// Decodes one record (with or without its stack) into an Event timed from start_ns. Errors on a
// record too short to be one.
Result<Event> decode_bpf_event(const void* data, size_t size, uint64_t start_ns);

}  // namespace ljmm::trace::detail
