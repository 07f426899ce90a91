// The user stacks' part of the trace summary: how the DWARF unwinds ended (never silent).
#pragma once

#include <string>

#include "json/writer.hpp"
#include "ljmm/trace.hpp"

namespace ljmm::trace::detail {

// "  stacks: 120 unwound with the CFI, 118 complete, 2 cut at the copy's end (...)\n"; empty
// when no stack was unwound.
std::string stack_stats_text(const StackStats& stats);
void write_stack_stats(ljmm::detail::JsonWriter& json, const StackStats& stats);

}  // namespace ljmm::trace::detail
