// MAP_32BIT placement in processes with tens of thousands of mappings, in every reservation mode
// (test/progs/runtime_scale.c). [1 GiB, 2 GiB) is taken, so every request needs the runtime.
// vm.max_map_count is left as it is: 65,000 mappings fit under its default of 65,530, and the
// limit scenario reaches whatever the limit is (skipped when it is too high to reach quickly).
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>

#include "command.hpp"

namespace ljmm::test {
namespace {

long max_map_count() {
  std::ifstream file("/proc/sys/vm/max_map_count");
  long value = -1;
  file >> value;
  return value;
}

CommandResult run_scale(const std::string& argument, const std::string& mode) {
  return run_command(
      {"env", "LJMM_RESERVE=" + mode, "timeout", "-k", "5", "60", test_progs_dir() + "/runtime_scale", argument});
}

void expect_all_checks_pass(const CommandResult& result, const std::string& what) {
  EXPECT_EQ(result.exit_code, 0) << what << "\n" << result.out << result.err;
  EXPECT_EQ(result.out.find("\"ok\":false"), std::string::npos) << what << "\n" << result.out;
  EXPECT_NE(result.out.find("\"ok\":true"), std::string::npos) << what << "\n" << result.out;
}

// Counted as lines of /proc/self/maps, the process's own included: 65,000 is as many as the
// default vm.max_map_count leaves room for, with the requests on top.
TEST(RuntimeScale, Map32BitBelow2GiBAt40000To65000MappingsInEveryMode) {
  if (max_map_count() < 65100) GTEST_SKIP() << "vm.max_map_count is " << max_map_count();
  for (std::string count : {"40000", "60000", "65000"})
    for (std::string mode : {"none", "window", "brk-block"}) {
      CommandResult result = run_scale(count, mode);
      expect_all_checks_pass(result, count + " mappings, LJMM_RESERVE=" + mode);
      size_t timing = result.out.rfind("\"detail\"");  // the last check's detail: the timings
      if (timing != std::string::npos) std::cout << count << " " << mode << ": " << result.out.substr(timing);
    }
}

// At vm.max_map_count the kernel refuses every new mapping: ENOMEM is the right answer then, but
// a failed request must not cost the window its room, and munmap must report what it did.
TEST(RuntimeScale, AtTheMapCountLimitRequestsFailAloneInEveryMode) {
  long limit = max_map_count();
  if (limit < 0 || limit > 300000) GTEST_SKIP() << "vm.max_map_count is " << limit << ": too many to reach";
  for (std::string mode : {"none", "window", "brk-block"})
    expect_all_checks_pass(run_scale("limit", mode), "LJMM_RESERVE=" + mode);
}

}  // namespace
}  // namespace ljmm::test
