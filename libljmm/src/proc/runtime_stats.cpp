#include "ljmm/runtime_stats.hpp"

#include <cstring>

#include "proc/memory.hpp"

namespace ljmm {

const std::vector<RuntimeCounter>& runtime_counters() {
  static const std::vector<RuntimeCounter> counters = {
      {"calls", &ljmm_stats::calls},
      {"low_requests", &ljmm_stats::low_requests},
      {"fast_path", &ljmm_stats::fast_path},
      {"fallbacks", &ljmm_stats::fallbacks},
      {"outside_window", &ljmm_stats::outside_window},
      {"failures", &ljmm_stats::failures},
      {"retries", &ljmm_stats::retries},
      {"bytes_placed", &ljmm_stats::bytes_placed},
      {"scans", &ljmm_stats::scans},
      {"unmaps_in_window", &ljmm_stats::unmaps_in_window},
      {"remaps_in_window", &ljmm_stats::remaps_in_window},
      {"returned_to_reserve", &ljmm_stats::returned_to_reserve},
      {"reserved_bytes", &ljmm_stats::reserved_bytes},
      {"near_requests", &ljmm_stats::near_requests},
      {"near_failures", &ljmm_stats::near_failures},
  };
  return counters;
}

const char* reserve_mode_name(uint32_t mode) {
  switch (mode) {
    case LJMM_RESERVE_BRK_BLOCK: return "brk-block";
    case LJMM_RESERVE_WINDOW: return "window";
    default: return "none";
  }
}

std::optional<RuntimeStats> read_runtime_stats(int pid, const std::vector<Region>& regions) {
  for (const Region& region : regions) {
    if (region.kind != RegionKind::file || region.path != "/memfd:ljmm-runtime-stats") continue;
    ljmm_stats_page page{};
    if (!read_process_memory(pid, region.start, &page, sizeof page)) continue;
    if (std::memcmp(page.magic, LJMM_STATS_MAGIC, sizeof LJMM_STATS_MAGIC) != 0) continue;
    return RuntimeStats{page.window_start, page.window_end, page.reserve_mode, page.flags, page.stats};
  }
  return std::nullopt;
}

}  // namespace ljmm
