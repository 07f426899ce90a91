// The BPF attach methods the trace tests run with: fexit only where this kernel lets fexit
// programs attach (not on every kernel, so it is probed once, by asking ljmm-trace for it).
// The VM tests set LJMM_EXPECT_FEXIT=1 on the Debian kernels, where it must be there.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "command.hpp"

namespace ljmm::test {

inline bool fexit_available() {
  static const bool available = [] {
    CommandResult probe = run_command({"timeout", "120", tool("ljmm-trace"), "-q", "-o", "/dev/null", "--backend",
                                       "bpf", "--attach", "fexit", "--", "true"});
    const char* expected = std::getenv("LJMM_EXPECT_FEXIT");
    if (expected && std::string(expected) == "1") {
      EXPECT_EQ(probe.exit_code, 0) << "fexit must attach on this kernel: " << probe.err;
    }
    return probe.exit_code == 0;
  }();
  return available;
}

// Cheapest for other processes first, as --attach auto tries them.
inline const std::vector<std::string>& bpf_attaches() {
  static const std::vector<std::string> attaches = [] {
    std::vector<std::string> methods;
    if (fexit_available()) methods.push_back("fexit");
    methods.insert(methods.end(), {"tracepoint", "tp_btf"});
    return methods;
  }();
  return attaches;
}

// Every backend, and the BPF one with each attach method, as ljmm-trace options.
inline const std::vector<std::vector<std::string>>& backends() {
  static const std::vector<std::vector<std::string>> all = [] {
    std::vector<std::vector<std::string>> options;
    for (const std::string& attach : bpf_attaches()) options.push_back({"--backend", "bpf", "--attach", attach});
    options.push_back({"--backend", "ptrace"});
    return options;
  }();
  return all;
}

}  // namespace ljmm::test
