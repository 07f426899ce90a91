// The data an HTML page embeds: the "ljmm.page/v1" object (docs/html.md describes it field by
// field). The page's script draws everything from it; nothing is fetched.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "json/writer.hpp"
#include "ljmm/analysis.hpp"
#include "ljmm/diff.hpp"
#include "ljmm/host.hpp"

namespace ljmm::detail {

inline constexpr std::string_view page_schema = "ljmm.page/v1";

// Strings that repeat (paths, region types) are written once in a table; regions name an index.
class StringTable {
 public:
  size_t index(const std::string& text) {
    auto [it, added] = indices_.try_emplace(text, strings_.size());
    if (added) strings_.push_back(text);
    return it->second;
  }
  void write(JsonWriter& json, std::string_view name) const {
    json.key(name).begin_array();
    for (const std::string& text : strings_) json.value(text);
    json.end_array();
  }

 private:
  std::unordered_map<std::string, size_t> indices_;
  std::vector<std::string> strings_;
};

// Opens the page object: schema, tool, kind ("snapshot", "diff", "host"), title and the segments'
// names and colours; the caller adds "layouts" (and "diff" or "host") and closes it.
void begin_page_data(JsonWriter& json, std::string_view kind, std::string_view title);

// One address space: its facts, regions, gaps, low windows and findings.
void write_layout(JsonWriter& json, const Analysis& analysis);

// The parts of a layout, for pages that write them apart (a recording's frames, which write a
// row only when it changed: rows compare as what they write).
// A region as [start, size, perms, segment number, type, path] and, with smaps, rss, pss, swap.
struct RegionRow {
  uint64_t start = 0, size = 0;
  Perms perms;
  unsigned segment = 0;
  size_t type = 0, path = 0;  // indices into the page's tables
  std::optional<std::array<uint64_t, 3>> smaps;
  bool operator==(const RegionRow&) const = default;
};
RegionRow region_row(const Analysis& analysis, size_t i, StringTable& types, StringTable& paths);
void write_region(JsonWriter& json, const RegionRow& row);
// A free gap as [start, size, segment number].
struct GapRow {
  uint64_t start = 0, size = 0;
  unsigned segment = 0;
  bool operator==(const GapRow&) const = default;
};
GapRow gap_row(const Gap& gap);
void write_gap(JsonWriter& json, const GapRow& row);
void write_brk(JsonWriter& json, const Diagnosis& diagnosis);  // "brk": {...}
void write_windows(JsonWriter& json, const std::vector<WindowBudget>& windows);  // "windows": [...]
void write_totals(JsonWriter& json, const Layout& layout);  // "totals": [...]
std::vector<std::string> header_lines(const Analysis& analysis);  // the report's header; the first is the title

// The regions that changed, by the start address each has in its layout, and the diff as text.
void write_diff(JsonWriter& json, const SnapshotDiff& diff);

// The host table's columns and, per layout in the same order, its cells; the coverage line.
void write_host(JsonWriter& json, const std::vector<const Analysis*>& rows, const ScanCoverage& coverage,
                size_t read);

}  // namespace ljmm::detail
