// ljmm-demo as the end-to-end tests start it: running, its facts line read, stopped at the end.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command.hpp"
#include "ljmm/child_process.hpp"

namespace ljmm::test {

struct Demo {
  ChildProcess child;
  nlohmann::json facts;  // the JSON line the demo printed about itself
  std::string pid() const { return std::to_string(facts["pid"].get<int>()); }
};

// `program`: a copy of ljmm-demo under another path, for a test that must tell its demos apart
// from those other tests run at the same time (by --exe).
inline Demo start_demo(const std::string& mode, std::vector<std::string> extra = {"--mib", "8"},
                       const std::string& program = tool("ljmm-demo")) {
  std::vector<std::string> argv = {program, mode};
  argv.insert(argv.end(), extra.begin(), extra.end());
  auto child = spawn(argv, SpawnOptions{.pipe_stdin = true, .pipe_stdout = true});
  EXPECT_TRUE(child.ok()) << (child.ok() ? "" : child.error().message);
  auto line = child->read_line(60'000);
  EXPECT_TRUE(line.ok()) << (line.ok() ? "" : line.error().message);
  return Demo{std::move(child).value(), nlohmann::json::parse(*line)};
}

}  // namespace ljmm::test
