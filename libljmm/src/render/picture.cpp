// The s1-s8 picture: one row per span of the address space, low to high, with a bar whose
// length grows with log2(size), so a 4 KiB region and a 100 TiB gap are both visible.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "ljmm/render.hpp"
#include "ljmm/units.hpp"
#include "model/spans.hpp"
#include "render/style.hpp"

namespace ljmm {

using detail::build_spans;
using detail::log_weight;
using detail::Span;
using detail::span_detail;
using detail::span_label;
using detail::TextStyle;

namespace {

// share: the span's log weight over the largest one's.
std::string span_bar(const Span& span, int bar_width, double share, const TextStyle& style) {
  int length = std::max(1, static_cast<int>(std::lround(share * bar_width)));
  int mapped_chars = 0;
  if (span.mapped > 0) {
    double fraction = static_cast<double>(span.mapped) / static_cast<double>(span.mapped + span.free);
    mapped_chars = std::clamp(static_cast<int>(std::lround(fraction * length)), 1, length);
  }
  // The malloc fallback's part of the mapped bytes gets its own shade, so the picture shows
  // where malloc's memory went when brk was blocked.
  int fallback_chars = 0;
  if (span.fallback > 0) {
    double fraction = static_cast<double>(span.fallback) / static_cast<double>(span.mapped);
    fallback_chars = std::clamp(static_cast<int>(std::lround(fraction * mapped_chars)), 1, mapped_chars);
  }
  std::string mapped, fallback, free;
  for (int i = fallback_chars; i < mapped_chars; ++i) mapped += "\u2588";  // full block
  for (int i = 0; i < fallback_chars; ++i) fallback += "\u2593";           // dark shade
  for (int i = mapped_chars; i < length; ++i) free += "\u2591";            // light shade
  return style.segment(span.segment, mapped + fallback) + style.free(free);
}

}  // namespace

std::string render_picture(const Analysis& analysis, const TextOptions& options) {
  TextStyle style(options.color);
  std::vector<Span> spans = build_spans(analysis);
  const uint64_t page = analysis.snapshot.system.page_size;
  double max_weight = 0;
  for (const Span& span : spans) max_weight = std::max(max_weight, log_weight(span.size(), page));

  // label(28) start(19) size(10) bar detail: the bar takes what the width leaves.
  constexpr int fixed_columns = 28 + 19 + 10 + 2;
  int bar_width = std::clamp(options.width - fixed_columns - 28, 10, 80);
  bool fallbacks = !analysis.diagnosis.fallbacks.regions.empty();
  std::string out =
      style.bold("Address space, low to high") +
      fmt::format(" (bar length ~ log2 of size; {} mapped, {}{} free)\n", style.segment(Segment::heap, "\u2588"),
                  fallbacks ? style.segment(Segment::mmap, "\u2593") + " malloc fallback, " : "", style.free("\u2591"));
  for (const Span& span : spans) {
    out +=
        fmt::format("  {:<28}{:<19}{:>10}  ", span_label(span), format_address(span.start), format_size(span.size()));
    out += span_bar(span, bar_width, log_weight(span.size(), page) / max_weight, style);
    std::string detail = span_detail(span);
    if (!detail.empty()) out += "  " + detail;
    out += '\n';
  }
  return out;
}

}  // namespace ljmm
