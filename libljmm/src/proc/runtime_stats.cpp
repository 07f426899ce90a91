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

constexpr const char* reserve_mode_names[] = LJMM_RESERVE_MODE_NAMES;

constexpr RuntimeFlag flags[] = {{"noreplace_unsupported", LJMM_FLAG_NOREPLACE_UNSUPPORTED},
                                 {"fixed_unsupported", LJMM_FLAG_FIXED_UNSUPPORTED}};

}  // namespace

std::span<const RuntimeCounter> runtime_counters() { return counters; }
std::span<const RuntimeFlag> runtime_flags() { return flags; }

// An unknown mode (a newer runtime's) reads as "none", as before there were names for it.
const char* reserve_mode_name(uint32_t mode) {
  return mode < std::size(reserve_mode_names) ? reserve_mode_names[mode] : reserve_mode_names[LJMM_RESERVE_NONE];
}

std::optional<uint32_t> parse_reserve_mode(std::string_view name) {
  for (uint32_t mode = 0; mode < std::size(reserve_mode_names); ++mode)
    if (name == reserve_mode_names[mode]) return mode;
  return std::nullopt;
}

std::optional<RuntimeStats> read_runtime_stats(int pid, const std::vector<Region>& regions) {
  for (const Region& region : regions) {
    if (region.kind != RegionKind::file || region.path != LJMM_MEMFD_PATH(LJMM_STATS_MEMFD)) continue;
    ljmm_stats_page page{};
    if (!detail::read_process_memory(pid, region.start, &page, sizeof page)) continue;
    if (std::memcmp(page.magic, LJMM_STATS_MAGIC, sizeof LJMM_STATS_MAGIC) != 0) continue;
    return RuntimeStats{page.window_start, page.window_end, page.reserve_mode, page.flags, page.stats};
  }
  return std::nullopt;
}

}  // namespace ljmm
