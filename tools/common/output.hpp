// Where a tool's output goes: standard output, or a file replaced in one step.
#pragma once

#include <string>
#include <string_view>

#include "ljmm/result.hpp"

namespace ljmm::cli {

// Writes `text` to a temporary file beside `path`, then renames it over `path`: a reader (the
// node_exporter textfile collector) sees the old file or the new one, never half of one, and a
// failed run leaves the old file in place.
Status write_atomically(const std::string& path, std::string_view text);

// To standard output as it is (fmt::print would copy it once more: 14 MB for a large snapshot).
void write_stdout(std::string_view text);

// To `path` atomically, or to standard output when it is empty.
Status write_output(const std::string& path, std::string_view text);

}  // namespace ljmm::cli
