// ljmm-trace against strace, call by call: strace's own test programs for these calls (built from
// Debian's strace source package) and programs of ours for what they leave out, each run under
// strace and under ljmm-trace with every backend and attach, with ASLR off so both see the same
// addresses. Every call must match: name, each argument, and the result or errno.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "command.hpp"
#include "strace_log.hpp"
#include "trace_run.hpp"

namespace ljmm::test {
namespace {

Threads read_ljmm(const Trace& trace) {
  std::map<int, size_t> thread_index;
  Threads threads;
  for (const json& event : trace.events) {
    if (event["event"] != "syscall") continue;
    auto [it, inserted] = thread_index.try_emplace(event["tid"].get<int>(), threads.size());
    if (inserted) threads.emplace_back();
    Call call{event["syscall"], {}, ""};
    call.old_mmap = event.value("abi", "") == "ia32" && event["syscall"] == "mmap";
    for (const json& arg : event["raw_args"]) call.args.push_back(parse_number(arg.get<std::string>()));
    if (event["unfinished"].get<bool>())
      call.result = "?";
    else if (!event["error"].is_null())
      call.result = "-" + event["error"].get<std::string>();
    else
      call.result = Call::fmt_hex(parse_number(event["result"].get<std::string>()));
    threads[it->second].push_back(call);
  }
  return threads;
}

// strace prints an int argument (fd, prot) as 32 bits where the register holds 64.
bool same_call(const Call& strace, const Call& ljmm, bool bpf) {
  if (strace.name != ljmm.name || ljmm.args.size() < strace.args.size()) return false;
  // strace -e raw shows old mmap's one argument, the block's address; ljmm reads the block and
  // shows the six values in it (the conformance programs check them against what they passed).
  bool compare_args = !(ljmm.old_mmap && strace.args.size() == 1);
  // A SysV segment's id is the kernel's choice, different in each run: shmat's first argument.
  size_t first = strace.name == "shmat" ? 1 : 0;
  for (size_t i = first; compare_args && i < strace.args.size(); ++i) {
    uint64_t a = strace.args[i], b = ljmm.args[i];
    if (a != b && !(a <= 0xffffffffu && a == (b & 0xffffffffu))) return false;
  }
  // A thread killed inside a call makes no syscall-exit stop, so strace and ljmm's ptrace backend
  // cannot know its result; the kernel's exit tracepoint still fires, so BPF does.
  if (strace.result == "?") return bpf || ljmm.result == "?";
  return strace.result == ljmm.result;
}

void expect_same_calls(const std::vector<std::string>& command, const std::vector<std::string>& backend) {
  std::string strace_out = temp_file("conformance.strace");
  std::vector<std::string> strace = {
      "setarch", "-R",      "strace", "-f",      "-qq", "-e", "trace=all",
      "-e",      "raw=all", "-o",     strace_out};
  strace.insert(strace.end(), command.begin(), command.end());
  run_command(strace);
  Threads expected = read_strace(strace_out);
  std::remove(strace_out.c_str());
  ASSERT_FALSE(expected.empty()) << "strace saw no call of " << command[0];

  std::vector<std::string> arguments = backend;
  arguments.push_back("--");
  arguments.insert(arguments.end(), command.begin(), command.end());
  Trace trace = run_trace(arguments, 0, {"setarch", "-R"});
  Threads seen = read_ljmm(trace);
  bool bpf = backend[1] == "bpf";
  ASSERT_EQ(seen.size(), expected.size()) << name_of(backend) << command[0] << ": threads";
  for (size_t t = 0; t < expected.size(); ++t) {
    ASSERT_EQ(seen[t].size(), expected[t].size()) << name_of(backend) << command[0] << ": calls of thread " << t;
    for (size_t i = 0; i < expected[t].size(); ++i)
      EXPECT_TRUE(same_call(expected[t][i], seen[t][i], bpf))
          << name_of(backend) << command[0] << " call " << i << " of thread " << t
          << "\n  strace: " << expected[t][i].describe() << "\n  ljmm:   " << seen[t][i].describe();
  }
}

class Conformance : public ::testing::TestWithParam<std::string> {};

TEST_P(Conformance, EveryCallAsStraceSeesIt) {
  for (const auto& backend : backends()) expect_same_calls({GetParam()}, backend);
}

std::vector<std::string> strace_tests() {
  std::vector<std::string> programs;
  for (const char* name : {"mmap", "mmap64", "brk", "madvise", "mbind", "mlock", "mlock2", "mlockall", "munlockall",
                           "pkey_mprotect", "process_madvise", "remap_file_pages", "shmxt"})
    programs.push_back(fmt::format("{}/bin/{}", LJMM_STRACE_TESTS_DIR, name));
  return programs;
}

INSTANTIATE_TEST_SUITE_P(StraceTests, Conformance, ::testing::ValuesIn(strace_tests()));
INSTANTIATE_TEST_SUITE_P(OurPrograms, Conformance,
                         ::testing::Values(std::string(LJMM_TEST_PROGS_DIR) + "/memory_calls",
                                           std::string(LJMM_TEST_PROGS_DIR) + "/layout_calls",
                                           std::string(LJMM_TEST_PROGS_DIR) + "/cut_off",
                                           std::string(LJMM_TEST_PROGS_DIR) + "/ia32_calls",
                                           std::string(LJMM_TEST_PROGS_DIR) + "/ia32_layout_calls",
                                           std::string(LJMM_TEST_PROGS_DIR) + "/int80_calls"));

}  // namespace
}  // namespace ljmm::test
