// Running the real tools from tests: argv in, exit code and both outputs back.
#pragma once

#include <string>
#include <vector>

namespace ljmm::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv (PATH searched) and collects stdout and stderr until it exits.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& stdin_text = {});

// Where the build put things (set by CMake).
std::string test_progs_dir();  // helper programs under test/progs
std::string source_dir();      // the repository

// The tools under test (support/tools.cpp, linked only into the suites that start them): this
// build's, or those of $LJMM_TEST_TOOLS_DIR (a sanitizer build's tools run by this build's tests).
std::string bin_dir();                      // ljmm-inspect, ljmm-demo, ...
std::string tool(const std::string& name);  // bin_dir() + "/" + name

// argv as a machine without the shared library `soname` runs it: in a mount namespace of its
// own, the library's file is /dev/null there (needs root).
std::vector<std::string> without_library(const std::string& soname, const std::vector<std::string>& argv);

// Debian's python3 with its packages (jsonschema, prometheus_client), never a user's.
inline const char* system_python = "/usr/bin/python3";

// Validates a JSON document (or JSON Lines) against docs/schema/SCHEMA with python3-jsonschema;
// exit code 0 when valid, each error on stdout otherwise.
CommandResult validate_json(const std::string& schema, const std::string& text, bool lines = false);

}  // namespace ljmm::test
