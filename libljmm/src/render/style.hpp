// ANSI colors for every text output (inspect, check, diff, trace summary), off unless asked for:
// the only place that spells an escape code.
#pragma once

#include <string>
#include <string_view>

#include "ljmm/finding.hpp"
#include "ljmm/layout.hpp"

namespace ljmm::detail {

class TextStyle {
 public:
  explicit TextStyle(bool enabled) : enabled_(enabled) {}

  std::string segment(Segment segment, std::string_view text) const { return paint(segment_color(segment), text); }
  std::string free(std::string_view text) const { return paint("90", text); }
  std::string bold(std::string_view text) const { return paint("1", text); }
  std::string verdict(bool passed, std::string_view text) const { return paint(passed ? "1;32" : "1;31", text); }
  std::string severity_color(Severity severity, std::string_view text) const {
    return paint(severity == Severity::error ? "1;31" : severity == Severity::warning ? "1;33" : "1;36", text);
  }

 private:
  static const char* segment_color(Segment segment) {
    switch (segment) {
      case Segment::text: return "34";
      case Segment::data: return "36";
      case Segment::bss: return "96";
      case Segment::gap: return "90";
      case Segment::heap: return "32";
      case Segment::mmap: return "33";
      case Segment::stack: return "35";
      case Segment::kernel: return "31";
    }
    return "0";
  }
  std::string paint(std::string_view code, std::string_view text) const {
    if (!enabled_) return std::string(text);
    std::string out = "\x1b[";
    out.append(code).append("m").append(text).append("\x1b[0m");
    return out;
  }

  bool enabled_;
};

}  // namespace ljmm::detail
