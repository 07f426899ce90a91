// ljmm-check against real processes, its outputs (text, JSON, JUnit), the moment to check, bad
// input; the example CI job; and ljmm-inspect --diff of a process before and after it changes.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "demo.hpp"

namespace ljmm::test {
namespace {

using nlohmann::json;

std::string temp(const std::string& name) {
  return ::testing::TempDir() + "/check-" + std::to_string(::getpid()) + "-" + name;
}

std::string write_file(const std::string& name, const std::string& text) {
  std::string path = temp(name);
  std::ofstream(path) << text;
  return path;
}

const std::string example_rules = source_dir() + "/docs/ci-example-rules.json";

TEST(Check, PassesOnAHealthyProcessAndFailsOnTheBrkHole) {
  Demo plain = start_demo("plain");
  CommandResult pass = run_command({tool("ljmm-check"), "--rules", example_rules, plain.pid()});
  EXPECT_EQ(pass.exit_code, 0) << pass.out << pass.err;
  EXPECT_EQ(pass.out.find("FAIL"), std::string::npos) << pass.out;

  Demo hole = start_demo("brk-hole");
  CommandResult fail = run_command({tool("ljmm-check"), "--rules", example_rules, hole.pid()});
  EXPECT_EQ(fail.exit_code, 1) << fail.out << fail.err;
  for (const char* line : {"FAIL rules[0] malloc can grow the heap: min_brk_room: 0 B (limit >= 64 MiB)",
                           "FAIL rules[1] no malloc fallback memory: max_fallback_bytes:",
                           "FAIL rules[4] absent findings: brk-blocked: present: brk blocked",
                           "PASS rules[2] room below 2 GiB: min_free:"})
    EXPECT_NE(fail.out.find(line), std::string::npos) << line << "\n" << fail.out;
}

TEST(Check, JsonValidatesAndJunitParsesAsXml) {
  Demo hole = start_demo("brk-hole");
  std::string junit = temp("junit.xml");
  CommandResult result =
      run_command({tool("ljmm-check"), "--rules", example_rules, "--json", "--junit", junit, hole.pid()});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  json document = json::parse(result.out);
  EXPECT_EQ(document["schema"], "ljmm.check/v1");
  EXPECT_EQ(document["passed"], false);
  CommandResult valid = validate_json("check.schema.json", result.out);
  EXPECT_EQ(valid.exit_code, 0) << valid.out;
  // A real XML parser: Python's ElementTree.
  std::string script =
      "import sys, xml.etree.ElementTree as E\n"
      "root = E.parse(sys.argv[1]).getroot()\n"
      "cases = root.findall('./testsuite/testcase')\n"
      "failed = [c for c in cases if c.find('failure') is not None]\n"
      "print(len(cases), len(failed), root.get('tests'), root.get('failures'))\n";
  CommandResult parsed = run_command({system_python, "-c", script, junit});
  ASSERT_EQ(parsed.exit_code, 0) << parsed.err;
  EXPECT_EQ(parsed.out, fmt::format("{} {} {} {}\n", document["total"].get<int>(), document["failed"].get<int>(),
                                    document["total"].get<int>(), document["failed"].get<int>()));
}

TEST(Check, TheMomentToCheck) {
  Demo plain = start_demo("plain");
  std::string pid = plain.pid();
  EXPECT_EQ(run_command({tool("ljmm-check"), "--rules", example_rules, "--after", "true", pid}).exit_code, 0);
  CommandResult failed_after = run_command({tool("ljmm-check"), "--rules", example_rules, "--after", "exit 7", pid});
  EXPECT_EQ(failed_after.exit_code, 3);
  EXPECT_NE(failed_after.err.find("the --after command failed (exit 7)"), std::string::npos) << failed_after.err;

  std::string ready = temp("ready");
  std::remove(ready.c_str());
  CommandResult waited = run_command({"sh", "-c",
                                      "(sleep 0.5; touch " + ready + ") & exec " + tool("ljmm-check") + " --rules " +
                                          example_rules + " --wait-for-file " + ready + " " + pid});
  EXPECT_EQ(waited.exit_code, 0) << waited.err;
  CommandResult timed_out = run_command(
      {tool("ljmm-check"), "--rules", example_rules, "--wait-for-file", temp("never"), "--timeout", "0.3", pid});
  EXPECT_EQ(timed_out.exit_code, 3);
  EXPECT_NE(timed_out.err.find("did not appear within 0.3 s"), std::string::npos) << timed_out.err;
}

// --settle waits for the maps to stop changing: a quiet process passes, one that never stops
// changing is a clear timeout, never a check taken mid-change.
TEST(Check, SettleWaitsForTheMapsToStopChanging) {
  Demo plain = start_demo("plain");
  CommandResult quiet =
      run_command({tool("ljmm-check"), "--rules", example_rules, "--settle", "200", "--timeout", "20", plain.pid()});
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
  auto churn = spawn({test_progs_dir() + "/churn"}, SpawnOptions{.pipe_stdin = true, .pipe_stdout = true});
  ASSERT_TRUE(churn.ok());
  std::string churning = churn->read_line(5000).value();
  CommandResult busy =
      run_command({tool("ljmm-check"), "--rules", example_rules, "--settle", "100", "--timeout", "0.5", churning});
  EXPECT_EQ(busy.exit_code, 3);
  EXPECT_NE(busy.err.find("its maps were still changing"), std::string::npos) << busy.err;
}

// --wait-for-file with no pid: the file is the pid file the program writes when it is ready.
TEST(Check, WaitForAPidFile) {
  Demo hole = start_demo("brk-hole");
  std::string pid_file = temp("app.pid");
  std::remove(pid_file.c_str());
  std::string rules = write_file("brk.json", R"({"schema": "ljmm.rules/v1", "rules": [{"min_brk_room": "1MiB"}]})");
  CommandResult checked =
      run_command({"sh", "-c",
                   "(sleep 0.3; echo " + hole.pid() + " > " + pid_file + ".tmp; mv " + pid_file + ".tmp " + pid_file +
                       ") & exec " + tool("ljmm-check") + " --rules " + rules + " --wait-for-file " + pid_file});
  EXPECT_EQ(checked.exit_code, 1) << checked.err;
  EXPECT_NE(checked.out.find("pid " + hole.pid()), std::string::npos) << checked.out;
  std::string empty = write_file("empty.pid", "\n");
  CommandResult no_pid = run_command({tool("ljmm-check"), "--rules", rules, "--wait-for-file", empty});
  EXPECT_EQ(no_pid.exit_code, 4);
  EXPECT_NE(no_pid.err.find("holds no pid"), std::string::npos) << no_pid.err;
}

TEST(Check, BadInputGetsOneLineAndTheDocumentedCode) {
  std::string bad = write_file(
      "bad.json", R"({"schema": "ljmm.rules/v1", "rules": [{"window": ["0x0", "2GiB"], "min_free": "1GB"}]})");
  CommandResult result = run_command({tool("ljmm-check"), "--rules", bad, "self"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "ljmm-check: " + bad + ": rules[0].min_free: \"1GB\" is not a size; use 1GiB or bytes\n");
  CommandResult missing = run_command({tool("ljmm-check"), "--rules", temp("missing.json"), "self"});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  CommandResult gone = run_command({tool("ljmm-check"), "--rules", example_rules, std::to_string(dead)});
  EXPECT_EQ(gone.exit_code, 3);
  EXPECT_NE(gone.err.find("no such process"), std::string::npos);
  EXPECT_EQ(run_command({tool("ljmm-check"), "self"}).exit_code, 2) << "--rules is required";
  CommandResult several = run_command({tool("ljmm-check"), "--rules", example_rules, "1", "self"});
  EXPECT_EQ(several.exit_code, 2);
  EXPECT_EQ(several.err, "ljmm-check: checks one process, got 2 pids (check each in turn, or use pidof -s)\n");
}

TEST(Check, SavedSnapshotsAndMapsFilesToo) {
  Demo hole = start_demo("brk-hole");
  std::string snapshot = temp("snapshot.json");
  ASSERT_EQ(run_command({"sh", "-c", tool("ljmm-inspect") + " " + hole.pid() + " --json > " + snapshot}).exit_code, 0);
  CommandResult from_snapshot = run_command({tool("ljmm-check"), "--rules", example_rules, "--snapshot", snapshot});
  EXPECT_EQ(from_snapshot.exit_code, 1) << "the brk-blocked finding comes back from the saved facts";
  std::string maps = write_file("only.maps", "00400000-00401000 r-xp 00000000 fe:00 1 /x\n");
  CommandResult from_maps = run_command({tool("ljmm-check"), "--rules", example_rules, "--maps", maps});
  EXPECT_EQ(from_maps.exit_code, 1) << from_maps.out;
}

TEST(CiExample, TheExampleJobPassesAndFailsOnAViolation) {
  std::string junit = temp("ci-junit.xml");
  std::vector<std::string> env = {"env", "LJMM_CHECK=" + tool("ljmm-check"), "JUNIT=" + junit};
  auto job = [&](const std::string& rules) {
    std::vector<std::string> argv = env;
    argv.insert(argv.end(), {"RULES=" + rules, "bash", source_dir() + "/docs/ci-example.sh"});
    return run_command(argv);
  };
  CommandResult pass = job(example_rules);
  EXPECT_EQ(pass.exit_code, 0) << pass.out << pass.err;
  EXPECT_EQ(::access(junit.c_str(), F_OK), 0) << "the JUnit report is kept";
  std::string strict = write_file("strict.json", R"({"schema": "ljmm.rules/v1", "rules": [{"max_mappings": 5}]})");
  CommandResult fail = job(strict);
  EXPECT_EQ(fail.exit_code, 1) << fail.out << fail.err;
  EXPECT_NE(fail.out.find("FAIL rules[0] mapping count"), std::string::npos) << fail.out;
}

TEST(Diff, WhatAProcessChangedBetweenTwoSnapshots) {
  auto mapper = spawn({test_progs_dir() + "/mapper"}, SpawnOptions{.pipe_stdin = true, .pipe_stdout = true});
  ASSERT_TRUE(mapper.ok());
  std::string pid = *mapper->read_line(10'000);
  std::string before = temp("before.json");
  ASSERT_EQ(run_command({"sh", "-c", tool("ljmm-inspect") + " " + pid + " --json > " + before}).exit_code, 0);
  ASSERT_TRUE(mapper->write_stdin("change\n").ok());
  std::string done = *mapper->read_line(10'000);
  ASSERT_EQ(done.rfind("done ", 0), 0u) << done;
  uint64_t added_at = std::stoull(done.substr(5), nullptr, 16);

  CommandResult result = run_command({tool("ljmm-inspect"), "--diff", before, pid, "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  CommandResult valid = validate_json("diff.schema.json", result.out);
  EXPECT_EQ(valid.exit_code, 0) << valid.out;
  json diff = json::parse(result.out);
  std::map<std::string, int> kinds;
  bool found_added = false, heap_grew = false;
  for (const json& region : diff["regions"]) {
    kinds[region["change"]]++;
    uint64_t start = std::stoull(region["start"].get<std::string>(), nullptr, 16);
    uint64_t end = std::stoull(region["end"].get<std::string>(), nullptr, 16);
    // The new 1 MiB is added, or grew a neighbouring anonymous region it merged with.
    if (start <= added_at && added_at < end && (region["change"] == "added" || region["change"] == "grown"))
      found_added = true;
    if (region["name"] == "[heap]" && region["change"] == "grown")
      heap_grew = region["size_after"] > region["size_before"];
  }
  EXPECT_TRUE(found_added) << result.out;
  EXPECT_TRUE(heap_grew) << result.out;
  EXPECT_GE(kinds["shrunk"], 1) << "the 64 KiB mapping lost a page: " << result.out;
  EXPECT_GE(kinds["changed"], 1) << "the rwx mapping became read-only: " << result.out;
  const json& heap = diff["segments"][4];
  EXPECT_EQ(heap["id"], "s5");
  EXPECT_EQ(heap["bytes_after"].get<uint64_t>() - heap["bytes_before"].get<uint64_t>(), 1u << 20);

  CommandResult text = run_command({tool("ljmm-inspect"), "--diff", before, pid});
  EXPECT_NE(text.out.find("grown"), std::string::npos);
  EXPECT_NE(text.out.find("s5 heap"), std::string::npos);
}

}  // namespace
}  // namespace ljmm::test
