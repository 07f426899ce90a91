// libFuzzer: an ELF core through the whole pipeline: its program headers and notes parsed, the
// regions named, classified and diagnosed, every renderer, and the JSON snapshot read back.
// Nothing but the bytes is read (no files the core names).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ljmm/json.hpp"
#include "ljmm/postmortem.hpp"
#include "ljmm/render.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto snapshot = ljmm::snapshot_core_bytes(bytes, ljmm::Source{ljmm::SourceKind::core_file, 0, "fuzz"},
                                            ljmm::CoreOptions{.read_mapped_files = false});
  if (!snapshot) return 0;
  for (size_t i = 1; i < snapshot->regions.size(); ++i)
    if (snapshot->regions[i].start < snapshot->regions[i - 1].end) __builtin_trap();  // ascending, apart
  ljmm::Analysis analysis = ljmm::analyze(std::move(snapshot).value());
  ljmm::render_report(analysis, ljmm::TextOptions{true, 120});
  ljmm::render_svg(analysis);
  ljmm::render_prometheus({analysis});
  std::string json = ljmm::snapshot_to_json(analysis);
  if (!ljmm::snapshot_from_json(json, "fuzz.json")) __builtin_trap();  // what ljmm writes, ljmm must read
  return 0;
}
