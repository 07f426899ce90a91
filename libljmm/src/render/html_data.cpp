#include "render/html_data.hpp"

#include "json/findings.hpp"
#include "ljmm/render.hpp"
#include "ljmm/version.hpp"
#include "render/host_rows.hpp"
#include "render/style.hpp"

namespace ljmm::detail {

namespace {

// What a region is used for when the layout tells (thread_stack, malloc_fallback), else what its
// pathname column says it is (file, heap, anonymous).
std::string region_type(const Region& region, RegionRole role) {
  return role != RegionRole::none ? region_role_name(role) : region_kind_name(region.kind);
}

void write_regions(JsonWriter& json, const Analysis& analysis) {
  StringTable types, paths;
  json.key("regions").begin_array();
  for (size_t i = 0; i < analysis.snapshot.regions.size(); ++i)
    write_region(json, region_row(analysis, i, types, paths));
  json.end_array();
  types.write(json, "types");
  paths.write(json, "paths");
}

void write_gaps(JsonWriter& json, const Layout& layout) {
  json.key("gaps").begin_array();
  for (const Gap& gap : layout.gaps) write_gap(json, gap_row(gap));
  json.end_array();
}

void write_header(JsonWriter& json, const Analysis& analysis) {
  json.key("header").begin_array();
  for (const std::string& line : header_lines(analysis)) json.value(line);
  json.end_array();
}

}  // namespace

void begin_page_data(JsonWriter& json, std::string_view kind, std::string_view title) {
  json.begin_object().field("schema", page_schema);
  json.key("tool").begin_object().field("name", "ljmm").field("version", version()).end_object();
  json.field("kind", kind).field("title", title);
  json.key("segments").begin_array();
  for (Segment segment : all_segments) {
    json.begin_object().field("id", segment_id(segment)).field("name", segment_name(segment));
    json.field("colour", segment_colours[segment].rgb).end_object();
  }
  json.end_array();
  json.key("kernel").begin_object().address_field("start", kernel_start);
  json.field("segment", static_cast<unsigned>(Segment::kernel)).end_object();
  json.key("colours").begin_object().field("fallback", fallback_rgb).field("fallback_pale", fallback_pale_rgb);
  json.field("blocker", blocker_rgb);
  for (Severity severity : {Severity::info, Severity::warning, Severity::error})
    json.field(severity_name(severity), severity_rgb(severity));
  json.end_object();
}

// An array per region keeps a 65,000-region page small.
RegionRow region_row(const Analysis& analysis, size_t i, StringTable& types, StringTable& paths) {
  const Region& region = analysis.snapshot.regions[i];
  RegionRow row{.start = region.start,
                .size = region.size(),
                .perms = region.perms,
                .segment = static_cast<unsigned>(analysis.layout.segment_of[i]),
                .type = types.index(region_type(region, analysis.diagnosis.role_of[i])),
                .path = paths.index(region.label()),
                .smaps = std::nullopt};
  if (analysis.snapshot.has_smaps)
    row.smaps = {region.smaps_value("Rss"), region.smaps_value("Pss"), region.smaps_value("Swap")};
  return row;
}

void write_region(JsonWriter& json, const RegionRow& row) {
  json.begin_array().address(row.start).value(row.size).value(row.perms.str()).value(row.segment);
  json.value(row.type).value(row.path);
  if (row.smaps)
    for (uint64_t value : *row.smaps) json.value(value);
  json.end_array();
}

GapRow gap_row(const Gap& gap) { return GapRow{gap.start, gap.size(), static_cast<unsigned>(gap.segment)}; }

void write_gap(JsonWriter& json, const GapRow& row) {
  json.begin_array().address(row.start).value(row.size).value(row.segment).end_array();
}

void write_brk(JsonWriter& json, const Diagnosis& diagnosis) {
  json.key("brk").begin_object().field("known", diagnosis.brk.known).address_field("brk", diagnosis.brk.brk);
  json.field("room", diagnosis.brk.room).field("blocked", diagnosis.brk.blocked).end_object();
}

void write_windows(JsonWriter& json, const std::vector<WindowBudget>& windows) {
  json.key("windows").begin_array();
  for (const WindowBudget& window : windows) {
    json.begin_object().field("id", window.id).address_field("start", window.start).address_field("end", window.end);
    json.field("free_bytes", window.free_bytes).field("gap_count", window.gap_count);
    json.field("largest_gap", window.largest_gap).address_field("largest_gap_start", window.largest_gap_start);
    json.end_object();
  }
  json.end_array();
}

void write_totals(JsonWriter& json, const Layout& layout) {
  json.key("totals").begin_array();
  for (Segment segment : all_segments) {
    const SegmentTotal& total = layout.total(segment);
    json.begin_object().field("regions", total.regions).field("bytes", total.bytes).field("rss", total.rss);
    json.field("pss", total.pss).field("swap", total.swap).field("free_bytes", total.free_bytes).end_object();
  }
  json.end_array();
}

std::vector<std::string> header_lines(const Analysis& analysis) {
  std::string header = render_header(analysis, TextOptions{.color = false});
  std::vector<std::string> lines;
  for (size_t begin = 0; begin < header.size();) {
    size_t end = header.find('\n', begin);
    if (end == std::string::npos) end = header.size();
    lines.push_back(header.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

void write_layout(JsonWriter& json, const Analysis& analysis) {
  const Snapshot& snapshot = analysis.snapshot;
  const Diagnosis& diagnosis = analysis.diagnosis;
  json.begin_object().field("source", snapshot.source.description());
  json.field("pid", snapshot.process.pid).field("comm", snapshot.process.comm).field("exe", snapshot.process.exe);
  json.field("taken_at_unix_ms", snapshot.taken_at_unix_ms).field("page_size", snapshot.system.page_size);
  json.address_field("user_top", analysis.layout.user_top).field("has_smaps", snapshot.has_smaps);
  write_brk(json, diagnosis);
  json.field("fallback_bytes", diagnosis.fallbacks.bytes);
  write_header(json, analysis);
  write_regions(json, analysis);
  write_gaps(json, analysis.layout);
  write_windows(json, diagnosis.windows);
  write_totals(json, analysis.layout);
  write_findings(json, analysis.findings());
  json.end_object();
}

void write_diff(JsonWriter& json, const SnapshotDiff& diff) {
  json.key("diff").begin_object().field("text", diff_text(diff, false));
  json.key("changes").begin_array();
  for (const RegionChange& change : diff.changes) {
    json.begin_array().value(change_kind_name(change.kind));
    change.kind == ChangeKind::added ? json.null() : json.address(change.before.start);
    change.kind == ChangeKind::removed ? json.null() : json.address(change.after.start);
    json.value(static_cast<unsigned>(change.segment)).end_array();
  }
  json.end_array();
  json.key("appeared").begin_array();
  for (const Finding& finding : diff.appeared) json.value(finding.id);
  json.end_array().key("disappeared").begin_array();
  for (const Finding& finding : diff.disappeared) json.value(finding.id);
  json.end_array().end_object();
}

void write_host(JsonWriter& json, const std::vector<const Analysis*>& rows, const ScanCoverage& coverage,
                size_t read) {
  json.key("host").begin_object().field("coverage", coverage_line(read, coverage));
  json.key("columns").begin_array();
  for (const char* column : host_columns) json.value(column);
  json.end_array().key("rows").begin_array();
  for (const Analysis* analysis : rows) {
    HostRow row = host_row(*analysis);
    json.begin_object().key("cells").begin_array();
    for (const std::string& cell : row.cells) json.value(cell);
    json.end_array().field("severity", row.problem ? severity_name(row.problem->severity) : "none").end_object();
  }
  json.end_array().end_object();
}

}  // namespace ljmm::detail
