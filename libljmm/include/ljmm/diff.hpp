// What changed between two snapshots of a process: regions added, removed, grown, shrunk or
// changed, per-segment totals before and after, findings that appeared or disappeared.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "ljmm/analysis.hpp"
#include "ljmm/export.hpp"

namespace ljmm {

inline constexpr std::string_view diff_schema = "ljmm.diff/v1";

enum class ChangeKind { added, removed, grown, shrunk, changed };
LJMM_API const char* change_kind_name(ChangeKind kind);

struct LJMM_API RegionChange {
  ChangeKind kind = ChangeKind::added;
  Region before;  // empty for added
  Region after;   // empty for removed
  Segment segment = Segment::mmap;
};

// A finding present before and after whose numbers or severity moved: "the same id" can hide
// fallback memory that doubled.
struct LJMM_API MetricChange {
  Metric before;
  uint64_t after = 0;
};
struct LJMM_API FindingChange {
  std::string id;
  Severity severity_before = Severity::info;
  Severity severity_after = Severity::info;
  std::vector<MetricChange> metrics;  // only those whose value changed
};

struct LJMM_API SnapshotDiff {
  std::vector<RegionChange> changes;  // by address
  PerSegment<SegmentTotal> before, after;
  std::vector<Finding> appeared, disappeared;
  std::vector<FindingChange> changed;
  std::string before_source, after_source;  // "pid 12 at 2026-11-23 23:05:13 UTC"
  std::optional<int64_t> elapsed_ms;        // after minus before, when both times are known
};

// "2026-11-23 23:05:13 UTC" for a Unix time in milliseconds.
LJMM_API std::string format_unix_ms(int64_t unix_ms);
// "3.2 s", "2 min 5 s", "1 h 4 min": a duration for people.
LJMM_API std::string format_duration_ms(int64_t ms);
// A metric's value as its unit says: "1.5 MiB", "12", "0x7f...", "40%".
LJMM_API std::string format_metric_value(MetricUnit unit, uint64_t value);

// A region of B continues one of A when they overlap and have the same name and kind; it grew
// or shrank when its bounds moved, changed when its permissions did.
LJMM_API SnapshotDiff diff_snapshots(const Analysis& before, const Analysis& after);

}  // namespace ljmm
