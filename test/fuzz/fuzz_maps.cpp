// libFuzzer: a maps file through the whole pipeline: parse, classify, diagnose, every renderer,
// no repeated Prometheus series, and the JSON snapshot read back.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "ljmm/json.hpp"
#include "ljmm/render.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto snapshot = ljmm::snapshot_maps_text(text, ljmm::Source{ljmm::SourceKind::maps_file, 0, "fuzz"});
  if (!snapshot) return 0;
  ljmm::Analysis analysis = ljmm::analyze(std::move(snapshot).value());
  ljmm::render_report(analysis, ljmm::TextOptions{true, 120});
  ljmm::render_svg(analysis);
  // node_exporter rejects a file in which a series repeats.
  std::string metrics = ljmm::render_prometheus({analysis});
  std::set<std::string_view> series;
  for (size_t at = 0, end; at < metrics.size(); at = end + 1) {
    end = std::min(metrics.find('\n', at), metrics.size());
    std::string_view line(metrics.data() + at, end - at);
    if (!line.starts_with('#') && !series.insert(line.substr(0, line.rfind(' '))).second) __builtin_trap();
  }
  std::string json = ljmm::snapshot_to_json(analysis);
  auto again = ljmm::snapshot_from_json(json, "fuzz.json");
  if (!again) __builtin_trap();  // what ljmm writes, ljmm must read
  return 0;
}
