// A finding: something about a layout worth telling, with a stable id and the numbers behind it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ljmm/export.hpp"

namespace ljmm {

enum class Severity { info = 0, warning = 1, error = 2 };

LJMM_API const char* severity_name(Severity severity);  // "info", "warning", "error"
LJMM_API std::optional<Severity> parse_severity(std::string_view text);

enum class MetricUnit { bytes, count, address, ratio_percent };

struct LJMM_API Metric {
  std::string name;  // snake_case, stable: "brk_room_bytes"
  uint64_t value = 0;
  MetricUnit unit = MetricUnit::count;
};

struct LJMM_API Finding {
  std::string id;  // stable kebab-case: "brk-blocked", "malloc-mmap-fallback"
  Severity severity = Severity::info;
  std::string summary;      // one line with the key numbers
  std::string explanation;  // why it matters
  std::string fix;          // what to do about it
  std::string confidence;   // "high", "medium", "low": how sure the heuristic is
  std::vector<Metric> metrics;
  std::vector<uint64_t> region_starts;  // start addresses of the regions involved

  std::optional<uint64_t> metric(std::string_view name) const;
};

}  // namespace ljmm
