#include "model/spans.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "ljmm/units.hpp"

namespace ljmm::detail {

namespace {

// Gaps at least this large get a row of their own; smaller ones are counted inside the
// span around them (the region table lists every one of them).
constexpr uint64_t own_row_gap = 1 * GiB;

Span* span_holding(std::vector<Span>& spans, uint64_t address) {
  for (Span& span : spans)
    if (!span.free_only && address >= span.start && address < span.end) return &span;
  return nullptr;
}

void mark_fallback_and_blocker(const Analysis& analysis, std::vector<Span>& spans) {
  const auto& regions = analysis.snapshot.regions;
  const Diagnosis& diagnosis = analysis.diagnosis;
  for (size_t index : diagnosis.fallbacks.regions)
    if (Span* span = span_holding(spans, regions[index].start)) span->fallback += regions[index].size();
  if (!diagnosis.blocker) return;
  const Region& blocker = regions[*diagnosis.brk.blocker];
  // A block right at the break merges into [heap]: the blocker is the part above the break.
  uint64_t start = std::max(blocker.start, diagnosis.brk.brk);
  if (Span* span = span_holding(spans, start)) {
    span->blocker_start = start;
    span->blocker_size = blocker.end - start;
  }
}

}  // namespace

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
  mark_fallback_and_blocker(analysis, spans);

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

double log_weight(uint64_t size, uint64_t page) {
  return std::log2(static_cast<double>(std::max(size, page)) / static_cast<double>(page)) + 1;
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
  std::string detail =
      fmt::format("{} region{}, {} mapped", span.regions, span.regions == 1 ? "" : "s", format_size(span.mapped));
  if (span.free > 0) detail += fmt::format(", {} free", format_size(span.free));
  if (span.fallback > 0) detail += fmt::format(", {} malloc fallback", format_size(span.fallback));
  if (span.blocker_size > 0)
    detail += fmt::format("; brk blocked here by {} at {}", format_size(span.blocker_size),
                          format_address_short(span.blocker_start));
  return detail;
}

}  // namespace ljmm::detail
