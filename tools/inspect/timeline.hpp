// ljmm-inspect --recording FILE --timeline: a recorded process's address space over time.
#pragma once

#include <CLI/CLI.hpp>

#include "options.hpp"

namespace ljmm::inspect {

void declare_timeline_options(CLI::App& app, Options& options);
int run_timeline(const Options& options);

}  // namespace ljmm::inspect
