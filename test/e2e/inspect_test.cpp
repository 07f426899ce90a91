// ljmm-inspect against real processes: PIE and non-PIE probes, the demo, bad targets.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "ljmm/child_process.hpp"
#include "ljmm/units.hpp"

namespace ljmm::test {
namespace {

using nlohmann::json;

uint64_t hex(const json& value) { return std::stoull(value.get<std::string>(), nullptr, 16); }

struct Probe {
  ChildProcess child;
  json facts;
};

Probe start(const std::vector<std::string>& argv) {
  auto child = spawn(argv, SpawnOptions{.pipe_stdin = true, .pipe_stdout = true});
  EXPECT_TRUE(child.ok()) << (child.ok() ? "" : child.error().message);
  auto line = child->read_line(30'000);
  EXPECT_TRUE(line.ok()) << (line.ok() ? "" : line.error().message);
  return Probe{std::move(child).value(), json::parse(*line)};
}

json inspect_json(int pid, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv = {tool("ljmm-inspect"), std::to_string(pid), "--json"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  CommandResult result = run_command(argv);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return json::parse(result.out);
}

const json* region_containing(const json& snapshot, uint64_t address) {
  for (const json& region : snapshot["regions"])
    if (hex(region["start"]) <= address && address < hex(region["end"])) return &region;
  return nullptr;
}

void check_probe_layout(const std::string& program, bool pie) {
  Probe probe = start({test_progs_dir() + "/" + program});
  json snapshot = inspect_json(probe.child.pid());
  uint64_t sbrk = hex(probe.facts["sbrk"]);

  EXPECT_EQ(snapshot["process"]["pie"], pie);
  EXPECT_EQ(snapshot["process"]["brk_source"], "glibc");
  EXPECT_EQ(hex(snapshot["process"]["brk"]), sbrk) << "brk is exactly what sbrk(0) says";

  const json* heap = region_containing(snapshot, hex(probe.facts["block"]));
  ASSERT_NE(heap, nullptr);
  EXPECT_EQ((*heap)["kind"], "heap");
  EXPECT_EQ((*heap)["segment"], "s5");
  EXPECT_EQ(hex((*heap)["end"]), (sbrk + 4095) / 4096 * 4096) << "[heap] ends at the page-rounded break";

  const json* text = region_containing(snapshot, hex(probe.facts["main"]));
  ASSERT_NE(text, nullptr);
  EXPECT_EQ((*text)["segment"], "s1");
  EXPECT_EQ((*text)["perms"], "r-xp");
  EXPECT_EQ((*text)["path"], test_progs_dir() + "/" + program);

  const json* stack = region_containing(snapshot, hex(probe.facts["local"]));
  ASSERT_NE(stack, nullptr);
  EXPECT_EQ((*stack)["kind"], "stack");
  EXPECT_EQ((*stack)["segment"], "s7");

  bool has_data = false, has_gap = false;
  for (const json& region : snapshot["regions"]) has_data |= region["segment"] == "s2";
  for (const json& gap : snapshot["gaps"]) has_gap |= gap["segment"] == "s4" && gap["above"] == "s5";
  EXPECT_TRUE(has_data);
  EXPECT_TRUE(has_gap) << "the randomization gap sits between the executable and the heap";
}

TEST(Inspect, PieProbe) { check_probe_layout("layout_probe_pie", true); }
TEST(Inspect, NonPieProbe) { check_probe_layout("layout_probe_nopie", false); }
TEST(Inspect, StaticProbe) { check_probe_layout("layout_probe_static", false); }

TEST(Inspect, JsonValidatesAgainstTheSchema) {
  Probe probe = start({test_progs_dir() + "/layout_probe_nopie"});
  for (const std::vector<std::string>& extra : {std::vector<std::string>{}, std::vector<std::string>{"--smaps"}}) {
    std::vector<std::string> argv = {tool("ljmm-inspect"), std::to_string(probe.child.pid()), "--json"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    CommandResult inspected = run_command(argv);
    ASSERT_EQ(inspected.exit_code, 0) << inspected.err;
    CommandResult validated = validate_json("snapshot.schema.json", inspected.out);
    EXPECT_EQ(validated.exit_code, 0) << validated.out << validated.err;
  }
  // A saved maps file: facts inferred, the break presumed, findings from that.
  CommandResult from_file =
      run_command({tool("ljmm-inspect"), "--maps",
                   std::string(LJMM_SOURCE_DIR) + "/test/data/nginx-master-brk-hole.maps", "--json"});
  ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
  EXPECT_NE(from_file.out.find("\"brk_source\": \"presumed\""), std::string::npos);
  CommandResult validated = validate_json("snapshot.schema.json", from_file.out);
  EXPECT_EQ(validated.exit_code, 0) << validated.out << validated.err;
}

TEST(Inspect, SmapsAddsRss) {
  Probe probe = start({test_progs_dir() + "/layout_probe_pie"});
  json snapshot = inspect_json(probe.child.pid(), {"--smaps"});
  EXPECT_EQ(snapshot["has_smaps"], true);
  const json* heap = region_containing(snapshot, hex(probe.facts["block"]));
  ASSERT_NE(heap, nullptr);
  EXPECT_GE((*heap)["smaps"]["Rss"].get<uint64_t>(), 100u * 1024) << "the probe touched its 100 KiB block";
}

TEST(Inspect, TextReportHasPictureTableAndTotals) {
  Probe probe = start({test_progs_dir() + "/layout_probe_nopie"});
  CommandResult result = run_command({tool("ljmm-inspect"), std::to_string(probe.child.pid()), "--width", "120"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  for (const char* needle :
       {"PIE: no", "Findings (worst first)", "Address space, low to high", "s1 text", "s4 randomization gap", "s5 heap",
        "s7 stack", "s8 kernel", "Regions by segment", "Totals per segment", "[vsyscall]"})
    EXPECT_NE(result.out.find(needle), std::string::npos) << needle << "\n" << result.out;
  EXPECT_EQ(result.out.find("\x1b["), std::string::npos) << "no color when not a terminal";
  CommandResult colored = run_command({tool("ljmm-inspect"), std::to_string(probe.child.pid()), "--color=always"});
  EXPECT_NE(colored.out.find("\x1b["), std::string::npos);
}

TEST(Inspect, SavedMapsFileAndSnapshotGiveTheSameLayout) {
  Probe probe = start({test_progs_dir() + "/layout_probe_nopie"});
  std::string maps_path = ::testing::TempDir() + "/probe.maps";
  std::string snapshot_path = ::testing::TempDir() + "/probe.json";
  ASSERT_EQ(run_command({"cp", "/proc/" + std::to_string(probe.child.pid()) + "/maps", maps_path}).exit_code, 0);
  CommandResult saved = run_command({tool("ljmm-inspect"), std::to_string(probe.child.pid()), "--json"});
  ASSERT_EQ(saved.exit_code, 0);
  ASSERT_EQ(run_command({"sh", "-c", "cat > " + snapshot_path}, saved.out).exit_code, 0);

  CommandResult from_maps = run_command({tool("ljmm-inspect"), "--maps", maps_path, "--json"});
  CommandResult from_snapshot = run_command({tool("ljmm-inspect"), "--snapshot", snapshot_path, "--json"});
  ASSERT_EQ(from_maps.exit_code, 0) << from_maps.err;
  ASSERT_EQ(from_snapshot.exit_code, 0) << from_snapshot.err;
  json a = json::parse(from_maps.out), b = json::parse(from_snapshot.out), live = json::parse(saved.out);
  EXPECT_EQ(a["regions"].size(), live["regions"].size());
  for (size_t i = 0; i < live["regions"].size(); ++i) {
    EXPECT_EQ(a["regions"][i]["segment"], live["regions"][i]["segment"]) << i;
    EXPECT_EQ(b["regions"][i], live["regions"][i]) << i;
  }
  EXPECT_EQ(b["process"], live["process"]);
  EXPECT_EQ(a["process"]["exe"], live["process"]["exe"]) << "the executable is inferred from the file";
}

int dead_pid() {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

void expect_failure(const std::vector<std::string>& argv, int exit_code, std::string_view needle) {
  CommandResult result = run_command(argv);
  EXPECT_EQ(result.exit_code, exit_code) << result.err;
  EXPECT_NE(result.err.find(needle), std::string::npos) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << "one line: " << result.err;
  EXPECT_TRUE(result.out.empty()) << result.out;
}

TEST(InspectErrors, NoSuchPid) {
  int pid = dead_pid();
  expect_failure({tool("ljmm-inspect"), std::to_string(pid)}, 3, fmt::format("pid {}: no such process", pid));
}

TEST(InspectErrors, PermissionDeniedForAnotherUsersProcess) {
  // As nobody, pid 1 (root's) refuses /proc/1/maps.
  expect_failure({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", tool("ljmm-inspect"), "1"}, 3,
                 "pid 1: permission denied reading maps");
}

TEST(InspectErrors, ZombieHasNoAddressSpace) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::usleep(100'000);  // exited, not reaped: a zombie
  expect_failure({tool("ljmm-inspect"), std::to_string(pid)}, 3, "zombie");
  ::waitpid(pid, nullptr, 0);
}

TEST(InspectErrors, KernelThread) { expect_failure({tool("ljmm-inspect"), "2"}, 3, "kernel thread"); }

TEST(InspectErrors, UnreadableAndMalformedFiles) {
  expect_failure({tool("ljmm-inspect"), "--maps", "/nonexistent/maps"}, 3, "/nonexistent/maps: No such file");
  expect_failure({tool("ljmm-inspect"), "--maps", "/"}, 3, "/: Is a directory");
  std::string garbage = ::testing::TempDir() + "/garbage.maps";
  run_command({"sh", "-c", "printf '00400000-00401000 r-xp 00000000 fe:00 1 /x\\nnot a maps line\\n' > " + garbage});
  expect_failure({tool("ljmm-inspect"), "--maps", garbage}, 4, "malformed maps line 2");
  expect_failure({tool("ljmm-inspect"), "--snapshot", garbage}, 4, "not valid JSON");
}

TEST(InspectErrors, Usage) {
  expect_failure({tool("ljmm-inspect"), "not-a-pid"}, 2, "\"not-a-pid\" is not a pid");
  expect_failure({tool("ljmm-inspect")}, 2, "give exactly one of");
  expect_failure({tool("ljmm-inspect"), "1", "--maps", "x"}, 2, "give exactly one of");
  CommandResult bad_option = run_command({tool("ljmm-inspect"), "--colour"});
  EXPECT_EQ(bad_option.exit_code, 2);
}

}  // namespace
}  // namespace ljmm::test
