// ljmm-inspect --all on a host with real demo processes: findings, filters, an unprivileged user,
// and the metrics file read by Debian's own prometheus-node-exporter.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "command.hpp"
#include "demo.hpp"
#include "ljmm/child_process.hpp"

namespace ljmm::test {
namespace {

using nlohmann::json;

std::vector<json> json_lines(const std::string& text) {
  std::vector<json> documents;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) documents.push_back(json::parse(line));
  return documents;
}

// ljmm-inspect --all --json --no-regions with more arguments: the documents by pid.
std::map<std::string, json> inspect_all(const std::vector<std::string>& arguments) {
  std::vector<std::string> argv = {tool("ljmm-inspect"), "--all", "--json", "--no-regions"};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  CommandResult result = run_command(argv);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::map<std::string, json> by_pid;
  for (json& document : json_lines(result.out))
    by_pid[std::to_string(document["process"]["pid"].get<int>())] = document;
  return by_pid;
}

bool has_finding(const json& document, const std::string& id) {
  for (const json& finding : document["findings"])
    if (finding["id"] == id) return true;
  return false;
}

std::string cgroup_of(const std::string& pid) {
  std::ifstream file("/proc/" + pid + "/cgroup");
  for (std::string line; std::getline(file, line);)
    if (line.rfind("0::", 0) == 0) return line.substr(3);
  return {};
}

TEST(InspectAll, FindsTheBrkHoleAndFilters) {
  Demo hole = start_demo("brk-hole", {"--mib", "32"}), plain = start_demo("plain"), threads = start_demo("threads");
  auto demos = inspect_all({"--comm", "^ljmm-demo$"});
  ASSERT_TRUE(demos.count(hole.pid()) && demos.count(plain.pid()) && demos.count(threads.pid()));
  EXPECT_TRUE(has_finding(demos[hole.pid()], "brk-blocked"));
  EXPECT_FALSE(has_finding(demos[plain.pid()], "brk-blocked"));
  EXPECT_FALSE(has_finding(demos[threads.pid()], "brk-blocked"));
  for (const auto& [pid, document] : demos) {
    EXPECT_EQ(document["process"]["comm"], "ljmm-demo");
    EXPECT_TRUE(document["regions_left_out"].get<bool>());
    EXPECT_TRUE(document["regions"].empty());
  }
  std::string lines;
  for (const auto& [pid, document] : demos) lines += document.dump() + "\n";
  CommandResult valid = validate_json("snapshot.schema.json", lines, true);
  EXPECT_EQ(valid.exit_code, 0) << valid.out;

  EXPECT_TRUE(inspect_all({"--comm", "^ljmm-demo$", "--user", "root"}).count(hole.pid()));
  EXPECT_TRUE(inspect_all({"--comm", "^ljmm-demo$", "--user", "0"}).count(plain.pid()));
  EXPECT_TRUE(inspect_all({"--comm", "^ljmm-demo$", "--user", "nobody"}).empty());
  EXPECT_TRUE(inspect_all({"--exe", tool("ljmm-demo")}).count(threads.pid()));
  EXPECT_TRUE(inspect_all({"--exe", "/usr/bin/no-such-program"}).empty());
  // A kernel thread has no executable: with --exe it is still counted as a kernel thread (kthreadd
  // is pid 2 outside a pid namespace), not as a process that could not be read.
  std::string pid2;
  std::getline(std::ifstream("/proc/2/comm"), pid2);
  if (pid2 == "kthreadd") {
    CommandResult by_exe = run_command({tool("ljmm-inspect"), "--all", "--exe", tool("ljmm-demo"), "--findings-only"});
    EXPECT_EQ(by_exe.out.find("; 0 kernel threads"), std::string::npos) << by_exe.out;
    EXPECT_NE(by_exe.out.find(" kernel threads have no user address space"), std::string::npos) << by_exe.out;
  }
  EXPECT_TRUE(inspect_all({"--comm", "^ljmm-demo$", "--cgroup", cgroup_of(hole.pid())}).count(hole.pid()));
  EXPECT_TRUE(inspect_all({"--comm", "^ljmm-demo$", "--cgroup", "/no/such/cgroup"}).empty());

  // The table, problems only, and --fail-on for cron jobs and CI.
  CommandResult table =
      run_command({tool("ljmm-inspect"), "--all", "--comm", "^ljmm-demo$", "--findings-only", "--fail-on", "error"});
  EXPECT_EQ(table.exit_code, 1) << table.err;
  EXPECT_NE(table.out.find(hole.pid()), std::string::npos) << table.out;
  EXPECT_EQ(table.out.find(" " + plain.pid() + " "), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("processes read"), std::string::npos);
}

TEST(InspectAll, BadFiltersAreOneLineErrors) {
  CommandResult regex = run_command({tool("ljmm-inspect"), "--all", "--comm", "(unclosed"});
  EXPECT_EQ(regex.exit_code, 2);
  EXPECT_NE(regex.err.find("--comm"), std::string::npos) << regex.err;
  CommandResult user = run_command({tool("ljmm-inspect"), "--all", "--user", "no-such-user-here"});
  EXPECT_EQ(user.exit_code, 2);
  EXPECT_NE(user.err.find("no such user"), std::string::npos) << user.err;
}

// As nobody nothing of root's can be read: never fatal, counted and said, its own process shown.
TEST(InspectAll, AnUnprivilegedUserSeesItsOwnAndCountsTheRest) {
  Demo hole = start_demo("brk-hole");
  CommandResult result = run_command({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                      tool("ljmm-inspect"), "--all", "--json", "--no-regions"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::set<std::string> comms;
  for (const json& document : json_lines(result.out)) {
    comms.insert(document["process"]["comm"].get<std::string>());
    EXPECT_NE(std::to_string(document["process"]["pid"].get<int>()), hole.pid());
  }
  EXPECT_TRUE(comms.count("ljmm-inspect")) << result.out.substr(0, 300);
  EXPECT_NE(result.err.find("processes could not be read"), std::string::npos) << result.err;
}

int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

// node_exporter's /metrics, fetched with Debian's python3; empty until it answers.
std::string scrape(int port) {
  std::string script = "import urllib.request\nprint(urllib.request.urlopen('http://127.0.0.1:" + std::to_string(port) +
                       "/metrics', timeout=5).read().decode())";
  for (int tries = 0; tries < 50; ++tries) {
    CommandResult result = run_command({system_python, "-c", script});
    if (result.exit_code == 0) return result.out;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return {};
}

std::set<std::string> demo_series(const std::string& metrics) {
  std::set<std::string> series;
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("ljmm_", 0) == 0 && line.find("comm=\"ljmm-demo\"") != std::string::npos)
      series.insert(line.substr(0, line.rfind(' ')));
  return series;
}

TEST(InspectAll, NodeExporterReadsTheMetricsAndSeriesSurviveRestarts) {
  std::string dir = ::testing::TempDir() + "textfile-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  std::string file = dir + "/ljmm.prom";
  // A copy of the demo of this test's own: other tests run demos meanwhile, and the series of a
  // program depend on the findings its processes have.
  std::string program = dir + "/ljmm-demo";
  std::filesystem::copy_file(tool("ljmm-demo"), program);
  auto write_metrics = [&] {
    CommandResult result =
        run_command({tool("ljmm-inspect"), "--all", "--exe", program, "--format=prometheus", "--smaps", "-o", file});
    ASSERT_EQ(result.exit_code, 0) << result.err;
  };
  int port = free_loopback_port();
  auto exporter =
      spawn({"prometheus-node-exporter", "--web.listen-address=127.0.0.1:" + std::to_string(port),
             "--collector.disable-defaults", "--collector.textfile", "--collector.textfile.directory=" + dir},
            SpawnOptions{.pipe_stdout = true});
  ASSERT_TRUE(exporter.ok()) << exporter.error().message;

  std::set<std::string> first, second;
  {
    Demo hole = start_demo("brk-hole", {"--mib", "8"}, program), plain = start_demo("plain", {"--mib", "8"}, program);
    write_metrics();
    std::string metrics = scrape(port);
    ASSERT_FALSE(metrics.empty()) << "node_exporter did not answer";
    EXPECT_NE(metrics.find("node_textfile_scrape_error 0"), std::string::npos) << metrics.substr(0, 2000);
    EXPECT_NE(metrics.find("ljmm_brk_blocked_sum{comm=\"ljmm-demo\",exe=\"" + program + "\"} 1"), std::string::npos)
        << metrics.substr(0, 3000);
    EXPECT_NE(metrics.find("ljmm_processes{comm=\"ljmm-demo\",exe=\"" + program + "\"} 2"), std::string::npos);
    EXPECT_NE(metrics.find("ljmm_unreadable_processes{reason=\"permission_denied\"}"), std::string::npos);
    EXPECT_NE(metrics.find("ljmm_last_success_timestamp_seconds"), std::string::npos);
    EXPECT_EQ(metrics.find("pid=\""), std::string::npos) << "no pid labels without --per-process";
    first = demo_series(metrics);
  }
  {
    // New pids, the same programs.
    Demo hole = start_demo("brk-hole", {"--mib", "8"}, program), plain = start_demo("plain", {"--mib", "8"}, program);
    write_metrics();
    second = demo_series(scrape(port));
  }
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(first, second) << "a restart made new series";
  exporter->kill_and_reap();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ljmm::test
