// Line splitting shared by the maps and smaps parsers, so both number lines the same way.
#pragma once

#include <string_view>

#include "ljmm/result.hpp"

namespace ljmm::detail {

// Calls visit(line, line_number) for each non-empty line; the first error stops the walk.
template <class Visit>
Status for_each_line(std::string_view text, Visit&& visit) {
  size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (line.empty()) continue;
    if (Status status = visit(line, line_number); !status) return status;
  }
  return {};
}

}  // namespace ljmm::detail
