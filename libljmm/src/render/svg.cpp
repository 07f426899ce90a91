// The s1-s8 picture as SVG: one row per span, low addresses at the top, a bar whose length grows
// with log2 of the size (mapped part in the segment's colour, free part pale), with the address,
// size and what the span holds. Self-contained: no scripts, no external styles or fonts.
#include <fmt/format.h>

#include <algorithm>

#include "ljmm/render.hpp"
#include "ljmm/units.hpp"
#include "model/spans.hpp"
#include "render/style.hpp"
#include "render/post_mortem.hpp"
#include "render/xml_escape.hpp"

namespace ljmm {

using detail::build_spans;
using detail::log_weight;
using detail::Span;
using detail::span_detail;
using detail::span_label;
using detail::xml_escape;

namespace {

const char* colour(Segment segment) { return detail::segment_colours[segment].rgb; }

constexpr int row_height = 24, top = 64, label_width = 230, address_width = 170, size_width = 90, bar_width = 420;

// The malloc fallback's part of the mapped bar, hatched in red at its right end, and a black
// marker with "brk blocked" at the left of the span that holds the blocker.
std::string fallback_and_blocker(const Span& span, int bar_x, int y, int mapped) {
  std::string svg;
  if (span.fallback > 0 && mapped > 0) {
    double fraction = static_cast<double>(span.fallback) / static_cast<double>(span.mapped);
    int width = std::clamp(static_cast<int>(fraction * mapped), 1, mapped);
    svg += fmt::format(
        "  <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#fallback)\" stroke=\"{}\" "
        "stroke-width=\"0.5\"/>\n",
        bar_x + mapped - width, y + 4, width, row_height - 8, detail::fallback_rgb);
  }
  if (span.blocker_size > 0)
    svg += fmt::format(
        "  <path d=\"M {0} {1} l -7 -6 l 0 12 z\" fill=\"{2}\"/><rect x=\"{0}\" y=\"{3}\" "
        "width=\"3\" height=\"{4}\" fill=\"{2}\"/>\n",
        bar_x, y + row_height / 2, detail::blocker_rgb, y + 1, row_height - 2);
  return svg;
}

// Red diagonal hatching for fallback memory: visible on every segment colour and in grey print.
std::string fallback_pattern() {
  return fmt::format(
      "<defs><pattern id=\"fallback\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
      "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"{}\"/>"
      "<rect width=\"3\" height=\"6\" fill=\"{}\"/></pattern></defs>\n",
      detail::fallback_pale_rgb, detail::fallback_rgb);
}


// One span's row: label, address, size, the bar (free pale, mapped dark) and what it holds.
std::string span_row(const Span& span, int y, uint64_t page, double max_weight) {
  const int bar_x = label_width + address_width + size_width;
  int length = std::max(2, static_cast<int>(log_weight(span.size(), page) / max_weight * bar_width));
  double fraction =
      span.mapped + span.free ? static_cast<double>(span.mapped) / static_cast<double>(span.mapped + span.free) : 0;
  int mapped = span.mapped ? std::max(1, static_cast<int>(fraction * length)) : 0;
  std::string tooltip = fmt::format("{} {} {}: {}", span_label(span), format_address(span.start),
                                    format_size(span.size()), span_detail(span));
  std::string svg = fmt::format("<g><title>{}</title>\n", xml_escape(tooltip));
  svg += fmt::format("  <text x=\"12\" y=\"{}\">{}</text>\n", y + 16, xml_escape(span_label(span)));
  svg += fmt::format("  <text x=\"{}\" y=\"{}\">{}</text>\n", label_width, y + 16, format_address(span.start));
  svg += fmt::format("  <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", bar_x - 10, y + 16,
                     xml_escape(format_size(span.size())));
  svg += fmt::format("  <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" fill-opacity=\"0.25\"/>\n",
                     bar_x, y + 4, length, row_height - 8, colour(span.segment));
  if (mapped)
    svg += fmt::format("  <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>\n", bar_x, y + 4, mapped,
                       row_height - 8, colour(span.segment));
  svg += fallback_and_blocker(span, bar_x, y, mapped);
  svg += fmt::format("  <text x=\"{}\" y=\"{}\" fill=\"#444444\">{}</text>\n</g>\n", bar_x + length + 8, y + 16,
                     xml_escape(span_detail(span)));
  return svg;
}

// The segments' colours, and the fallback's hatching and the blocker's mark where they appear.
std::string legend(const Analysis& analysis, int y) {
  std::string svg;
  int x = 12;
  for (Segment segment : all_segments) {
    std::string label = fmt::format("{} {}", segment_id(segment), segment_name(segment));
    svg += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text>\n", x,
        y - 10, colour(segment), x + 16, y, xml_escape(label));
    x += 16 + static_cast<int>(label.size()) * 8 + 16;
  }
  if (!analysis.diagnosis.fallbacks.regions.empty())
    svg += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"url(#fallback)\"/><text x=\"{}\" "
        "y=\"{}\">malloc fallback</text>\n",
        x, y - 10, x + 16, y);
  if (analysis.diagnosis.blocker)
    svg += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"3\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{}\">"
        "brk blocker</text>\n",
        x + 150, y - 10, detail::blocker_rgb, x + 158, y);
  return svg;
}

}  // namespace

