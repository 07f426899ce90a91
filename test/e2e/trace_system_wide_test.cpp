// ljmm-trace -a, "who on this host hits brk failures": started before a brk-hole demo, it must
// count that demo's calls as strace counts them (failed brk and glibc's fallback mmaps
// included), attributed to its pid and name, and see nothing its filters leave out. The demo
// runs under a name of its own so the filters tell it from other tests' processes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "command.hpp"
#include "strace_log.hpp"
#include "trace_marker.hpp"
#include "trace_run.hpp"

namespace ljmm::test {
namespace {

// A copy of ljmm-demo whose process name no other test uses.
std::string unique_demo() {
  static const std::string path = [] {
    std::string copy = ::testing::TempDir() + "/swdemo" + std::to_string(::getpid());
    std::filesystem::copy_file(tool("ljmm-demo"), copy, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::permissions(copy, std::filesystem::perms(0755));
    return copy;
  }();
  return path;
}
std::string demo_name() { return std::filesystem::path(unique_demo()).filename(); }

struct SystemWideRun {
  CommandResult script;
  std::vector<nlohmann::json> summaries;  // one per tracer, in the order given
  std::vector<std::vector<nlohmann::json>> others;  // what else each tracer wrote (events, activity)
};

// Starts one `ljmm-trace -a --json` per argument list, waits until each says (-v) that it is
// attached, runs `workload` (shell), then stops the tracers with SIGINT as a user would.
SystemWideRun run_system_wide(const std::vector<std::vector<std::string>>& tracers, const std::string& workload,
                              const std::vector<std::string>& prefix = {}) {
  static int counter = 0;
  std::string base = ::testing::TempDir() + "/sw-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  std::string script;
  for (size_t i = 0; i < tracers.size(); ++i) {
    std::string log = base + "-" + std::to_string(i) + ".log", output = base + "-" + std::to_string(i) + ".jsonl";
    script += ": >" + log + "; " + tool("ljmm-trace") + " -v -a --json -o " + output;
    for (const std::string& argument : tracers[i]) script += " '" + argument + "'";
    script += " 2>" + log + " & tracer" + std::to_string(i) + "=$!; tries=0; until grep -q 'attached with' " + log +
              "; do kill -0 $tracer" + std::to_string(i) + " 2>/dev/null || { cat " + log +
              " >&2; exit 9; }; sleep 0.1; tries=$((tries+1)); [ $tries -gt 600 ] && { cat " + log +
              " >&2; exit 9; }; done; ";
  }
  script += workload + "; status=0; ";
  for (size_t i = 0; i < tracers.size(); ++i) script += "kill -INT $tracer" + std::to_string(i) + "; ";
  for (size_t i = 0; i < tracers.size(); ++i)
    script += "wait $tracer" + std::to_string(i) + " || status=$?; cat " + base + "-" + std::to_string(i) + ".log >&2; ";
  script += "exit $status";
  std::vector<std::string> argv = prefix;
  for (const char* part : {"timeout", "180", "sh", "-c"}) argv.push_back(part);
  argv.push_back(script);
  SystemWideRun run;
  run.script = run_command(argv);
  for (size_t i = 0; i < tracers.size(); ++i) {
    std::string output = base + "-" + std::to_string(i) + ".jsonl";
    std::ifstream file(output);
    std::stringstream text;
    text << file.rdbuf();
    CommandResult valid = validate_json("trace.schema.json", text.str(), true);
    EXPECT_EQ(valid.exit_code, 0) << valid.out;
    nlohmann::json summary;
    std::vector<nlohmann::json> others;
    std::istringstream lines(text.str());
    for (std::string line; std::getline(lines, line);) {
      nlohmann::json document = nlohmann::json::parse(line);
      (document["type"] == "summary" ? summary : others.emplace_back()) = document;
    }
    run.summaries.push_back(summary);
    run.others.push_back(others);
    std::remove(output.c_str());
  }
  return run;
}

// The activity entry of process `pid`, or null.
nlohmann::json activity_of(const nlohmann::json& summary, int pid) {
  for (const nlohmann::json& process : summary.value("activity", nlohmann::json::array()))
    if (process["pid"] == pid) return process;
  return nullptr;
}

// What strace saw, counted as the kernel programs count: calls and failures by name, and glibc
// fallbacks (a failed brk, then this thread's next call an anonymous rw mmap that worked).
struct Expected {
  std::map<std::string, uint64_t> calls, failed;
  uint64_t fallback_mmaps = 0, fallback_bytes = 0;
};

Expected count_strace(const Threads& threads) {
  Expected expected;
  for (const auto& calls : threads) {
    bool after_failed_brk = false;
    for (const Call& call : calls) {
      bool failed = call.name == "brk" ? call.args.at(0) != 0 && call.result != Call::fmt_hex(call.args[0])
                                       : call.result.rfind('-', 0) == 0;
      ++expected.calls[call.name];
      expected.failed[call.name] += failed;
      const auto& a = call.args;
      if (after_failed_brk && call.name == "mmap" && !failed && a[0] == 0 && (a[2] & 3) == 3 && a[3] == 0x22) {
        ++expected.fallback_mmaps;
        expected.fallback_bytes += (a[1] + 4095) / 4096 * 4096;
      }
      after_failed_brk = call.name == "brk" && failed;
    }
  }
  return expected;
}

TEST(TraceSystemWide, CountsEachCallOfABrkHoleDemoAsStraceSeesIt) {
  std::string strace_out = ::testing::TempDir() + "/sw-strace-" + std::to_string(::getpid());
  std::string facts = strace_out + ".facts";
  for (const std::string& attach : bpf_attaches()) {
    for (bool counts_only : {true, false}) {
      std::vector<std::string> tracer = {"--attach", attach, "--comm", demo_name()};
      if (counts_only) tracer.push_back("-q");
      std::string what = attach + (counts_only ? " -q" : " events");
      SystemWideRun run = run_system_wide(
          {tracer}, "strace -f -qq -e trace=all -e raw=all -o " + strace_out + " " + unique_demo() +
                        " brk-hole --mib 8 --no-wait >" + facts);
      ASSERT_EQ(run.script.exit_code, 0) << what << ": " << run.script.err;
      std::ifstream facts_file(facts);
      nlohmann::json demo = nlohmann::json::parse(facts_file);
      Expected expected = count_strace(read_strace(strace_out));
      ASSERT_GT(expected.failed["brk"], 0u) << "the brk-hole demo made no failed brk under strace";

      const nlohmann::json& summary = run.summaries[0];
      EXPECT_EQ(summary["system_wide"], true);
      EXPECT_EQ(summary["counts_only"], counts_only);
      EXPECT_EQ(summary["lost_events"], 0) << summary["losses"].dump();
      nlohmann::json process = activity_of(summary, demo["pid"].get<int>());
      ASSERT_FALSE(process.is_null()) << what << ": the demo is not in " << summary["activity"].dump();
      EXPECT_EQ(process["comm"], demo_name()) << what;
      EXPECT_EQ(process["exited"], true) << what;
      for (const trace::TracedSyscall& call : trace::traced_syscalls) {
        const char* name = call.name;
        EXPECT_EQ(process["calls"][name], expected.calls[name]) << what << ": " << name;
        EXPECT_EQ(process["failed"][name], expected.failed[name]) << what << ": failed " << name;
      }
      EXPECT_EQ(process["brk_failures"], expected.failed["brk"]) << what;
      EXPECT_EQ(process["fallback_mmaps"], expected.fallback_mmaps) << what;
      EXPECT_EQ(process["fallback_bytes"], expected.fallback_bytes) << what;
      // The demo measures its own fallback memory from its maps: the same bytes.
      EXPECT_EQ(process["fallback_bytes"], demo["fallback_bytes"]) << what;
      // Only the filtered name: the strace that ran it is not there.
      for (const nlohmann::json& other : summary["activity"]) EXPECT_EQ(other["comm"], demo_name()) << other.dump();
      if (!counts_only) {
        size_t events = 0;
        for (const nlohmann::json& event : run.others[0]) events += event["type"] == "event" && event["pid"] == demo["pid"];
        EXPECT_GE(events, expected.calls["brk"]) << what << ": events were sent for each call";
      } else {
        EXPECT_EQ(summary["events"], 0) << what << ": -q sends no event";
      }
    }
  }
  std::remove(strace_out.c_str());
  std::remove(facts.c_str());
}

TEST(TraceSystemWide, CommAndUidFiltersLeaveOtherProcessesOut) {
  std::string demo = unique_demo();
  // As nobody, as a user's service would run: --uid 65534 sees it, --uid 0 does not.
  SystemWideRun run = run_system_wide(
      {{"-q", "--comm", demo_name()},
       {"-q", "--comm", "no-such-name"},
       {"-q", "--comm", demo_name(), "--uid", "nobody"},
       {"-q", "--comm", demo_name(), "--uid", "0"}},
      "setpriv --reuid=65534 --regid=65534 --clear-groups " + demo + " brk-hole --mib 4 --no-wait >/dev/null");
  ASSERT_EQ(run.script.exit_code, 0) << run.script.err;
  ASSERT_EQ(run.summaries[0]["activity"].size(), 1u) << run.summaries[0]["activity"].dump();
  const nlohmann::json& seen = run.summaries[0]["activity"][0];
  EXPECT_EQ(seen["uid"], 65534);
  EXPECT_GT(seen["brk_failures"], 0);
  EXPECT_TRUE(run.summaries[1]["activity"].empty()) << run.summaries[1]["activity"].dump();
  ASSERT_EQ(run.summaries[2]["activity"].size(), 1u) << run.summaries[2]["activity"].dump();
  EXPECT_EQ(run.summaries[2]["activity"][0]["pid"], seen["pid"]);
  EXPECT_TRUE(run.summaries[3]["activity"].empty()) << run.summaries[3]["activity"].dump();
}

// Where cgroup v2 is mounted: /sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid host.
std::string cgroup2_mount() {
  std::ifstream mounts("/proc/self/mounts");
  for (std::string device, mount_point, type, rest; mounts >> device >> mount_point >> type && std::getline(mounts, rest);)
    if (type == "cgroup2") return mount_point;
  return {};
}

TEST(TraceSystemWide, CgroupFilterSeesOnlyThatCgroup) {
  std::string cgroup = "/ljmm-test-" + std::to_string(::getpid());
  std::string mount = cgroup2_mount();
  std::string directory = mount + cgroup;
  std::error_code error;
  if (mount.empty() || !std::filesystem::create_directory(directory, error)) {
    if (std::getenv("CI")) FAIL() << "cannot create the cgroup " << directory;
    GTEST_SKIP() << "cannot create a cgroup under /sys/fs/cgroup here";
  }
  std::string demo = unique_demo();
  // The first demo moves itself into the cgroup before it runs; the second stays outside.
  std::string facts = ::testing::TempDir() + "/sw-cgroup-" + std::to_string(::getpid());
  std::string inside = "sh -c 'echo $$ > " + directory + "/cgroup.procs && exec " + demo +
                       " brk-hole --mib 4 --no-wait' > " + facts + ".in";
  std::string outside = demo + " plain --mib 4 --no-wait > " + facts + ".out";
  SystemWideRun run = run_system_wide({{"-q", "--cgroup", cgroup}}, inside + "; " + outside);
  std::filesystem::remove(directory, error);  // empty once the demo has exited
  ASSERT_EQ(run.script.exit_code, 0) << run.script.err;
  std::ifstream in_file(facts + ".in"), out_file(facts + ".out");
  nlohmann::json in_facts = nlohmann::json::parse(in_file), out_facts = nlohmann::json::parse(out_file);
  std::filesystem::remove(facts + ".in");
  std::filesystem::remove(facts + ".out");
  const nlohmann::json& summary = run.summaries[0];
  nlohmann::json seen = activity_of(summary, in_facts["pid"].get<int>());
  ASSERT_FALSE(seen.is_null()) << summary["activity"].dump();
  EXPECT_EQ(seen["comm"], demo_name());
  EXPECT_GT(seen["brk_failures"], 0);
  EXPECT_TRUE(activity_of(summary, out_facts["pid"].get<int>()).is_null()) << summary["activity"].dump();
  EXPECT_EQ(summary["activity"].size(), 1u) << summary["activity"].dump();
}

TEST(TraceSystemWide, InsideAPidNamespaceProcessesHaveTheNamespacePids) {
  std::string facts = ::testing::TempDir() + "/sw-ns-" + std::to_string(::getpid()) + ".facts";
  SystemWideRun run = run_system_wide({{"-q", "--comm", demo_name()}},
                                      unique_demo() + " brk-hole --mib 4 --no-wait > " + facts,
                                      {"unshare", "--pid", "--fork", "--mount-proc"});
  ASSERT_EQ(run.script.exit_code, 0) << run.script.err;
  std::ifstream file(facts);
  nlohmann::json demo = nlohmann::json::parse(file);
  std::remove(facts.c_str());
  nlohmann::json seen = activity_of(run.summaries[0], demo["pid"].get<int>());
  ASSERT_FALSE(seen.is_null()) << run.summaries[0]["activity"].dump();
  // Found by the pid the demo wrote from inside: the namespace's, not the host's.
  EXPECT_NE(seen["host_pid"], seen["pid"]);
  EXPECT_GT(seen["brk_failures"], 0);
}

TEST(TraceSystemWide, IntervalPrintsTheRankingAsItGoes) {
  SystemWideRun run = run_system_wide({{"-q", "--interval", "0.3", "--comm", demo_name()}},
                                      unique_demo() + " brk-hole --mib 4 --no-wait >/dev/null; sleep 1");
  ASSERT_EQ(run.script.exit_code, 0) << run.script.err;
  size_t rankings = 0;
  for (const nlohmann::json& document : run.others[0]) rankings += document["type"] == "activity";
  EXPECT_GE(rankings, 2u);
  const nlohmann::json& last = run.others[0].back();
  ASSERT_EQ(last["type"], "activity");
  ASSERT_EQ(last["processes"].size(), 1u) << last.dump();
  EXPECT_GT(last["processes"][0]["brk_failures"], 0);
}

TEST(TraceSystemWide, TextRankingNamesTheDemoFirst) {
  std::string output = ::testing::TempDir() + "/sw-text-" + std::to_string(::getpid()) + ".txt";
  std::string log = output + ".log";
  std::string script = ": >" + log + "; " + tool("ljmm-trace") + " -v -a -q -x -o " + output +
                       " 2>" + log + " & t=$!; until grep -q 'attached with' " + log + "; do sleep 0.1; done; " +
                       unique_demo() + " brk-hole --mib 4 --no-wait >/dev/null; kill -INT $t; wait $t";
  CommandResult result = run_command({"timeout", "120", "sh", "-c", script});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::ifstream file(output);
  std::stringstream text;
  text << file.rdbuf();
  std::remove(output.c_str());
  std::remove(log.c_str());
  // -x: only processes with failed calls; the demo's failed brk put it in the table.
  EXPECT_NE(text.str().find("BRK FAILED"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find(demo_name()), std::string::npos) << text.str();
}

TEST(TraceSystemWide, BadUseIsAOneLineErrorWithExitCode2) {
  const std::vector<std::vector<std::string>> cases = {{"-a", "-p", "1"},
                                                       {"-a", "--backend", "ptrace"},
                                                       {"--comm", "x", "-p", "1"},
                                                       {"-a", "--comm", "a-name-longer-than-15"},
                                                       {"-a", "--cgroup", "/no/such/cgroup"},
                                                       {"-a", "--uid", "no-such-user-here"},
                                                       {"-a", "--interval", "0"}};
  for (const auto& arguments : cases) {
    std::vector<std::string> argv = {tool("ljmm-trace"), "-d", "1"};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    CommandResult result = run_command(argv);
    EXPECT_EQ(result.exit_code, 2) << arguments.back() << ": " << result.err;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
  }
}

// As a user without BPF rights: a clear refusal with the documented code, not a ptrace fallback
// (ptrace cannot see every process).
TEST(TraceSystemWide, WithoutBpfRightsItRefusesWithExitCode5) {
  CommandResult result = run_command(
      {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", tool("ljmm-trace"), "-a", "-q", "-d", "1"});
  EXPECT_EQ(result.exit_code, 5) << result.err;
  EXPECT_NE(result.err.find("no BPF permission"), std::string::npos) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
}

}  // namespace
}  // namespace ljmm::test
