#include "demo.hpp"

#include <unistd.h>

#include "../common/cli.hpp"

namespace ljmm::inspect {

Result<DemoProcess> start_demo(const std::string& mode) {
  std::string beside = cli::executable_directory() + "/ljmm-demo";
  std::string program = ::access(beside.c_str(), X_OK) == 0 ? beside : "ljmm-demo";
  auto child = spawn({program, mode}, SpawnOptions{.pipe_stdin = true, .pipe_stdout = true});
  if (!child) return child.error();
  auto facts = child->read_line(60'000);
  if (!facts) return make_error(Errc::io_error, "the demo did not start: " + facts.error().message);
  return DemoProcess{std::move(child).value(), std::move(facts).value()};
}

}  // namespace ljmm::inspect
