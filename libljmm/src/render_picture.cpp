// The s1-s8 picture: one row per span of the address space, low to high, with a bar whose
// length grows with log2(size), so a 4 KiB region and a 100 TiB gap are both visible.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "ljmm/render_text.hpp"
#include "ljmm/units.hpp"
#include "text_style.hpp"

namespace ljmm {

namespace {

// Gaps at least this large get a row of their own; smaller ones are counted inside the
// span around them (the region table lists every one of them).
constexpr uint64_t own_row_gap = 1 * GiB;

struct Span {
  Segment segment;
  uint64_t start = 0;
  uint64_t end = 0;  // 0 means 2^64 (the kernel half)
  uint64_t mapped = 0;
  uint64_t free = 0;
  uint64_t regions = 0;
  bool free_only = false;
  uint64_t size() const { return end - start; }  // wraps to the right value for end == 0
};

std::vector<Span> build_spans(const Analysis& analysis) {
  const auto& regions = analysis.snapshot.regions;
  const Layout& layout = analysis.layout;
  std::vector<Span> spans;
  size_t gap_index = 0;
  auto add_free = [&](const Gap& gap) {
    bool own_row = gap.size() >= own_row_gap || gap.segment == Segment::gap;
    if (!own_row && !spans.empty() && !spans.back().free_only && spans.back().segment == gap.segment) {
      spans.back().end = gap.end;
      spans.back().free += gap.size();
      return;
    }
    spans.push_back(Span{gap.segment, gap.start, gap.end, 0, gap.size(), 0, true});
  };
  for (size_t i = 0; i < regions.size(); ++i) {
    while (gap_index < layout.gaps.size() && layout.gaps[gap_index].start < regions[i].start)
      add_free(layout.gaps[gap_index++]);
    Segment segment = layout.segment_of[i];
    if (segment == Segment::kernel) break;
    if (!spans.empty() && !spans.back().free_only && spans.back().segment == segment &&
        spans.back().end == regions[i].start) {
      spans.back().end = regions[i].end;
      spans.back().mapped += regions[i].size();
      spans.back().regions += 1;
    } else {
      spans.push_back(Span{segment, regions[i].start, regions[i].end, regions[i].size(), 0, 1, false});
    }
  }
  while (gap_index < layout.gaps.size()) add_free(layout.gaps[gap_index++]);

  // The kernel half, with whatever of it the process sees ([vsyscall]).
  Span kernel{Segment::kernel, kernel_start, 0, 0, 0, 0, false};
  for (size_t i = 0; i < regions.size(); ++i) {
    if (layout.segment_of[i] != Segment::kernel) continue;
    kernel.mapped += regions[i].size();
    kernel.regions += 1;
  }
  kernel.free = kernel.size() - kernel.mapped;
  spans.push_back(kernel);
  return spans;
}

double log_weight(uint64_t size) { return std::log2(static_cast<double>(std::max<uint64_t>(size, 4096)) / 4096.0) + 1; }

std::string span_bar(const Span& span, int bar_width, double max_weight, const TextStyle& style) {
  int length = std::max(1, static_cast<int>(std::lround(log_weight(span.size()) / max_weight * bar_width)));
  int mapped_chars = 0;
  if (span.mapped > 0) {
    double fraction = static_cast<double>(span.mapped) / static_cast<double>(span.mapped + span.free);
    mapped_chars = std::clamp(static_cast<int>(std::lround(fraction * length)), 1, length);
  }
  std::string mapped, free;
  for (int i = 0; i < mapped_chars; ++i) mapped += "\u2588";       // full block
  for (int i = mapped_chars; i < length; ++i) free += "\u2591";    // light shade
  return style.segment(span.segment, mapped) + style.free(free);
}

std::string span_label(const Span& span) {
  std::string label = fmt::format("{} {}", segment_id(span.segment), segment_name(span.segment));
  if (span.free_only) label += " (free)";
  return label;
}

std::string span_detail(const Span& span) {
  if (span.free_only) return {};
  if (span.segment == Segment::kernel)
    return span.regions ? fmt::format("[vsyscall] {}", format_size(span.mapped)) : std::string("not mapped");
  std::string detail = fmt::format("{} region{}, {} mapped", span.regions, span.regions == 1 ? "" : "s",
                                   format_size(span.mapped));
  if (span.free > 0) detail += fmt::format(", {} free", format_size(span.free));
  return detail;
}

}  // namespace

std::string render_picture(const Analysis& analysis, const TextOptions& options) {
  TextStyle style(options.color);
  std::vector<Span> spans = build_spans(analysis);
  double max_weight = 0;
  for (const Span& span : spans) max_weight = std::max(max_weight, log_weight(span.size()));

  // label(28) start(19) size(10) bar detail: the bar takes what the width leaves.
  constexpr int fixed_columns = 28 + 19 + 10 + 2;
  int bar_width = std::clamp(options.width - fixed_columns - 28, 10, 80);
  std::string out = style.bold("Address space, low to high") +
                    fmt::format(" (bar length ~ log2 of size; {} mapped, {} free)\n", style.segment(Segment::heap, "\u2588"),
                                style.free("\u2591"));
  for (const Span& span : spans) {
    out += fmt::format("  {:<28}{:<19}{:>10}  ", span_label(span), format_address(span.start), format_size(span.size()));
    out += span_bar(span, bar_width, max_weight, style);
    std::string detail = span_detail(span);
    if (!detail.empty()) out += "  " + detail;
    out += '\n';
  }
  return out;
}

}  // namespace ljmm
