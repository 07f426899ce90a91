// libFuzzer: the rules parser, and checking what it accepts against a real layout.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ljmm/render.hpp"
#include "ljmm/rules.hpp"

namespace {

const ljmm::Analysis& layout() {
  static const ljmm::Analysis analysis = [] {
    constexpr std::string_view maps =
        "00400000-00401000 r-xp 00000000 fe:00 7 /bin/np\n"
        "00401000-00402000 rw-p 00001000 fe:00 7 /bin/np\n"
        "01000000-02000000 rw-p 00000000 00:00 0 [heap]\n"
        "7f0000000000-7f0000100000 rw-p 00000000 00:00 0 \n"
        "7f0000100000-7f0000200000 r-xp 00000000 fe:00 9 /lib/libc.so.6\n"
        "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]\n";
    return ljmm::analyze(ljmm::snapshot_maps_text(maps, ljmm::Source{ljmm::SourceKind::maps_file, 0, "fuzz"}).value());
  }();
  return analysis;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto rules = ljmm::parse_rules(text, "fuzz.json");
  if (!rules) return 0;
  std::vector<ljmm::Check> checks = ljmm::evaluate(*rules, layout());
  ljmm::checks_text(checks, layout(), false);
  ljmm::checks_json(checks, layout());
  ljmm::checks_junit(checks, layout(), "fuzz");
  return 0;
}
