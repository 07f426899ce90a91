// The runtime request by request: a real LuaJIT growing blocks in place under every reservation,
// coalescing, in-place mremap, the program's own fixed addresses, absurd requests, MAP_32BIT's
// contract, no-MMU emulation and map_near for a non-PIE program. Every child is bounded by
// `timeout`, so a hang fails the test instead of stopping the run.
#include <gtest/gtest.h>

#include "command.hpp"

namespace ljmm::test {
namespace {

std::string prog(const std::string& name) { return test_progs_dir() + "/" + name; }

CommandResult bounded(std::vector<std::string> argv, std::vector<std::string> environment = {}) {
  std::vector<std::string> full = {"env"};
  full.insert(full.end(), environment.begin(), environment.end());
  full.insert(full.end(), {"timeout", "-k", "5", "120"});
  full.insert(full.end(), argv.begin(), argv.end());
  return run_command(full);
}

void expect_all_checks_pass(const CommandResult& result, const std::string& what) {
  EXPECT_EQ(result.exit_code, 0) << what << "\n" << result.out << result.err;
  EXPECT_EQ(result.out.find("\"ok\":false"), std::string::npos) << what << "\n" << result.out;
  EXPECT_NE(result.out.find("\"ok\":true"), std::string::npos) << what << "\n" << result.out;
}

// LuaJIT without GC64 grows large blocks with mremap in place: tables and string buffers growing
// side by side must never grow into each other (with the window reserved this segfaulted).
TEST(RuntimeLuaJitGrow, TablesAndStringsGrowInPlaceInEveryMode) {
  std::string script = source_dir() + "/test/luajit/grow_in_place.lua";
  std::string shim = std::string(LJMM_LIB_DIR) + "/libljmm_preload.so";
  std::string luajit = std::string(LJMM_LUAJIT_DIR) + "/bin/luajit";
  for (std::string mode : {"none", "window", "brk-block"}) {
    CommandResult preloaded = bounded({luajit, script}, {"LD_PRELOAD=" + shim, "LJMM_RESERVE=" + mode});
    EXPECT_EQ(preloaded.exit_code, 0) << "shim, " << mode << "\n" << preloaded.out << preloaded.err;
    EXPECT_EQ(preloaded.out.rfind("ok ", 0), 0u) << preloaded.out;
    CommandResult linked = bounded({prog("lua_run_ljmm"), script}, {"LJMM_RESERVE=" + mode});
    EXPECT_EQ(linked.exit_code, 0) << "ljmm.o, " << mode << "\n" << linked.out << linked.err;
    EXPECT_EQ(linked.out.rfind("ok ", 0), 0u) << linked.out;
  }
}

TEST(RuntimeRequests, FreedBlocksCoalesceInTheReservation) {
  expect_all_checks_pass(bounded({prog("runtime_requests"), "coalesce"},
                                 {"LJMM_WINDOW=0x40000000-0x40400000", "LJMM_RESERVE=window"}),
                         "coalesce");
}

TEST(RuntimeRequests, InPlaceGrowthOnlyIntoFreeReservationAndDontUnmap) {
  expect_all_checks_pass(bounded({prog("runtime_requests"), "remap"},
                                 {"LJMM_WINDOW=0x40000000-0x40800000", "LJMM_RESERVE=window"}),
                         "remap");
}

TEST(RuntimeRequests, TheProgramsOwnAddressesInAReservedWindow) {
  expect_all_checks_pass(bounded({prog("runtime_requests"), "fixed"}, {"LJMM_RESERVE=window"}), "fixed");
}

TEST(RuntimeRequests, AbsurdRequestsFailAloneInEveryMode) {
  for (std::string mode : {"none", "window", "brk-block"})
    expect_all_checks_pass(bounded({prog("runtime_requests"), "absurd"}, {"LJMM_RESERVE=" + mode}), mode);
}

TEST(RuntimeRequests, Map32BitWithWindowsEndingAt1GiBAnd4GiB) {
  for (std::string window : {"0x10000000-0x40000000", "0x40000000-0x100000000"}) {
    for (std::string mode : {"none", "window"})
      expect_all_checks_pass(
          bounded({prog("runtime_requests"), "map32"}, {"LJMM_WINDOW=" + window, "LJMM_RESERVE=" + mode}),
          window + " " + mode);
  }
}

// No-MMU emulation: a seccomp filter installed after start-up (ld.so itself maps with MAP_FIXED)
// makes every fixed mapping EINVAL. The probe turns placement off once; nothing loops.
TEST(RuntimeRequests, NoFixedPlacementIsDetectedOnceByTheProbe) {
  expect_all_checks_pass(bounded({prog("runtime_requests"), "seccomp"}), "seccomp");
}

// A maps line longer than the reader's buffer (a 9 KiB path) was dropped: its mapping looked free.
TEST(RuntimeRequests, MapsLinesOfAnyLength) {
  expect_all_checks_pass(bounded({prog("runtime_requests"), "longline"},
                                 {"LJMM_WINDOW=0x40000000-0x40200000", "TMPDIR=" + ::testing::TempDir()}),
                         "longline");
}

// The brk headroom: with the window reserved, a non-PIE program's malloc still grows its brk heap.
// Without headroom the reservation sits right on the break and malloc falls back to mmap.
TEST(RuntimeRequests, BrkHeadroomKeepsTheHeapGrowingBesideAReservedWindow) {
  expect_all_checks_pass(bounded({prog("runtime_requests_nopie"), "headroom"}, {"LJMM_RESERVE=window"}), "default");
  CommandResult none = bounded({prog("runtime_requests_nopie"), "headroom"}, {"LJMM_RESERVE=window", "LJMM_BRK_HEADROOM=0"});
  EXPECT_NE(none.out.find("break grew 0 MiB"), std::string::npos)
      << "without headroom the break cannot move\n" << none.out;
}

// An 8 KiB alternate signal stack overflowed when the maps buffer lived on the stack.
TEST(RuntimeRequests, PlacementPathUsesLessThan2KiBOfStack) {
  for (std::string mode : {"none", "window"})
    expect_all_checks_pass(bounded({prog("runtime_requests"), "stack"}, {"LJMM_RESERVE=" + mode}), mode);
}

TEST(RuntimeMapNear, NonPieSymbolBelow2GiB) {
  expect_all_checks_pass(bounded({prog("map_near_check_nopie")}), "non-PIE");
}

}  // namespace
}  // namespace ljmm::test
