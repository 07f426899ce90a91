// The data an HTML page embeds: the "ljmm.page/v1" object (docs/html.md describes it field by
// field). The page's script draws everything from it; nothing is fetched.
#pragma once

#include <string>
#include <vector>

#include "json/writer.hpp"
#include "ljmm/analysis.hpp"
#include "ljmm/diff.hpp"
#include "ljmm/host.hpp"

namespace ljmm::detail {

inline constexpr std::string_view page_schema = "ljmm.page/v1";

// Opens the page object: schema, tool, kind ("snapshot", "diff", "host"), title and the segments'
// names and colours; the caller adds "layouts" (and "diff" or "host") and closes it.
void begin_page_data(JsonWriter& json, std::string_view kind, std::string_view title);

// One address space: its facts, regions, gaps, low windows and findings.
void write_layout(JsonWriter& json, const Analysis& analysis);

// The regions that changed, by the start address each has in its layout, and the diff as text.
void write_diff(JsonWriter& json, const SnapshotDiff& diff);

// The host table's columns and, per layout in the same order, its cells; the coverage line.
void write_host(JsonWriter& json, const std::vector<const Analysis*>& rows, const ScanCoverage& coverage,
                size_t read);

}  // namespace ljmm::detail
