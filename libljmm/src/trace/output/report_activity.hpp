// The parts of ljmm-trace -a's ranking that the summary (report.cpp) builds on.
#pragma once

#include <string_view>
#include <vector>

#include "json/writer.hpp"
#include "ljmm/trace.hpp"

namespace ljmm::trace::detail {

// An array of per-process objects under `key`, as documented in docs/trace-json.md.
void write_activity(ljmm::detail::JsonWriter& json, std::string_view key, const std::vector<ProcessActivity>& ranked);
// The whole summary when the kernel only counted (-a -q): there were no events.
std::string counts_summary_text(const RunResult& run, bool color);

}  // namespace ljmm::trace::detail
