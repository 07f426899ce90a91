// One maps line into a region in place, shared by the whole-text and the piecewise parsers.
#pragma once

#include <string_view>

#include "ljmm/maps.hpp"
#include "ljmm/result.hpp"

namespace ljmm::detail {

// Fills `region` (default-constructed) from one line without its newline.
Status parse_maps_line_into(std::string_view line, size_t line_number, Region& region);

// "malformed maps line N: WHAT in "LINE"", the line cut at 120 bytes.
Error malformed_line(std::string_view line, size_t line_number, std::string_view what);

}  // namespace ljmm::detail
