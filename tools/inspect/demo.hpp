// `ljmm-inspect --demo`: start ljmm-demo, so the picture is there without hunting for a pid.
#pragma once

#include <string>

#include "ljmm/child_process.hpp"
#include "ljmm/result.hpp"

namespace ljmm::inspect {

struct DemoProcess {
  ChildProcess child;
  std::string facts;  // the JSON line the demo printed about itself
};

// Starts `ljmm-demo MODE` (installed beside this tool) and waits for its facts line.
Result<DemoProcess> start_demo(const std::string& mode);

// One sentence about what the demo did, from its facts line.
std::string describe_demo(const std::string& facts);

}  // namespace ljmm::inspect
