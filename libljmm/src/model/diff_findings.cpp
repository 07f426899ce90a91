// The findings half of a snapshot diff: which appeared, which disappeared, and which kept their
// id while their numbers moved; and the times of the two snapshots, for people.
#include <fmt/format.h>
#include <time.h>

#include <map>

#include "ljmm/units.hpp"
#include "model/diff_findings.hpp"

namespace ljmm {

std::string format_unix_ms(int64_t unix_ms) {
  time_t seconds = static_cast<time_t>(unix_ms / 1000);
  struct tm utc {};
  if (!gmtime_r(&seconds, &utc)) return fmt::format("{} ms", unix_ms);
  char text[32];
  strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &utc);
  return text;
}

std::string format_duration_ms(int64_t ms) {
  std::string sign = ms < 0 ? "-" : "";
  uint64_t magnitude = ms < 0 ? static_cast<uint64_t>(-(ms + 1)) + 1 : static_cast<uint64_t>(ms);
  if (magnitude < 1000) return fmt::format("{}{} ms", sign, magnitude);
  if (magnitude < 60'000) return fmt::format("{}{:.1f} s", sign, static_cast<double>(magnitude) / 1000);
  uint64_t seconds = magnitude / 1000;
  if (seconds < 3600) return fmt::format("{}{} min {} s", sign, seconds / 60, seconds % 60);
  if (seconds < 86400) return fmt::format("{}{} h {} min", sign, seconds / 3600, seconds / 60 % 60);
  return fmt::format("{}{} d {} h", sign, seconds / 86400, seconds / 3600 % 24);
}

std::string format_metric_value(MetricUnit unit, uint64_t value) {
  switch (unit) {
    case MetricUnit::bytes: return format_size(value);
    case MetricUnit::address: return format_address_short(value);
    case MetricUnit::ratio_percent: return fmt::format("{}%", value);
    case MetricUnit::count: return std::to_string(value);
  }
  return std::to_string(value);
}

namespace {

// The n-th finding of each id: an id can repeat (one low-window-budget per window).
std::map<std::pair<std::string, size_t>, const Finding*> by_id(const std::vector<Finding>& findings) {
  std::map<std::pair<std::string, size_t>, const Finding*> map;
  std::map<std::string, size_t> seen;
  for (const Finding& finding : findings) map[{finding.id, seen[finding.id]++}] = &finding;
  return map;
}

std::optional<FindingChange> compare(const Finding& before, const Finding& after) {
  FindingChange change{before.id, before.severity, after.severity, {}};
  for (const Metric& metric : before.metrics) {
    std::optional<uint64_t> now = after.metric(metric.name);
    if (now && *now != metric.value) change.metrics.push_back({metric, *now});
  }
  if (change.metrics.empty() && before.severity == after.severity) return std::nullopt;
  return change;
}

}  // namespace

void detail::diff_findings(const std::vector<Finding>& before, const std::vector<Finding>& after, SnapshotDiff& diff) {
  auto old_findings = by_id(before), new_findings = by_id(after);
  for (const auto& [key, finding] : new_findings) {
    auto was = old_findings.find(key);
    if (was == old_findings.end()) {
      diff.appeared.push_back(*finding);
    } else if (auto change = compare(*was->second, *finding)) {
      diff.changed.push_back(std::move(*change));
    }
  }
  for (const auto& [key, finding] : old_findings)
    if (!new_findings.count(key)) diff.disappeared.push_back(*finding);
}

}  // namespace ljmm
