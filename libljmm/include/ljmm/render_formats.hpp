// Layouts for other readers: the picture as a self-contained SVG, and metrics in the Prometheus
// text format (node_exporter's textfile collector).
#pragma once

#include <string>
#include <vector>

#include "ljmm/analysis.hpp"

namespace ljmm {

std::string render_svg(const Analysis& analysis);

// One document for several processes: each metric family's HELP and TYPE once, a sample per
// process labelled with pid and comm.
std::string render_prometheus(const std::vector<Analysis>& analyses);

}  // namespace ljmm
