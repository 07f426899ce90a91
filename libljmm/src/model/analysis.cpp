#include "ljmm/analysis.hpp"

namespace ljmm {

const Finding* Analysis::finding(std::string_view id) const {
  for (const Finding& candidate : findings())
    if (candidate.id == id) return &candidate;
  return nullptr;
}

Analysis analyze(Snapshot snapshot) {
  Analysis analysis;
  analysis.layout = classify(snapshot);
  analysis.diagnosis = diagnose(snapshot, analysis.layout);
  analysis.snapshot = std::move(snapshot);
  return analysis;
}

}  // namespace ljmm
