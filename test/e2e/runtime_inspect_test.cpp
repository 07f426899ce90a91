// ljmm-inspect on a process the runtime serves: the brk-block reservation is the brk hole it is,
// and the runtime's counters are read from the process.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "ljmm/child_process.hpp"

namespace ljmm::test {
namespace {

using nlohmann::json;

TEST(RuntimeInspect, InspectShowsBrkBlockAndRuntimeCounters) {
  auto child = spawn({"env", "LD_PRELOAD=" + std::string(LJMM_LIB_DIR) + "/libljmm_preload.so", "LJMM_RESERVE=brk-block",
                      test_progs_dir() + "/layout_probe_nopie"},
                     SpawnOptions{.pipe_stdin = true, .pipe_stdout = true});
  ASSERT_TRUE(child.ok());
  json probe = json::parse(*child->read_line(30'000));
  CommandResult inspected = run_command({tool("ljmm-inspect"), std::to_string(probe["pid"].get<int>()), "--json"});
  ASSERT_EQ(inspected.exit_code, 0) << inspected.err;
  json snapshot = json::parse(inspected.out);
  ASSERT_FALSE(snapshot["runtime"].is_null());
  EXPECT_EQ(snapshot["runtime"]["reserve_mode"], "brk-block");
  bool blocked = false, runtime = false;
  for (const json& finding : snapshot["findings"]) {
    blocked |= finding["id"] == "brk-blocked";
    runtime |= finding["id"] == "ljmm-runtime";
  }
  EXPECT_TRUE(blocked) << "the brk-block reservation is reported as the brk hole it is";
  EXPECT_TRUE(runtime);
}

}  // namespace
}  // namespace ljmm::test
