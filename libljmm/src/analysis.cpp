#include "ljmm/analysis.hpp"

namespace ljmm {

Analysis analyze(Snapshot snapshot) {
  Analysis analysis;
  analysis.layout = classify(snapshot);
  analysis.diagnosis = diagnose(snapshot, analysis.layout);
  analysis.snapshot = std::move(snapshot);
  return analysis;
}

}  // namespace ljmm