std::string render_svg(const Analysis& analysis) {
  std::vector<Span> spans = build_spans(analysis);
  const uint64_t page = analysis.snapshot.system.page_size;
  double max_weight = 1;
  for (const Span& span : spans) max_weight = std::max(max_weight, log_weight(span.size(), page));
  std::vector<const Finding*> problems;
  for (const Finding& finding : analysis.findings())
    if (finding.severity != Severity::info) problems.push_back(&finding);
  // What a core or a journal entry cannot tell is said in the picture too, above the problems.
  std::vector<std::string> notes;
  if (const auto& facts = analysis.snapshot.post_mortem) {
    notes.push_back("after the crash: " + detail::post_mortem_summary(*facts));
    for (const std::string& line : detail::post_mortem_unseen(*facts)) notes.push_back("cannot tell " + line);
  }
  int first_row = top + static_cast<int>(notes.size() + problems.size()) * 18;
  int bar_x = label_width + address_width + size_width;
  int width = bar_x + bar_width + 340;
  int height = first_row + static_cast<int>(spans.size()) * row_height + 40;
  const ProcessInfo& process = analysis.snapshot.process;
  std::string title = analysis.snapshot.source.kind == SourceKind::pid
                          ? fmt::format("pid {} ({}) {}", process.pid, process.comm, process.exe)
                          : analysis.snapshot.source.description();

  std::string svg = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"DejaVu Sans Mono, monospace\" font-size=\"12\">\n"
      "<title>{2}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
      "<text x=\"12\" y=\"24\" font-size=\"15\" font-weight=\"bold\">{2}</text>\n"
      "<text x=\"12\" y=\"44\" fill=\"#555555\">address space, low to high; bar length ~ log2 of size; "
      "dark: mapped, pale: free</text>\n",
      width, height, xml_escape(title));
  svg += fallback_pattern();
  for (size_t i = 0; i < notes.size(); ++i)
    svg += fmt::format("<text x=\"12\" y=\"{}\" fill=\"#555555\">{}</text>\n", top - 4 + static_cast<int>(i) * 18,
                       xml_escape(notes[i]));
  for (size_t i = 0; i < problems.size(); ++i) {
    const Finding& finding = *problems[i];
    svg += fmt::format("<text x=\"12\" y=\"{}\" fill=\"{}\" font-weight=\"bold\">{} {}: {}</text>\n",
                       top - 4 + static_cast<int>(notes.size() + i) * 18, detail::severity_rgb(finding.severity),
                       severity_name(finding.severity), xml_escape(finding.id), xml_escape(finding.summary));
  }
  for (size_t row = 0; row < spans.size(); ++row)
    svg += span_row(spans[row], first_row + static_cast<int>(row) * row_height, page, max_weight);
  svg += legend(analysis, first_row + static_cast<int>(spans.size()) * row_height + 24);
  svg += "</svg>\n";
  return svg;
}

}  // namespace ljmm
