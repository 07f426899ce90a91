// Runs ljmm-trace on test/progs/marker_maps and counts the calls on its marker region, which no
// other code maps: the program knows how many it made, so a trace's count must match exactly.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "attaches.hpp"
#include "command.hpp"

namespace ljmm::test {

inline constexpr uint64_t marker_bytes = 77 * 4096;  // MARKER_BYTES in marker_maps.c

inline std::string marker_maps() { return test_progs_dir() + "/marker_maps"; }

struct MarkerTrace {
  CommandResult command;
  std::vector<nlohmann::json> events;
  nlohmann::json summary;
  size_t mmaps = 0;    // mmap calls of marker_bytes
  size_t munmaps = 0;  // munmap calls of marker_bytes
  size_t exits = 0;    // exit events
};

// Reads what ljmm-trace --json wrote to `output`.
inline MarkerTrace read_marker_trace(const std::string& output, CommandResult command) {
  MarkerTrace trace;
  trace.command = std::move(command);
  std::ifstream file(output);
  for (std::string line; std::getline(file, line);) {
    nlohmann::json document = nlohmann::json::parse(line, nullptr, false);
    if (document.is_discarded()) continue;
    if (document["type"] == "summary") {
      trace.summary = document;
      continue;
    }
    if (document["type"] != "event") continue;  // the layouts, call sites: not events
    trace.exits += document["event"] == "exit";
    if (document["event"] == "syscall" && document["args"].value("length", uint64_t{0}) == marker_bytes) {
      trace.mmaps += document["syscall"] == "mmap";
      trace.munmaps += document["syscall"] == "munmap";
    }
    trace.events.push_back(std::move(document));
  }
  std::remove(output.c_str());
  return trace;
}

// `prefix` (e.g. unshare ...) ljmm-trace --json -o FILE `arguments`, bounded by a timeout.
inline MarkerTrace run_marker_trace(const std::vector<std::string>& prefix, const std::vector<std::string>& arguments) {
  static int counter = 0;
  std::string output = ::testing::TempDir() + "/marker-" + std::to_string(::getpid()) + "-" +
                       std::to_string(counter++) + ".jsonl";
  std::vector<std::string> argv = {"timeout", "120"};
  argv.insert(argv.end(), prefix.begin(), prefix.end());
  argv.insert(argv.end(), {tool("ljmm-trace"), "--json", "-o", output});
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  return read_marker_trace(output, run_command(argv));
}

}  // namespace ljmm::test
