// The findings half of diff_snapshots().
#pragma once

#include <vector>

#include "ljmm/diff.hpp"

namespace ljmm::detail {

// Fills diff.appeared, diff.disappeared and diff.changed; the n-th finding of an id before is
// compared with the n-th of that id after.
void diff_findings(const std::vector<Finding>& before, const std::vector<Finding>& after, SnapshotDiff& diff);

}  // namespace ljmm::detail
