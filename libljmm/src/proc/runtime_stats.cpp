#include "ljmm/runtime_stats.hpp"

#include <cstring>
#include <iterator>

#include "proc/memory.hpp"

namespace ljmm {

namespace {

constexpr RuntimeCounter counters[] = {
#define LJMM_RUNTIME_COUNTER(name, unit, what) {#name, &ljmm_stats::name, MetricUnit::unit},
    LJMM_STATS_COUNTERS(LJMM_RUNTIME_COUNTER)
#undef LJMM_RUNTIME_COUNTER
};
static_assert(sizeof(ljmm_stats) == std::size(counters) * sizeof(uint64_t), "every field of ljmm_stats is listed");

}  // namespace

std::span<const RuntimeCounter> runtime_counters() { return counters; }

const char* reserve_mode_name(uint32_t mode) {
  switch (mode) {
    case LJMM_RESERVE_BRK_BLOCK: return "brk-block";
    case LJMM_RESERVE_WINDOW: return "window";
    default: return "none";
  }
}

std::optional<RuntimeStats> read_runtime_stats(int pid, const std::vector<Region>& regions) {
  for (const Region& region : regions) {
    if (region.kind != RegionKind::file || region.path != LJMM_MEMFD_PATH(LJMM_STATS_MEMFD)) continue;
    ljmm_stats_page page{};
    if (!read_process_memory(pid, region.start, &page, sizeof page)) continue;
    if (std::memcmp(page.magic, LJMM_STATS_MAGIC, sizeof LJMM_STATS_MAGIC) != 0) continue;
    return RuntimeStats{page.window_start, page.window_end, page.reserve_mode, page.flags, page.stats};
  }
  return std::nullopt;
}

}  // namespace ljmm
