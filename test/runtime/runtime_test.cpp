// The runtime against real programs: LuaJIT without GC64 in a crowded window, a stress test
// with eight threads and a rival mapper, ljmm_map_near, the LD_PRELOAD shim, reservations.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "command.hpp"
#include "ljmm/child_process.hpp"

namespace ljmm::test {
namespace {

using nlohmann::json;

std::string lib(const std::string& name) { return std::string(LJMM_LIB_DIR) + "/" + name; }
std::string prog(const std::string& name) { return test_progs_dir() + "/" + name; }

// Runs with address randomization off, so the plain and ljmm runs see the same layout.
json run_json(std::vector<std::string> argv, int expected_exit = 0) {
  argv.insert(argv.begin(), {"setarch", "x86_64", "-R"});
  CommandResult result = run_command(argv);
  EXPECT_EQ(result.exit_code, expected_exit) << argv[3] << "\n" << result.out << result.err;
  auto document = json::parse(result.out.substr(0, result.out.find('\n')), nullptr, false);
  EXPECT_FALSE(document.is_discarded()) << result.out;
  return document;
}

double fill(const json& host) { return host["lua_bytes"].get<double>() / host["free_bytes"].get<double>(); }

void expect_counters_add_up(const json& stats) {
  EXPECT_EQ(stats["low_requests"].get<uint64_t>(), stats["fast_path"].get<uint64_t>() + stats["fallbacks"].get<uint64_t>() +
                                                       stats["outside_window"].get<uint64_t>() + stats["failures"].get<uint64_t>())
      << stats.dump();
}

void check_holes(const std::string& pie) {
  json plain = run_json({prog("lua_host_plain_" + pie), "holes"});
  json ljmm = run_json({prog("lua_host_ljmm_" + pie), "holes"});
  ASSERT_EQ(plain["out_of_memory"], true);
  ASSERT_EQ(ljmm["out_of_memory"], true);
  EXPECT_EQ(ljmm["message"], "not enough memory");
  EXPECT_GT(ljmm["gaps"].get<int>(), 400) << "the window is really fragmented";
  EXPECT_GE(fill(ljmm), 0.95) << ljmm.dump();
  EXPECT_GT(ljmm["lua_bytes"].get<uint64_t>(), plain["lua_bytes"].get<uint64_t>()) << plain.dump();
  EXPECT_LT(fill(plain), 0.5) << "LuaJIT's own probing cannot use 1 MiB holes: " << plain.dump();
  EXPECT_GT(ljmm["stats"]["fallbacks"].get<uint64_t>(), 200u);
  expect_counters_add_up(ljmm["stats"]);
}

TEST(RuntimeLuaJit, FragmentedWindowPie) { check_holes("pie"); }
TEST(RuntimeLuaJit, FragmentedWindowNonPie) { check_holes("nopie"); }

// Strings of 100 KB to 1.5 MiB in the 1 MiB holes, against the packing limit of the window's gaps
// for LuaJIT's real footprint per string (page-aligned size plus header: 1 MiB needs 1 MiB +
// 4 KiB; 100 KB strings come from its arenas). docs/runtime.md has the table.
TEST(RuntimeLuaJit, StringsOfEverySizeReachThePackingLimit) {
  const std::vector<std::vector<std::string>> runs = {
      {"LJMM_RESERVE=none", "100000", "100032"},     {"LJMM_RESERVE=window", "100000", "100032"},
      {"LJMM_RESERVE=window", "400000", "401408"},   {"LJMM_RESERVE=window", "700000", "700416"},
      {"LJMM_RESERVE=window", "1048576", "1052672"}, {"LJMM_RESERVE=window", "1572864", "1576960"}};
  for (const auto& run : runs) {
    json ljmm = run_json({"env", run[0], prog("lua_host_ljmm_pie"), "holes", run[1], run[2]});
    EXPECT_GE(ljmm["lua_bytes"].get<double>(), 0.95 * ljmm["limit_bytes"].get<double>()) << ljmm.dump();
  }
}

TEST(RuntimeLuaJit, LargeBrkHeapLuaJitAloneDoesEquallyWell) {
  // A non-PIE host whose brk heap fills most of the window: the rest is one gap inside
  // MAP_32BIT's range, which LuaJIT's MAP_32BIT call fills by itself (docs/runtime.md).
  json plain = run_json({prog("lua_host_plain_nopie"), "brk-heap"});
  json ljmm = run_json({prog("lua_host_ljmm_nopie"), "brk-heap"});
  EXPECT_GE(fill(ljmm), 0.95) << ljmm.dump();
  EXPECT_GE(fill(plain), 0.95) << plain.dump();
  EXPECT_GE(ljmm["lua_bytes"].get<double>(), plain["lua_bytes"].get<double>() * 0.99);
  expect_counters_add_up(ljmm["stats"]);
}

TEST(RuntimeLuaJit, EmptyWindow) {
  json ljmm = run_json({prog("lua_host_ljmm_pie"), "none"});
  EXPECT_GE(fill(ljmm), 0.95) << ljmm.dump();
  expect_counters_add_up(ljmm["stats"]);
}

TEST(RuntimeLinking, ArchiveBeforeLuaJitIsDroppedObjectIsNot) {
  std::string luajit = std::string(LJMM_LUAJIT_DIR);
  std::string out = ::testing::TempDir() + "/host";
  std::vector<std::string> common = {"cc", source_dir() + "/test/progs/lua_minimal.c", "-I" + luajit + "/include",
                                     "-o", out, "-Wl,--wrap=mmap64,--wrap=munmap,--wrap=mremap,--wrap=mmap"};
  std::vector<std::string> archive_first = common;
  archive_first.insert(archive_first.end(), {lib("libljmm_runtime.a"), luajit + "/lib/libluajit.a", "-lm", "-ldl"});
  CommandResult dropped = run_command(archive_first);
  EXPECT_NE(dropped.exit_code, 0);
  EXPECT_NE(dropped.err.find("undefined reference to `__wrap_mmap64'"), std::string::npos) << dropped.err;

  std::vector<std::string> object_first = common;
  object_first.insert(object_first.end(), {lib("ljmm.o"), luajit + "/lib/libluajit.a", "-lm", "-ldl"});
  CommandResult linked = run_command(object_first);
  EXPECT_EQ(linked.exit_code, 0) << linked.err;
  EXPECT_EQ(run_command({out}).exit_code, 0) << "the host linked with ljmm.o runs";
}

TEST(RuntimeStress, EightThreadsARivalMapperAndASignalHandler) {
  CommandResult result = run_command({prog("runtime_stress"), "4", "8"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  json report = json::parse(result.out);
  EXPECT_EQ(report["corrupt"], 0);
  EXPECT_EQ(report["overlaps"], 0);
  EXPECT_EQ(report["outside_window"], 0);
  EXPECT_EQ(report["preexisting_replaced"], 0);
  EXPECT_EQ(report["counters_add_up"], true);
  EXPECT_GT(report["mapped"].get<int>(), 1000);
  EXPECT_GT(report["remapped"].get<int>(), 100) << "mremap grew, shrank and moved mappings too";
  EXPECT_GT(report["handler_maps"].get<int>(), 100) << "the signal handler mapped through ljmm too";
  EXPECT_GT(report["stats"]["retries"].get<int>(), 0) << "lost races to the rival were retried";
}

// The path for kernels before 4.17, where MAP_FIXED_NOREPLACE is ignored and the address is only
// a hint: lost races show as a mapping elsewhere, which is undone and placed again.
TEST(RuntimeStress, PlacementWithPlainHintsAsOnOldKernels) {
  CommandResult result = run_command({"env", "LJMM_PLACE_WITH_HINTS=1", prog("runtime_stress"), "3", "8"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  json report = json::parse(result.out);
  EXPECT_EQ(report["overlaps"], 0);
  EXPECT_EQ(report["corrupt"], 0) << "a hint never replaces a mapping";
  EXPECT_EQ(report["preexisting_replaced"], 0);
  EXPECT_EQ(report["counters_add_up"], true);
  EXPECT_GT(report["stats"]["retries"].get<int>(), 0) << "hints the kernel did not honour were undone and retried";
}

TEST(RuntimeStress, WithTheWindowReserved) {
  std::string stats = ::testing::TempDir() + "/reserve-%p.stats";
  CommandResult result = run_command({"env", "LJMM_RESERVE=window", prog("runtime_stress"), "2", "4"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  json report = json::parse(result.out);
  EXPECT_EQ(report["overlaps"], 0);
  EXPECT_EQ(report["corrupt"], 0);
  EXPECT_GT(report["stats"]["reserved_bytes"].get<uint64_t>(), 1u << 30);
  EXPECT_GT(report["stats"]["returned_to_reserve"].get<uint64_t>(), 0u) << "munmap gave ranges back";
  EXPECT_EQ(report["stats"]["fast_path"], 0) << "with the window reserved, everything is carved from it";
  EXPECT_GT(report["remapped"].get<int>(), 100);
  EXPECT_EQ(report["remap_failures"], 0) << "shrinking and moving never fail with room in the window";
  EXPECT_LE(report["stats"]["scans"].get<int>(), 2) << "carved from the ownership table, not from /proc/self/maps";
}

TEST(RuntimeMapNear, ReachIsVerified) {
  CommandResult result = run_command({prog("map_near_check")});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_EQ(result.out.find("\"ok\":false"), std::string::npos) << result.out;
}

TEST(RuntimeRemap, MovesStayLowAndFreedRangesReturnToTheReservation) {
  for (const char* reserve : {"LJMM_RESERVE=none", "LJMM_RESERVE=window"}) {
    CommandResult result = run_command({"env", reserve, prog("remap_check")});
    EXPECT_EQ(result.exit_code, 0) << reserve << "\n" << result.out << result.err;
    EXPECT_EQ(result.out.find("\"ok\":false"), std::string::npos) << result.out;
  }
}

std::map<std::string, uint64_t> read_stats_file(const std::string& path) {
  std::ifstream file(path);
  std::map<std::string, uint64_t> values;
  std::string name, value;
  while (file >> name >> value) values[name] = name == "window" ? 0 : std::stoull(value);
  return values;
}

TEST(RuntimePreload, UnmodifiedProgramGetsTheWholeWindow) {
  json alone = run_json({prog("low_alloc")});
  std::string stats_pattern = ::testing::TempDir() + "/low-alloc-%p.stats";
  CommandResult preloaded = run_command({"env", "LD_PRELOAD=" + lib("libljmm_preload.so"), "LJMM_STATS=" + stats_pattern,
                                         "setarch", "x86_64", "-R", prog("low_alloc")});
  ASSERT_EQ(preloaded.exit_code, 0) << preloaded.out << preloaded.err;
  json with = json::parse(preloaded.out);
  EXPECT_EQ(with["above_2g"], 0);
  EXPECT_LT(alone["bytes"].get<uint64_t>(), 1100u << 20) << "MAP_32BIT alone stops at 1 GiB";
  EXPECT_GT(with["bytes"].get<uint64_t>(), 1900u << 20) << "the shim uses the whole window";
  // The stats file is named after the pid: find it.
  CommandResult found = run_command({"sh", "-c", "ls " + ::testing::TempDir() + "/low-alloc-*.stats"});
  std::string path = found.out.substr(0, found.out.find('\n'));
  auto stats = read_stats_file(path);
  EXPECT_GT(stats["fallbacks"], 900u);
  EXPECT_EQ(stats["low_requests"], stats["fast_path"] + stats["fallbacks"] + stats["outside_window"] + stats["failures"]);
  std::remove(path.c_str());
}

TEST(RuntimePreload, UnmodifiedLuaJitBinary) {
  std::string luajit = std::string(LJMM_LUAJIT_DIR) + "/bin/luajit";
  std::string script =
      "local t = {} local ok = pcall(function() while true do t[#t+1] = string.rep(tostring(#t), 262144) end end) "
      "io.write(string.format('%d\\n', collectgarbage('count') * 1024))";
  CommandResult alone = run_command({"setarch", "x86_64", "-R", luajit, "-e", script});
  CommandResult preloaded = run_command(
      {"env", "LD_PRELOAD=" + lib("libljmm_preload.so"), "setarch", "x86_64", "-R", luajit, "-e", script});
  ASSERT_EQ(preloaded.exit_code, 0) << preloaded.err;
  uint64_t with = std::stoull(preloaded.out), without = std::stoull(alone.out);
  EXPECT_GT(with, 1900u << 20) << "LuaJIT reaches nearly 2 GiB through the shim";
  EXPECT_GE(with, without) << "and never less than alone";
}

}  // namespace
}  // namespace ljmm::test
