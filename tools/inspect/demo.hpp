// `ljmm-inspect --demo`: start ljmm-demo, so the picture is there without hunting for a pid.
#pragma once

#include <string>
#include <vector>

#include "ljmm/child_process.hpp"
#include "ljmm/result.hpp"

namespace ljmm::inspect {

struct DemoProcess {
  ChildProcess child;
  std::string facts;  // the JSON line the demo printed about itself
};

// ljmm-demo's modes, which --demo-mode accepts.
inline const std::vector<std::string> demo_modes = {"brk-hole", "plain", "threads"};

// Starts `ljmm-demo MODE` (installed beside this tool) and waits for its facts line.
Result<DemoProcess> start_demo(const std::string& mode);

// One sentence about what the demo did, from its facts line.
std::string describe_demo(const std::string& facts);

}  // namespace ljmm::inspect
