#include "demo.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "../common/cli.hpp"
#include "ljmm/units.hpp"

namespace ljmm::inspect {

Result<DemoProcess> start_demo(const std::string& mode) {
  std::string beside = cli::executable_directory() + "/ljmm-demo";
  std::string program = ::access(beside.c_str(), X_OK) == 0 ? beside : "ljmm-demo";
  auto child = spawn({program, mode}, SpawnOptions{.pipe_stdin = true, .pipe_stdout = true});
  if (!child) return child.error();
  auto facts = child->read_line(60'000);
  if (!facts) return with_context(facts.error(), "the demo did not start", Errc::io_error);
  return DemoProcess{std::move(child).value(), std::move(facts).value()};
}

}  // namespace ljmm::inspect

namespace ljmm::inspect {

std::string describe_demo(const std::string& facts) {
  auto demo = nlohmann::json::parse(facts, nullptr, false);
  if (demo.is_discarded()) return "demo: " + facts;
  std::string text =
      fmt::format("demo: ljmm-demo {} (pid {}) keeps {} in {} small objects", demo.value("mode", "?"),
                  demo.value("pid", 0), format_size(demo.value("object_bytes", uint64_t{0})), demo.value("objects", 0));
  if (demo.value("mode", "") == "brk-hole") {
    text += fmt::format("; it mapped {} at the break {}, and glibc now accounts {} outside the heap",
                        format_size(demo.value("block_bytes", uint64_t{0})), demo.value("block", "?"),
                        format_size(demo.value("fallback_bytes", uint64_t{0})));
  }
  return text + ".";
}

}  // namespace ljmm::inspect
