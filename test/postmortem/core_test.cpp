// ljmm-inspect --core against cores the kernel and gdb's gcore write of real processes: the
// regions (start, end, permissions, path) and the findings must be those of a live snapshot
// taken just before the dump.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "compare.hpp"
#include "kernel_settings.hpp"
#include "ljmm/child_process.hpp"

namespace ljmm::test {
namespace {

using nlohmann::json;
const std::string work = LJMM_POSTMORTEM_DIR;
const std::string saved_settings = work + "/kernel_settings.saved";
const std::string core_pattern = "/proc/sys/kernel/core_pattern";
const std::string note_limit = "/proc/sys/kernel/core_file_note_size_limit";

struct Running {
  ChildProcess child;
  int pid = 0;
};

// Starts a program that prints one line when its layout is ready and then waits on stdin.
Running start(const std::vector<std::string>& argv) {
  auto child = spawn(argv, SpawnOptions{.pipe_stdin = true, .pipe_stdout = true});
  EXPECT_TRUE(child.ok()) << (child.ok() ? "" : child.error().message);
  auto line = child->read_line(120'000);
  EXPECT_TRUE(line.ok()) << (line.ok() ? "" : line.error().message);
  int pid = child->pid();
  return Running{std::move(child).value(), pid};
}

json inspect(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {tool("ljmm-inspect"), "--json"};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult result = run_command(argv);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return json::parse(result.out.empty() ? "{}" : result.out);
}

// The kernel's core of a process killed by SIGSEGV, written where the core pattern says.
std::string kernel_core(Running& target) {
  ::kill(target.pid, SIGSEGV);
  auto status = target.child.wait();
  EXPECT_TRUE(status.ok());
  std::string path = fmt::format("{}/core.{}", work, target.pid);
  EXPECT_TRUE(std::filesystem::exists(path)) << "no core at " << path;
  return path;
}

std::string gdb_core(const Running& target) {
  std::string prefix = work + "/gcore";
  CommandResult result = run_command({"gcore", "-o", prefix, std::to_string(target.pid)});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return fmt::format("{}.{}", prefix, target.pid);
}

std::string label(const json& region) {
  std::string kind = region["kind"];
  if (kind == "anonymous" || kind == "anon_named") return "";  // a core keeps no anonymous names
  if (kind == "file") return region["path"].get<std::string>() + (region["deleted"].get<bool>() ? " (deleted)" : "");
  return "[" + kind + ":" + region["path"].get<std::string>() + "]";
}

struct Differences {
  bool gdb = false;        // gcore: no [vvar] segments, and [vsyscall] said readable
  bool paths = true;       // compare paths (not when the core has no NT_FILE)
};

void expect_same_regions(const json& live, const json& core, Differences differences) {
  std::vector<std::string> expected, got;
  for (const json& region : live["regions"]) {
    if (differences.gdb && region["kind"] == "vvar") continue;
    std::string perms = differences.gdb && region["kind"] == "vsyscall" ? "" : region["perms"].get<std::string>();
    expected.push_back(fmt::format("{}-{} {} {}", region["start"].get<std::string>(), region["end"].get<std::string>(),
                                   perms, differences.paths ? label(region) : ""));
  }
  for (const json& region : core["regions"]) {
    std::string perms = differences.gdb && region["kind"] == "vsyscall" ? "" : region["perms"].get<std::string>();
    got.push_back(fmt::format("{}-{} {} {}", region["start"].get<std::string>(), region["end"].get<std::string>(),
                              perms, differences.paths ? label(region) : ""));
  }
  EXPECT_EQ(got, expected);
}

// The same findings with the same numbers; gcore leaves mappings out, and so the map count.
void expect_same_findings(const json& live, const json& core, bool gdb) {
  std::vector<std::string> expected, got;
  for (const json& finding : live["findings"])
    expected.push_back(fmt::format("{} {} {}", finding["severity"].get<std::string>(), finding["id"].get<std::string>(),
                                   gdb && finding["id"].get<std::string>().starts_with("map-count") ? "" : as_post_mortem(finding["summary"], live)));
  for (const json& finding : core["findings"])
    got.push_back(fmt::format("{} {} {}", finding["severity"].get<std::string>(), finding["id"].get<std::string>(),
                              gdb && finding["id"].get<std::string>().starts_with("map-count") ? "" : finding["summary"].get<std::string>()));
  EXPECT_EQ(got, expected);
}

bool unseen(const json& core, const std::string& id) {
  for (const json& entry : core["post_mortem"]["unseen"])
    if (entry["id"] == id) return true;
  return false;
}

class CoreTest : public ::testing::Test {
 protected:
  void SetUp() override { std::filesystem::create_directories(work); }
};

TEST_F(CoreTest, DemoCoresHaveTheLiveFindings) {
  KernelSettings settings(saved_settings, {{core_pattern, work + "/core.%p"}});
  Running demo = start({tool("ljmm-demo"), "brk-hole", "--mib", "8"});
  json live = inspect({std::to_string(demo.pid)});
  std::string gcore = gdb_core(demo);
  std::string core = kernel_core(demo);

  json from_kernel = inspect({"--core", core});
  expect_same_regions(live, from_kernel, {});
  expect_same_findings(live, from_kernel, false);
  EXPECT_EQ(from_kernel["post_mortem"]["writer"], "kernel");
  EXPECT_EQ(from_kernel["post_mortem"]["signal_name"], "SIGSEGV");
  EXPECT_EQ(from_kernel["process"]["brk_source"], "glibc");
  EXPECT_EQ(from_kernel["process"]["brk"], live["process"]["brk"]);
  EXPECT_TRUE(unseen(from_kernel, "pages-not-dumped"));
  CommandResult valid = validate_json("snapshot.schema.json", from_kernel.dump());
  EXPECT_EQ(valid.exit_code, 0) << valid.out;

  json from_gdb = inspect({"--core", gcore});
  expect_same_regions(live, from_gdb, {.gdb = true});
  expect_same_findings(live, from_gdb, true);
  EXPECT_EQ(from_gdb["post_mortem"]["writer"], "gdb");
  EXPECT_TRUE(unseen(from_gdb, "permissions-from-files"));
}

TEST_F(CoreTest, CompressedCoresReadAsTheCore) {
  KernelSettings settings(saved_settings, {{core_pattern, work + "/core.%p"}});
  Running demo = start({tool("ljmm-demo"), "brk-hole", "--mib", "8"});
  std::string core = kernel_core(demo);
  json plain = inspect({"--core", core});
  for (const auto& [command, suffix] : std::vector<std::pair<std::string, std::string>>{
           {"zstd -q -f -k", ".zst"}, {"xz -f -k -T1", ".xz"}, {"lz4 -q -f", ".lz4"}}) {
    std::string packed = core + suffix;
    ASSERT_EQ(run_command({"/bin/sh", "-c", fmt::format("{} {} {}", command, core, suffix == ".lz4" ? packed : "")})
                  .exit_code,
              0);
    json inflated = inspect({"--core", packed});
    EXPECT_EQ(inflated["regions"], plain["regions"]) << packed;
    EXPECT_EQ(inflated["findings"], plain["findings"]) << packed;
  }
  CommandResult diff = run_command({tool("ljmm-inspect"), "--diff", core, core + ".zst"});
  EXPECT_EQ(diff.exit_code, 0) << diff.err;
  for (std::string format : {"text", "svg"}) {
    CommandResult view = run_command({tool("ljmm-inspect"), "--core", core, "--format", format});
    EXPECT_EQ(view.exit_code, 0) << view.err;
    EXPECT_NE(view.out.find(format == "text" ? "After the crash" : "after the crash"), std::string::npos);
    EXPECT_NE(view.out.find("pages-not-dumped"), std::string::npos);
  }
}

TEST_F(CoreTest, ThreadedCoresHaveTheLiveFindings) {
  KernelSettings settings(saved_settings, {{core_pattern, work + "/core.%p"}});
  Running demo = start({tool("ljmm-demo"), "threads", "--mib", "8"});
  json live = inspect({std::to_string(demo.pid)});
  std::string gcore = gdb_core(demo);
  std::string core = kernel_core(demo);
  json from_kernel = inspect({"--core", core});
  expect_same_regions(live, from_kernel, {});
  expect_same_findings(live, from_kernel, false);
  EXPECT_GT(from_kernel["post_mortem"]["thread_count"].get<int>(), 1);
  json from_gdb = inspect({"--core", gcore});
  expect_same_regions(live, from_gdb, {.gdb = true});
  expect_same_findings(live, from_gdb, true);
}

TEST_F(CoreTest, StaticI386CoresHaveTheLiveLayout) {
  KernelSettings settings(saved_settings, {{core_pattern, work + "/core.%p"}});
  Running program = start({test_progs_dir() + "/core_i386"});
  json live = inspect({std::to_string(program.pid)});
  std::string gcore = gdb_core(program);
  std::string core = kernel_core(program);
  json from_kernel = inspect({"--core", core});
  expect_same_regions(live, from_kernel, {});
  expect_same_findings(live, from_kernel, false);
  EXPECT_TRUE(unseen(from_kernel, "break-unknown"));  // no glibc: [heap] is presumed
  json from_gdb = inspect({"--core", gcore});
  expect_same_regions(live, from_gdb, {.gdb = true});
}

// 60,000 mappings need 3.8 MB of NT_FILE, under the kernel's 4 MiB limit: every path is there.
TEST_F(CoreTest, SixtyThousandMappingsKeepTheirPaths) {
  KernelSettings settings(saved_settings, {{core_pattern, work + "/core.%p"}, {note_limit, "4194304"}});
  Running program = start({test_progs_dir() + "/many_mappings", "60000"});
  json live = inspect({std::to_string(program.pid)});
  std::string gcore = gdb_core(program);
  std::string core = kernel_core(program);
  json from_kernel = inspect({"--core", core});
  expect_same_regions(live, from_kernel, {});
  expect_same_findings(live, from_kernel, false);
  EXPECT_FALSE(unseen(from_kernel, "file-note-missing"));
  json from_gdb = inspect({"--core", gcore});
  expect_same_regions(live, from_gdb, {.gdb = true});
  expect_same_findings(live, from_gdb, true);
  std::filesystem::remove(gcore);  // 250 MB
}

// The kernel cannot set the note limit under 4 MiB, and leaves NT_FILE out whole when the
// mappings times 64 bytes reach it: 66,000 mappings (vm.max_map_count raised for them) do.
TEST_F(CoreTest, TooManyMappingsForTheFileNoteAreSaid) {
  KernelSettings settings(saved_settings, {{core_pattern, work + "/core.%p"},
                                           {note_limit, "4194304"},
                                           {"/proc/sys/vm/max_map_count", "70000"}});
  Running program = start({test_progs_dir() + "/many_mappings", "66000"});
  json live = inspect({std::to_string(program.pid)});
  std::string core = kernel_core(program);
  CommandResult text = run_command({tool("ljmm-inspect"), "--core", core, "--findings-only"});
  EXPECT_NE(text.out.find("the kernel left NT_FILE out"), std::string::npos) << text.out;
  json from_kernel = inspect({"--core", core});
  expect_same_regions(live, from_kernel, {.paths = false});
  ASSERT_TRUE(unseen(from_kernel, "file-note-missing"));
  for (const json& entry : from_kernel["post_mortem"]["unseen"]) {
    if (entry["id"] != "file-note-missing") continue;
    EXPECT_EQ(entry["count"], from_kernel["regions"].size());
  }
}

TEST_F(CoreTest, CheckAssertsRulesOnACore) {
  KernelSettings settings(saved_settings, {{core_pattern, work + "/core.%p"}});
  Running demo = start({tool("ljmm-demo"), "brk-hole", "--mib", "8"});
  std::string core = kernel_core(demo);
  std::string rules = work + "/rules.json";
  write_setting(rules, R"({"schema": "ljmm.rules/v1", "rules": [{"absent_findings": ["brk-blocked"]}]})");
  CommandResult check = run_command({tool("ljmm-check"), "--rules", rules, "--core", core});
  EXPECT_EQ(check.exit_code, 1) << check.out << check.err;
  EXPECT_NE(check.out.find("brk-blocked"), std::string::npos) << check.out;
}

// A core compressed by a library that is not installed: the package to install, in one line.
TEST_F(CoreTest, ACompressedCoreWithoutItsLibraryIsSaid) {
  std::string zstd = work + "/missing-library.zst";
  write_setting(zstd, "\x28\xb5\x2f\xfd any frame");
  CommandResult result = run_command(without_library("libzstd.so.1", {tool("ljmm-inspect"), "--core", zstd}));
  EXPECT_EQ(result.exit_code, 5) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  EXPECT_NE(result.err.find("libzstd1"), std::string::npos) << result.err;
}

TEST_F(CoreTest, BadCoresGetOneLineAndExitFour) {
  std::string text = work + "/not-a-core";
  write_setting(text, "hello");
  std::string cut = work + "/cut-core";
  write_setting(cut, std::string("\x7f" "ELF\x02\x01\x01", 7) + std::string(9, '\0') + "\x04");
  std::string zstd = work + "/bad.zst";
  write_setting(zstd, "\x28\xb5\x2f\xfd garbage");
  for (const std::string& file : {text, cut, zstd}) {
    CommandResult result = run_command({tool("ljmm-inspect"), "--core", file});
    EXPECT_EQ(result.exit_code, 4) << file << ": " << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
}

}  // namespace
}  // namespace ljmm::test
