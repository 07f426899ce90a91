// Reading the ljmm runtime's counters out of a live process: the runtime keeps them in a shared
// page of the memfd LJMM_STATS_MEMFD ("ljmm-runtime-stats"), which shows in /proc/PID/maps.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "ljmm/export.hpp"
#include "ljmm/finding.hpp"
#include "ljmm/maps.hpp"
#include "ljmm/runtime.h"

namespace ljmm {

struct LJMM_API RuntimeStats {
  uint64_t window_start = 0;
  uint64_t window_end = 0;
  uint32_t reserve_mode = 0;
  uint32_t flags = 0;
  ljmm_stats counters{};
};

// The counters by name, in the order of struct ljmm_stats (LJMM_STATS_COUNTERS in runtime.h): one
// list for JSON, text, metrics and reading back.
struct LJMM_API RuntimeCounter {
  std::string_view name;
  uint64_t ljmm_stats::*member;
  MetricUnit unit;  // count or bytes
};
LJMM_API std::span<const RuntimeCounter> runtime_counters();
LJMM_API const char* reserve_mode_name(uint32_t mode);  // LJMM_RESERVE_MODE_NAMES: "none", "brk-block", "window"
LJMM_API std::optional<uint32_t> parse_reserve_mode(std::string_view name);  // nullopt for a name not listed

// The LJMM_FLAG_* bits by name ("fixed_unsupported"), for JSON written and read back.
struct LJMM_API RuntimeFlag {
  std::string_view name;
  uint32_t flag;
};
LJMM_API std::span<const RuntimeFlag> runtime_flags();

// nullopt when the process does not run the ljmm runtime (or hides its memory from us).
LJMM_API std::optional<RuntimeStats> read_runtime_stats(int pid, const std::vector<Region>& regions);

}  // namespace ljmm
