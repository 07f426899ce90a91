// Text renderers for people: the s1-s8 picture, the region table, totals, findings.
#pragma once

#include <string>

#include "ljmm/analysis.hpp"

namespace ljmm {

struct TextOptions {
  bool color = false;  // ANSI colors; the tool decides (tty, --color)
  int width = 100;     // columns available
};

std::string render_header(const Analysis& analysis, const TextOptions& options);
std::string render_findings(const Analysis& analysis, const TextOptions& options);
std::string render_picture(const Analysis& analysis, const TextOptions& options);
std::string render_regions(const Analysis& analysis, const TextOptions& options);
std::string render_totals(const Analysis& analysis, const TextOptions& options);

// Header, findings, picture, regions, totals: what `ljmm-inspect PID` prints.
std::string render_report(const Analysis& analysis, const TextOptions& options);

}  // namespace ljmm
