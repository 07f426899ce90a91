// ljmm-inspect --all: every process the caller can read, as a table, JSON Lines or metrics.
#pragma once

#include <CLI/CLI.hpp>

#include "options.hpp"

namespace ljmm::inspect {

void declare_all_options(CLI::App& app, AllOptions& options);
int run_all(const Options& options);

}  // namespace ljmm::inspect
