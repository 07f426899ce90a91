// The one colour style of every output: ANSI codes for the text outputs (inspect, check, diff,
// trace summary; off unless asked for) and the RGB colours of the pictures (SVG, HTML), one row per
// segment so a segment looks the same wherever it is drawn. The only place that spells either.
#pragma once

#include <string>
#include <string_view>

#include "ljmm/finding.hpp"
#include "ljmm/layout.hpp"

namespace ljmm::detail {

struct SegmentColour {
  const char* ansi;  // SGR code: 34 is blue on a terminal ...
  const char* rgb;   // ... and #3b6fd4 the blue of the pictures
};

// s1 to s8, indexed by Segment.
inline constexpr PerSegment<SegmentColour> segment_colours({{
    {"34", "#3b6fd4"},  // s1 text
    {"36", "#17a2b8"},  // s2 data
    {"96", "#5bc0de"},  // s3 bss
    {"90", "#9e9e9e"},  // s4 randomization gap
    {"32", "#2e9d4f"},  // s5 heap
    {"33", "#d4a017"},  // s6 mmap area
    {"35", "#a03fb5"},  // s7 stack
    {"31", "#c0392b"},  // s8 kernel
}});

// What the pictures mark beyond the segments: malloc fallback memory (hatched), the mapping that
// blocks the break, and the severities of findings.
inline constexpr const char* fallback_rgb = "#c0392b";
inline constexpr const char* fallback_pale_rgb = "#f5b7b1";
inline constexpr const char* blocker_rgb = "#000000";
inline const char* severity_rgb(Severity severity) {
  return severity == Severity::error ? "#c0392b" : severity == Severity::warning ? "#b9770e" : "#2874a6";
}

class TextStyle {
 public:
  explicit TextStyle(bool enabled) : enabled_(enabled) {}

  std::string segment(Segment segment, std::string_view text) const {
    return paint(segment_colours[segment].ansi, text);
  }
  std::string free(std::string_view text) const { return paint("90", text); }
  std::string bold(std::string_view text) const { return paint("1", text); }
  std::string verdict(bool passed, std::string_view text) const { return paint(passed ? "1;32" : "1;31", text); }
  std::string severity_color(Severity severity, std::string_view text) const {
    return paint(severity == Severity::error ? "1;31" : severity == Severity::warning ? "1;33" : "1;36", text);
  }

 private:
  std::string paint(std::string_view code, std::string_view text) const {
    if (!enabled_) return std::string(text);
    std::string out = "\x1b[";
    out.append(code).append("m").append(text).append("\x1b[0m");
    return out;
  }

  bool enabled_;
};

}  // namespace ljmm::detail
