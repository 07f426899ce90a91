// Running ljmm-trace from tests: its JSON Lines output parsed and checked against the schema, and
// the backends (and BPF attach types) every trace test runs with (attaches.hpp).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "attaches.hpp"
#include "command.hpp"

namespace ljmm::test {

using nlohmann::json;

struct Trace {
  std::vector<json> events;
  json summary;
  json call_sites;  // with --stack
  json layouts;     // the layout model's part of the summary
  CommandResult command;
};

// A file of this test process: CTest runs tests side by side, each in its own process, and two
// tests that used the same name would read each other's output.
inline std::string temp_file(const std::string& name) {
  return ::testing::TempDir() + "/" + std::to_string(::getpid()) + "-" + name;
}

// Runs ljmm-trace with --json -o FILE and the given arguments (after `prefix`, e.g. setarch -R);
// parses what it wrote.
inline Trace run_trace(std::vector<std::string> arguments, int expected_exit = 0,
                       const std::vector<std::string>& prefix = {}) {
  static int counter = 0;  // one output file per call, per test process
  std::string output = temp_file("trace-" + std::to_string(counter++) + ".jsonl");
  std::vector<std::string> argv = prefix;
  for (const std::string& part : {tool("ljmm-trace"), std::string("--json"), std::string("-o"), output})
    argv.push_back(part);
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  Trace trace;
  trace.command = run_command(argv);
  EXPECT_EQ(trace.command.exit_code, expected_exit) << trace.command.err;
  std::ifstream file(output);
  std::string line;
  while (std::getline(file, line)) {
    json document = json::parse(line);
    (document["type"] == "summary"      ? trace.summary
     : document["type"] == "call_sites" ? trace.call_sites
     : document["type"] == "layouts"    ? trace.layouts
                                        : trace.events.emplace_back()) = document;
  }
  std::ifstream again(output);
  std::stringstream text;
  text << again.rdbuf();
  CommandResult valid = validate_json("trace.schema.json", text.str(), true);
  EXPECT_EQ(valid.exit_code, 0) << valid.out;
  std::remove(output.c_str());
  return trace;
}

inline std::string name_of(const std::vector<std::string>& backend) {
  std::string text;
  for (const std::string& part : backend) text += part + " ";
  return text;
}

}  // namespace ljmm::test
