// libFuzzer: the smaps parser, and the analysis of what it accepts.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ljmm/analysis.hpp"
#include "ljmm/render.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto regions = ljmm::parse_smaps(text);
  if (!regions) return 0;
  ljmm::Snapshot snapshot;
  snapshot.regions = std::move(regions).value();
  snapshot.has_smaps = true;
  ljmm::infer_process_facts(snapshot);
  ljmm::Analysis analysis = ljmm::analyze(std::move(snapshot));
  ljmm::render_totals(analysis, ljmm::TextOptions{});
  return 0;
}
