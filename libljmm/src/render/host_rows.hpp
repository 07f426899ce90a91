// The host table's rows and its last line, shared by the text table and the HTML host page.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "ljmm/analysis.hpp"
#include "ljmm/host.hpp"

namespace ljmm::detail {

// The processes worst first: the worst finding's severity, then the malloc fallback memory, then
// mappings; only those with a warning or an error when problems_only.
std::vector<const Analysis*> worst_first(const std::vector<Analysis>& analyses, bool problems_only);

// One process's cells, as the table prints them, under the column names.
inline constexpr std::array<const char*, 8> host_columns = {"PID",      "COMM",     "MAPPINGS",      "BRK ROOM",
                                                            "FALLBACK", "BELOW-2G", "WORST FINDING", "EXE"};
struct HostRow {
  std::array<std::string, host_columns.size()> cells;
  const Finding* problem = nullptr;  // the worst warning or error, whose id is the WORST FINDING cell
};
HostRow host_row(const Analysis& analysis);

// "84 processes read; 2 could not be read (permission: 2); ...": what was read and what was not.
std::string coverage_line(size_t read, const ScanCoverage& coverage);

}  // namespace ljmm::detail
