#include "trace/bpf/losses.hpp"

#include <bpf/libbpf.h>

#include <vector>

#include "mmaptrace.h"
#include "mmaptrace.skel.h"

namespace ljmm::trace::detail {

namespace {

uint64_t counter(const mmaptrace_bpf& skeleton, uint32_t key, std::vector<uint64_t>& values) {
  if (bpf_map__lookup_elem(skeleton.maps.counters, &key, sizeof key, values.data(), values.size() * sizeof(uint64_t),
                           0) != 0)
    return 0;
  uint64_t total = 0;
  for (uint64_t value : values) total += value;
  return total;
}

}  // namespace

Losses read_losses(const mmaptrace_bpf& skeleton) {
  Losses losses;
  int cpus = libbpf_num_possible_cpus();
  if (cpus <= 0) return losses;
  std::vector<uint64_t> values(static_cast<size_t>(cpus));
  losses.ring_buffer = counter(skeleton, MMT_LOST_RINGBUF, values);
  losses.entry_table = counter(skeleton, MMT_LOST_INFLIGHT, values);
  losses.traced_set = counter(skeleton, MMT_LOST_TRACED_FULL, values);
  losses.ia32_arguments = counter(skeleton, MMT_LOST_IA32_ARGS, values);
  losses.x32_calls = counter(skeleton, MMT_SKIPPED_X32, values);
  losses.activity_table = counter(skeleton, MMT_LOST_ACTIVITY_FULL, values);
  // MMT_LOST_USER_STACK is not a loss of events: such an event comes with an empty stack copy,
  // and user space counts it (StackStats::unreadable).
  static_assert(MMT_COUNTER_COUNT == 7, "a new counter needs its field in trace::Losses");
  return losses;
}

std::set<uint32_t> traced_in_kernel(const mmaptrace_bpf& skeleton) {
  std::set<uint32_t> tgids;
  uint32_t key = 0, next = 0;
  const void* previous = nullptr;  // null: the first key
  while (bpf_map__get_next_key(skeleton.maps.traced, previous, &next, sizeof next) == 0) {
    tgids.insert(next);
    key = next;
    previous = &key;
  }
  return tgids;
}

}  // namespace ljmm::trace::detail
