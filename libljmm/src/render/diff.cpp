// A snapshot diff for people (what a reload did to the master) and as ljmm.diff/v1 JSON.
#include <fmt/format.h>

#include <algorithm>

#include "json/findings.hpp"
#include "json/writer.hpp"
#include "ljmm/diff.hpp"
#include "ljmm/units.hpp"
#include "render/style.hpp"

namespace ljmm {

namespace {

std::string name_of(const Region& region) {
  std::string label = region.label();
  return label.empty() ? "[anon]" : label;
}

std::string signed_size(uint64_t before, uint64_t after) {
  return after >= before ? "+" + format_size(after - before) : "-" + format_size(before - after);
}

size_t count(const SnapshotDiff& diff, ChangeKind kind) {
  return static_cast<size_t>(
      std::count_if(diff.changes.begin(), diff.changes.end(), [&](const RegionChange& c) { return c.kind == kind; }));
}

// "malloc-mmap-fallback (warning -> error): fallback_bytes 329 MiB -> 657 MiB (+328 MiB), ..."
std::string finding_change_text(const FindingChange& change) {
  std::string severity = severity_name(change.severity_after);
  if (change.severity_before != change.severity_after)
    severity = fmt::format("{} -> {}", severity_name(change.severity_before), severity);
  std::string text = fmt::format("{} ({})", change.id, severity);
  const char* separator = ": ";
  for (const MetricChange& metric : change.metrics) {
    MetricUnit unit = metric.before.unit;
    text += fmt::format("{}{} {} -> {}", separator, metric.before.name, format_metric_value(unit, metric.before.value),
                        format_metric_value(unit, metric.after));
    if (unit == MetricUnit::bytes) text += " (" + signed_size(metric.before.value, metric.after) + ")";
    separator = ", ";
  }
  return text;
}

}  // namespace

std::string diff_text(const SnapshotDiff& diff, bool color) {
  detail::TextStyle style(color);
  std::string out = style.bold("Diff") + fmt::format(": {}\n   -> {}", diff.before_source, diff.after_source);
  if (diff.elapsed_ms) out += fmt::format(" ({} later)", format_duration_ms(*diff.elapsed_ms));
  out += "\n\n";
  out += style.bold("Regions") + fmt::format(": {} added, {} removed, {} grown, {} shrunk, {} changed\n",
                                             count(diff, ChangeKind::added), count(diff, ChangeKind::removed),
                                             count(diff, ChangeKind::grown), count(diff, ChangeKind::shrunk),
                                             count(diff, ChangeKind::changed));
  for (const RegionChange& change : diff.changes) {
    const Region& shown = change.kind == ChangeKind::removed ? change.before : change.after;
    std::string detail;
    switch (change.kind) {
      case ChangeKind::added: detail = format_size(shown.size()); break;
      case ChangeKind::removed: detail = format_size(shown.size()); break;
      case ChangeKind::grown:
      case ChangeKind::shrunk:
        detail = fmt::format("{} -> {} ({})", format_size(change.before.size()), format_size(change.after.size()),
                             signed_size(change.before.size(), change.after.size()));
        break;
      case ChangeKind::changed:
        detail = fmt::format("{} -> {}", change.before.perms.str(), change.after.perms.str());
        break;
    }
    const char* mark = change.kind == ChangeKind::added ? "+" : change.kind == ChangeKind::removed ? "-" : "~";
    out += fmt::format("  {} {:<8} {} {:<4} {:<28} {} {}\n", mark, change_kind_name(change.kind),
                       format_address(shown.start), shown.perms.str(), detail,
                       style.segment(change.segment, segment_id(change.segment)), name_of(shown));
  }
  out +=
      "\n" + style.bold("Segments") + fmt::format("\n  {:<22} {:>12} {:>12} {:>14}\n", "", "before", "after", "change");
  for (Segment segment : all_segments) {
    const SegmentTotal& a = diff.before[segment];
    const SegmentTotal& b = diff.after[segment];
    std::string name = fmt::format("{} {}", segment_id(segment), segment_name(segment));
    out += fmt::format("  {:<22} {:>12} {:>12} {:>14}\n", name, format_size(a.bytes), format_size(b.bytes),
                       a.bytes == b.bytes ? std::string("=") : signed_size(a.bytes, b.bytes));
  }
  out += "\n" + style.bold("Findings") + "\n";
  for (const Finding& finding : diff.appeared)
    out += fmt::format("  appeared     {} ({}): {}\n", finding.id, severity_name(finding.severity), finding.summary);
  for (const Finding& finding : diff.disappeared)
    out += fmt::format("  disappeared  {} ({}): {}\n", finding.id, severity_name(finding.severity), finding.summary);
  for (const FindingChange& change : diff.changed) out += "  changed      " + finding_change_text(change) + "\n";
  if (diff.appeared.empty() && diff.disappeared.empty() && diff.changed.empty())
    out += "  the same findings and numbers before and after\n";
  return out;
}

std::string diff_json(const SnapshotDiff& diff) {
  detail::JsonWriter json;
  json.begin_object()
      .field("schema", diff_schema)
      .field("before", diff.before_source)
      .field("after", diff.after_source);
  json.key("regions").begin_array();
  for (const RegionChange& change : diff.changes) {
    const Region& shown = change.kind == ChangeKind::removed ? change.before : change.after;
    json.begin_object(true).field("change", change_kind_name(change.kind)).address_field("start", shown.start);
    json.address_field("end", shown.end).field("perms", shown.perms.str()).field("name", shown.label());
    json.field("segment", segment_id(change.segment));
    json.field("size_before", change.kind == ChangeKind::added ? uint64_t{0} : change.before.size());
    json.field("size_after", change.kind == ChangeKind::removed ? uint64_t{0} : change.after.size());
    if (change.kind != ChangeKind::added && change.kind != ChangeKind::removed) {
      json.address_field("start_before", change.before.start).field("perms_before", change.before.perms.str());
    }
    json.end_object();
  }
  json.end_array();
  json.key("segments").begin_array();
  for (Segment segment : all_segments) {
    const SegmentTotal& a = diff.before[segment];
    const SegmentTotal& b = diff.after[segment];
    json.begin_object(true)
        .field("id", segment_id(segment))
        .field("bytes_before", a.bytes)
        .field("bytes_after", b.bytes);
    json.field("regions_before", a.regions).field("regions_after", b.regions).field("rss_before", a.rss);
    json.field("rss_after", b.rss).end_object();
  }
  json.end_array();
  json.key("findings").begin_object();
  for (auto [key, list] : {std::pair{"appeared", &diff.appeared}, std::pair{"disappeared", &diff.disappeared}}) {
    json.key(key).begin_array();
    for (const Finding& finding : *list) {
      json.begin_object(true).field("id", finding.id).field("severity", severity_name(finding.severity));
      json.field("summary", finding.summary).end_object();
    }
    json.end_array();
  }
  json.key("changed").begin_array();
  for (const FindingChange& change : diff.changed) {
    json.begin_object(true).field("id", change.id).field("severity_before", severity_name(change.severity_before));
    json.field("severity_after", severity_name(change.severity_after)).key("metrics").begin_array();
    for (const MetricChange& metric : change.metrics)
      json.begin_object(true)
          .field("name", metric.before.name)
          .field("unit", detail::metric_unit_name(metric.before.unit))
          .field("before", metric.before.value)
          .field("after", metric.after)
          .end_object();
    json.end_array().end_object();
  }
  json.end_array();
  json.end_object();
  json.key("elapsed_ms");
  diff.elapsed_ms ? json.value(*diff.elapsed_ms) : json.null();
  json.end_object();
  return json.take();
}

}  // namespace ljmm
