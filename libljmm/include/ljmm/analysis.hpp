// The whole model of one address space: snapshot -> layout -> findings.
// Renderers take an Analysis and never re-read /proc.
#pragma once

#include <string_view>
#include <vector>

#include "ljmm/diagnose.hpp"
#include "ljmm/export.hpp"
#include "ljmm/layout.hpp"
#include "ljmm/snapshot.hpp"

namespace ljmm {

struct LJMM_API Analysis {
  Snapshot snapshot;
  Layout layout;
  Diagnosis diagnosis;

  const std::vector<Finding>& findings() const { return diagnosis.findings; }  // worst first
  const Finding* finding(std::string_view id) const;                           // the worst one with this id, or null
};

LJMM_API Analysis analyze(Snapshot snapshot);

}  // namespace ljmm
