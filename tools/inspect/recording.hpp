// ljmm-inspect --recording FILE over time: --timeline (a recorded process's address space over
// time) and --format=html (the recording page, which replays it).
#pragma once

#include <CLI/CLI.hpp>

#include "options.hpp"

namespace ljmm::inspect {

void declare_timeline_options(CLI::App& app, Options& options);
int run_timeline(const Options& options);
// --recording FILE --format=html: the page opens at --at (default: the last frame).
int run_recording_page(const Options& options);

}  // namespace ljmm::inspect
