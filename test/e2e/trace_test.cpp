// ljmm-trace on real programs with both backends (and both BPF attach types): the demo's brk
// hole counted exactly, process trees followed, -p attach, stacks, signals, lost events, errors.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "bpf_probes.hpp"
#include "command.hpp"
#include "ljmm/child_process.hpp"
#include "trace_run.hpp"

namespace ljmm::test {
namespace {

using nlohmann::json;

json demo_facts(const CommandResult& result) {
  // The demo printed its facts on stdout (ljmm-trace wrote to -o).
  return json::parse(result.out.substr(0, result.out.find('\n')));
}

// tp_btf must work without tracefs and the tracepoint path must mount it: each runs in a mount
// namespace of its own where tracefs is unmounted first.
std::vector<std::string> without_tracefs(std::vector<std::string> argv) {
  std::string line;
  for (const std::string& arg : argv) line += "'" + arg + "' ";
  return {"unshare", "-m", "sh", "-c",
          "umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug/tracing 2>/dev/null; exec " + line};
}

TEST(Trace, BrkHoleFallbacksAreCountedExactlyByEveryBackend) {
  for (const auto& backend : backends()) {
    std::vector<std::string> args = backend;
    args.insert(args.end(), {"--", tool("ljmm-demo"), "brk-hole", "--mib", "8", "--no-wait"});
    Trace trace = run_trace(args);
    ASSERT_FALSE(trace.summary.is_null()) << name_of(backend) << trace.command.err;
    json facts = demo_facts(trace.command);
    const json& fallbacks = trace.summary["fallbacks"];
    EXPECT_GT(fallbacks["pairs"].get<int>(), 10) << name_of(backend);
    EXPECT_EQ(fallbacks["pairs"], fallbacks["brk_failures"]) << "every failed brk was followed by a fallback mmap";
    EXPECT_EQ(fallbacks["bytes"], facts["fallback_bytes"]) << name_of(backend) << ": glibc's own accounting";
    EXPECT_EQ(fallbacks["one_mib"], 1) << "only the first fallback is 1 MiB on this glibc";
    EXPECT_EQ(trace.summary["lost_events"], 0);
    EXPECT_EQ(trace.summary["command_exit"], 0);
    ASSERT_EQ(trace.summary["findings"].size(), 1u);
    EXPECT_EQ(trace.summary["findings"][0]["id"], "malloc-mmap-fallback");
  }
}

TEST(Trace, SameWorkWithoutTheHoleHasNoFallbacks) {
  for (const auto& backend : backends()) {
    std::vector<std::string> args = backend;
    args.insert(args.end(), {"--", tool("ljmm-demo"), "plain", "--mib", "8", "--no-wait"});
    Trace trace = run_trace(args);
    EXPECT_EQ(trace.summary["fallbacks"]["pairs"], 0) << name_of(backend);
    EXPECT_EQ(trace.summary["fallbacks"]["brk_failures"], 0) << name_of(backend);
    EXPECT_GT(trace.summary["syscalls"]["brk"]["calls"].get<int>(), 10) << "the heap grew with brk instead";
  }
}

TEST(Trace, AttachTypesWorkWithAndWithoutTracefs) {
  for (const char* attach : {"tp_btf", "tracepoint"}) {
    std::string output = temp_file(std::string("attach-") + attach + ".txt");
    CommandResult result =
        run_command(without_tracefs({tool("ljmm-trace"), "-v", "-q", "-o", output, "--attach", attach, "--",
                                     tool("ljmm-demo"), "plain", "--mib", "1", "--no-wait"}));
    EXPECT_EQ(result.exit_code, 0) << attach << ": " << result.err;
    if (std::string(attach) == "tracepoint")
      EXPECT_NE(result.err.find("mounted tracefs"), std::string::npos) << result.err;
    else
      EXPECT_EQ(result.err.find("mounted tracefs"), std::string::npos) << result.err;
  }
}

TEST(Trace, FollowsForksThreadsAndExecs) {
  for (const auto& backend : backends()) {
    std::vector<std::string> args = backend;
    std::string demo = tool("ljmm-demo");
    args.insert(args.end(),
                {"--", "sh", "-c",
                 demo + " threads --mib 1 --threads 3 --no-wait & " + demo + " plain --mib 1 --no-wait; wait"});
    Trace trace = run_trace(args);
    std::set<uint32_t> demo_pids, forked, thread_ids;
    for (const json& event : trace.events) {
      if (event["event"] == "fork") forked.insert(event["pid"].get<uint32_t>());
      if (event["event"] == "syscall" && event["comm"] == "ljmm-demo") {
        demo_pids.insert(event["pid"].get<uint32_t>());
        if (event["tid"] != event["pid"]) thread_ids.insert(event["tid"].get<uint32_t>());
      }
    }
    EXPECT_EQ(demo_pids.size(), 2u) << name_of(backend);
    for (uint32_t pid : demo_pids) EXPECT_TRUE(forked.count(pid)) << "fork of " << pid << " seen";
    EXPECT_GE(thread_ids.size(), 3u) << name_of(backend) << ": the demo's threads' own calls";
  }
}

struct Ticker {
  ChildProcess child;
  int pid = 0;
};

Ticker start_ticker() {
  auto child = spawn({test_progs_dir() + "/ticker"}, SpawnOptions{.pipe_stdin = true, .pipe_stdout = true});
  EXPECT_TRUE(child.ok());
  int pid = std::stoi(*child->read_line(10'000));
  return Ticker{std::move(child).value(), pid};
}

char process_state(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key, value;
  while (status >> key >> value)
    if (key == "State:") return value[0];
  return '?';
}

TEST(Trace, AttachToARunningProcessAndDetachCleanly) {
  Ticker ticker = start_ticker();
  for (const auto& backend : backends()) {
    std::vector<std::string> args = backend;
    args.insert(args.end(), {"-p", std::to_string(ticker.pid), "-d", "0.6"});
    Trace trace = run_trace(args);
    EXPECT_GT(trace.summary["syscalls"]["mmap"]["calls"].get<int>(), 20) << name_of(backend);
    for (const json& event : trace.events) EXPECT_EQ(event["pid"], ticker.pid) << name_of(backend) << ": " << event.dump();
    EXPECT_EQ(trace.summary["command_exit"], -1);
    EXPECT_NE(process_state(ticker.pid), 't') << "not left stopped by a tracer";
  }
  EXPECT_TRUE(no_probe_left());
  EXPECT_EQ(::kill(ticker.pid, 0), 0) << "the traced process lives on";
}

TEST(Trace, SigintStopsWithASummaryAndNoProbeLeft) {
  Ticker ticker = start_ticker();
  for (const char* backend : {"bpf", "ptrace"}) {
    auto trace = spawn({tool("ljmm-trace"), "--backend", backend, "-q", "-p", std::to_string(ticker.pid)},
                       SpawnOptions{.pipe_stdout = true});
    ASSERT_TRUE(trace.ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    ::kill(trace->pid(), SIGINT);
    std::string out;
    while (auto line = trace->read_line(10'000)) out += *line + "\n";
    auto status = trace->wait();
    EXPECT_EQ(*status, 0) << backend;
    EXPECT_NE(out.find("Summary"), std::string::npos) << out;
    EXPECT_NE(process_state(ticker.pid), 't');
  }
  EXPECT_TRUE(no_probe_left());
}

TEST(Trace, FramePointerStacksAreSymbolised) {
  for (const char* backend : {"bpf", "ptrace"}) {
    // The brk-hole demo's fallback mmaps come from glibc's malloc, through libc's mmap.
    Trace trace = run_trace(
        {"--backend", backend, "--stack=fp", "--", tool("ljmm-demo"), "brk-hole", "--mib", "1", "--no-wait"});
    bool libc_mmap = false;
    for (const json& event : trace.events) {
      if (event["event"] != "syscall" || event["syscall"] != "mmap" || !event.contains("symbols")) continue;
      std::string top = event["symbols"][0];
      libc_mmap |= top.find("mmap") != std::string::npos && top.find("libc.so.6") != std::string::npos;
    }
    EXPECT_TRUE(libc_mmap) << backend << ": the innermost frame is libc's mmap";
  }
}

// The kernel names each frame-pointer stack's files at the call, so frames of a process that
// exited before ljmm-trace read its events are named too. The reader is held up by a pipe nobody reads for
// two seconds: the storm's output fills it, and the demo runs, execs from sh and exits meanwhile.
TEST(Trace, StacksOfAProcessGoneBeforeItsEventsAreReadAreNamed) {
  std::string script = test_progs_dir() + "/mmap_storm 300; exec " + tool("ljmm-demo") + " brk-hole --mib 1 --no-wait";
  CommandResult result = run_command(
      {"/bin/sh", "-c",
       tool("ljmm-trace") + " --backend bpf --json --stack=fp -- /bin/sh -c '" + script + "' | (sleep 2; cat)"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  size_t demo_mmaps = 0, named = 0;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    json event = json::parse(line, nullptr, false);
    if (event.is_discarded() || event.value("comm", "") != "ljmm-demo" || event.value("syscall", "") != "mmap" ||
        !event.contains("symbols"))
      continue;
    ++demo_mmaps;
    std::string top = event["symbols"][0];
    named += top.find("mmap") != std::string::npos && top.find("libc.so.6") != std::string::npos;
  }
  EXPECT_GT(demo_mmaps, 3u) << result.out.substr(0, 2000);
  EXPECT_GT(named, 0u) << "the demo's fallback mmaps come through libc's mmap";
}

TEST(Trace, LostEventsAreCountedAndReported) {
  std::string storm = test_progs_dir() + "/mmap_storm";
  Trace trace = run_trace({"--backend", "bpf", "-q", "--ring-size", "4KiB", "--", storm, "200000"});
  EXPECT_GT(trace.summary["lost_events"].get<uint64_t>(), 0u);
  EXPECT_NE(trace.command.err.find("events lost"), std::string::npos) << trace.command.err;
  uint64_t seen = trace.summary["syscalls"]["mmap"]["calls"].get<uint64_t>() +
                  trace.summary["syscalls"]["munmap"]["calls"].get<uint64_t>();
  EXPECT_LT(seen, 400000u);
}

void expect_error(const std::vector<std::string>& argv, int exit_code, std::string_view needle) {
  CommandResult result = run_command(argv);
  EXPECT_EQ(result.exit_code, exit_code) << result.err;
  EXPECT_NE(result.err.find(needle), std::string::npos) << result.err;
  EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
}

TEST(TraceErrors, BadTargetsGetOneLineAndNoLeftovers) {
  pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  for (const char* backend : {"bpf", "ptrace"}) {
    expect_error({tool("ljmm-trace"), "--backend", backend, "-p", std::to_string(dead)}, 3,
                 fmt::format("pid {}: no such process", dead));
    expect_error({tool("ljmm-trace"), "--backend", backend, "--", "/no/such/command"}, 3,
                 "cannot run \"/no/such/command\": No such file or directory");
  }
  expect_error({tool("ljmm-trace")}, 2, "nothing to trace");
  expect_error({tool("ljmm-trace"), "--ring-size", "1GB", "-p", "1"}, 2, "not a size");
  expect_error({tool("ljmm-trace"), "--max-threads", "abc", "-p", "1"}, 2,
               "--max-threads: must be a whole number from 1 to 4194304, not abc");
  expect_error({tool("ljmm-trace"), "--top", "2.5", "-p", "1"}, 2, "--top: must be a whole number from 1 to 1000000");
  expect_error({tool("ljmm-trace"), "--backend", "ptrace", "--attach", "tp_btf", "-p", "1"}, 2,
               "--attach chooses how BPF attaches: it does not go with --backend ptrace");
  EXPECT_TRUE(no_probe_left());
}

TEST(TraceErrors, WithoutPrivileges) {
  std::vector<std::string> nobody = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  auto as_nobody = [&](std::vector<std::string> argv) {
    argv.insert(argv.begin(), nobody.begin(), nobody.end());
    return argv;
  };
  // BPF asked for explicitly: refused, exit 5.
  expect_error(as_nobody({tool("ljmm-trace"), "--backend", "bpf", "--", "/bin/true"}), 5, "no BPF permission");
  // Another user's process with ptrace: refused, exit 3, and pid 1 is not left stopped.
  expect_error(as_nobody({tool("ljmm-trace"), "--backend", "ptrace", "-p", "1"}), 3, "pid 1: cannot trace it");
  EXPECT_NE(process_state(1), 't');
  // Automatic: says in one line that it falls back to ptrace, and traces the command.
  CommandResult automatic = run_command(
      as_nobody({tool("ljmm-trace"), "-q", "--", tool("ljmm-demo"), "brk-hole", "--mib", "1", "--no-wait"}));
  EXPECT_EQ(automatic.exit_code, 0) << automatic.err;
  EXPECT_NE(automatic.err.find("backend ptrace (no BPF permission"), std::string::npos) << automatic.err;
  EXPECT_NE(automatic.out.find("failed brk calls each followed"), std::string::npos) << automatic.out;
}

}  // namespace
}  // namespace ljmm::test
