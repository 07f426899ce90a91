// What changed between two snapshots of a process: regions added, removed, grown, shrunk or
// changed, per-segment totals before and after, findings that appeared or disappeared.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "ljmm/analysis.hpp"

namespace ljmm {

inline constexpr std::string_view diff_schema = "ljmm.diff/v1";

enum class ChangeKind { added, removed, grown, shrunk, changed };
const char* change_kind_name(ChangeKind kind);

struct RegionChange {
  ChangeKind kind = ChangeKind::added;
  Region before;  // empty for added
  Region after;   // empty for removed
  Segment segment = Segment::mmap;
};

struct SnapshotDiff {
  std::vector<RegionChange> changes;  // by address
  PerSegment<SegmentTotal> before, after;
  std::vector<Finding> appeared, disappeared;
  std::string before_source, after_source;
};

// A region of B continues one of A when they overlap and have the same name and kind; it grew
// or shrank when its bounds moved, changed when its permissions did.
SnapshotDiff diff_snapshots(const Analysis& before, const Analysis& after);

}  // namespace ljmm
