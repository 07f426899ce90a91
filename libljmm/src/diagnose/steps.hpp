// The steps of diagnose(), shared between its source files.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ljmm/diagnose.hpp"

namespace ljmm::detail {

// A finding's metrics, by unit.
inline Metric bytes(std::string name, uint64_t value) { return {std::move(name), value, MetricUnit::bytes}; }
inline Metric count(std::string name, uint64_t value) { return {std::move(name), value, MetricUnit::count}; }
inline Metric address(std::string name, uint64_t value) { return {std::move(name), value, MetricUnit::address}; }

// Region i is anonymous memory right after a shared object's writable data (its bss, or more).
bool follows_library_data(const std::vector<Region>& regions, const Layout& layout, size_t i);

std::vector<RegionRole> assign_roles(const Snapshot& snapshot, const Layout& layout);

// Marks the fallback regions (and the brk blocker) in `roles`.
FallbackArenas find_fallback_arenas(const Snapshot& snapshot, const Layout& layout, const BrkRoom& brk,
                                    std::vector<RegionRole>& roles);

// The fallback's severity from what it costs (info when there is none); raises brk-blocked too.
Severity fallback_cost_severity(const Diagnosis& diagnosis);
void add_fallback_finding(const Snapshot& snapshot, const Diagnosis& diagnosis, std::vector<Finding>& findings);
// "malloc-memory": heap plus fallback, so a process whose heap moved into fallback still shows it.
void add_malloc_memory_finding(const MallocMemory& memory, std::vector<Finding>& findings);

}  // namespace ljmm::detail
