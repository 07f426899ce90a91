// The steps of diagnose(), shared between its source files.
#pragma once

#include <vector>

#include "ljmm/diagnose.hpp"

namespace ljmm {

std::vector<RegionRole> assign_roles(const Snapshot& snapshot, const Layout& layout);

// Marks the fallback regions (and the brk blocker) in `roles`.
FallbackArenas find_fallback_arenas(const Snapshot& snapshot, const Layout& layout, const BrkRoom& brk,
                                    std::vector<RegionRole>& roles);

}  // namespace ljmm
