// Findings for people: worst first, problems with why and what to do, measurements in one line.
#include <fmt/format.h>

#include <cctype>

#include "ljmm/render.hpp"
#include "render/style.hpp"

namespace ljmm {

namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string render_findings(const Analysis& analysis, const TextOptions& options) {
  detail::TextStyle style(options.color);
  std::string out = style.bold("Findings (worst first)") + "\n";
  if (analysis.findings().empty()) return out + "  none\n";
  for (const Finding& finding : analysis.findings()) {
    std::string tag = fmt::format("{:<8}", upper(severity_name(finding.severity)));
    out += "  " + style.severity_color(finding.severity, tag);
    out += fmt::format("{}: {}\n", finding.id, finding.summary);
    if (finding.severity == Severity::info) continue;
    out += fmt::format("          why: {}\n", finding.explanation);
    if (!finding.fix.empty()) out += fmt::format("          fix: {}\n", finding.fix);
  }
  return out;
}

}  // namespace ljmm
