#include <algorithm>

#include "ljmm/diff.hpp"
#include "model/diff_findings.hpp"

namespace ljmm {

const char* change_kind_name(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::added: return "added";
    case ChangeKind::removed: return "removed";
    case ChangeKind::grown: return "grown";
    case ChangeKind::shrunk: return "shrunk";
    case ChangeKind::changed: return "changed";
  }
  return "?";
}

namespace {

bool same_mapping(const Region& a, const Region& b) {
  return a.kind == b.kind && a.path == b.path && a.start < b.end && b.start < a.end;
}

std::string source_text(const Analysis& analysis) {
  std::string text = analysis.snapshot.source.description();
  if (analysis.snapshot.taken_at_unix_ms) text += " at " + format_unix_ms(analysis.snapshot.taken_at_unix_ms);
  return text;
}

}  // namespace

SnapshotDiff diff_snapshots(const Analysis& before, const Analysis& after) {
  SnapshotDiff diff;
  diff.before_source = source_text(before);
  diff.after_source = source_text(after);
  const auto& old_regions = before.snapshot.regions;
  const auto& new_regions = after.snapshot.regions;
  std::vector<bool> matched(old_regions.size(), false);
  for (size_t j = 0; j < new_regions.size(); ++j) {
    const Region& now = new_regions[j];
    // Regions are sorted: only those starting before this one's end can overlap it.
    size_t i = region_at_or_above(old_regions, now.start);
    for (; i < old_regions.size() && old_regions[i].start < now.end; ++i)
      if (!matched[i] && same_mapping(old_regions[i], now)) break;
    Segment segment = after.layout.segment_of[j];
    if (i >= old_regions.size() || old_regions[i].start >= now.end) {
      diff.changes.push_back({ChangeKind::added, {}, now, segment});
      continue;
    }
    matched[i] = true;
    const Region& was = old_regions[i];
    if (was.start == now.start && was.end == now.end) {
      if (!(was.perms == now.perms)) diff.changes.push_back({ChangeKind::changed, was, now, segment});
      continue;
    }
    diff.changes.push_back({now.size() >= was.size() ? ChangeKind::grown : ChangeKind::shrunk, was, now, segment});
  }
  for (size_t i = 0; i < old_regions.size(); ++i)
    if (!matched[i]) diff.changes.push_back({ChangeKind::removed, old_regions[i], {}, before.layout.segment_of[i]});
  std::stable_sort(diff.changes.begin(), diff.changes.end(), [](const RegionChange& a, const RegionChange& b) {
    uint64_t x = a.kind == ChangeKind::removed ? a.before.start : a.after.start;
    uint64_t y = b.kind == ChangeKind::removed ? b.before.start : b.after.start;
    return x < y;
  });
  diff.before = before.layout.totals;
  diff.after = after.layout.totals;

  detail::diff_findings(before.findings(), after.findings(), diff);
  if (before.snapshot.taken_at_unix_ms && after.snapshot.taken_at_unix_ms)
    diff.elapsed_ms = after.snapshot.taken_at_unix_ms - before.snapshot.taken_at_unix_ms;
  return diff;
}

}  // namespace ljmm
