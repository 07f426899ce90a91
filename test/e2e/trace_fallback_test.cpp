// glibc's malloc-fallback rule on a real program: test/progs/fallback_seqs makes, with raw
// system calls, the sequences the rule tells apart (a failed brk then the mmap, then a munmap,
// a MAP_FIXED mmap or a successful brk between, two threads interleaved). Every consumer of the
// rule must give its one answer: the summary, the call sites, which calls carry a stack (the
// BPF program and the ptrace backend each choose), and -a's per-process counts in the kernel.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "command.hpp"
#include "trace_run.hpp"

namespace ljmm::test {
namespace {

std::string sequences_program() { return test_progs_dir() + "/fallback_seqs"; }

// The mmaps the program means as fallbacks: 1 MiB, 256 KiB and, from two threads, 448 and 512 KiB.
const std::vector<uint64_t> fallback_sizes = {256 << 10, 448 << 10, 512 << 10, 1 << 20};
constexpr uint64_t fallback_bytes = (256 + 448 + 512 + 1024) << 10;
constexpr uint64_t failed_brks = 8;
// Stacks are unwound against the process's maps, read when its events arrive: it waits for that.
const char* const linger_ms = "300";

// The lengths of the program's mmap events that carry a stack, smallest first.
std::vector<uint64_t> mmaps_with_a_stack(const Trace& trace, const json& pid) {
  std::vector<uint64_t> sizes;
  for (const json& event : trace.events)
    if (event["type"] == "event" && event.value("syscall", "") == "mmap" && event["pid"] == pid &&
        event.contains("stack"))
      sizes.push_back(event["args"]["length"].get<uint64_t>());
  std::sort(sizes.begin(), sizes.end());
  return sizes;
}

// The pid of the program: the process of its first call.
json program_pid(const Trace& trace, const std::string& comm) {
  for (const json& event : trace.events)
    if (event["type"] == "event" && event["comm"] == comm) return event["pid"];
  return nullptr;
}

void expect_one_answer(const Trace& trace, const std::string& comm, const std::string& what) {
  ASSERT_NE(trace.command.out.find("fallback_bytes " + std::to_string(fallback_bytes)), std::string::npos)
      << what << ": " << trace.command.out;
  const json& fallbacks = trace.summary["fallbacks"];
  EXPECT_EQ(fallbacks["pairs"], fallback_sizes.size()) << what;
  EXPECT_EQ(fallbacks["bytes"], fallback_bytes) << what;
  EXPECT_EQ(fallbacks["brk_failures"], failed_brks) << what;

  ASSERT_TRUE(trace.call_sites.is_object()) << what;
  uint64_t calls = 0;
  for (const json& site : trace.call_sites["fallbacks"]) calls += site["calls"].get<uint64_t>();
  EXPECT_EQ(calls, fallback_sizes.size()) << what << ": call sites";
  EXPECT_EQ(trace.call_sites["fallback_bytes"], fallback_bytes) << what << ": call sites";

  // Nothing is mapped near the break: an mmap with a stack is one the rule took for a fallback.
  json pid = program_pid(trace, comm);
  ASSERT_FALSE(pid.is_null()) << what;
  EXPECT_EQ(mmaps_with_a_stack(trace, pid), fallback_sizes) << what << ": the calls given a stack";
}

}  // namespace

TEST(TraceFallback, EverySequenceHasOneAnswerWithEachBackend) {
  for (const auto& backend : backends()) {
    std::vector<std::string> arguments = backend;
    arguments.insert(arguments.end(), {"--stack", "--", sequences_program(), linger_ms});
    Trace trace = run_trace(arguments);
    expect_one_answer(trace, "fallback_seqs", name_of(backend));
  }
}

// -a with events and stacks: the kernel's per-process counts, the stacks it chose and the
// summary of its events come from one map and one rule, and agree.
TEST(TraceFallback, SystemWideCountsAgreeWithTheSummaryAndTheStacks) {
  // A name of its own, so that -a --comm sees no other test's process.
  std::string comm = "fbseqs" + std::to_string(::getpid() % 1000000);
  std::string copy = ::testing::TempDir() + "/" + comm;
  std::filesystem::copy_file(sequences_program(), copy, std::filesystem::copy_options::overwrite_existing);
  for (const std::string& attach : bpf_attaches()) {
    Trace trace = run_trace({"-a", "--attach", attach, "--comm", comm, "--stack", "--", copy, linger_ms});
    std::string what = "-a --attach " + attach;
    expect_one_answer(trace, comm, what);
    json pid = program_pid(trace, comm), process;
    for (const json& entry : trace.summary.value("activity", json::array()))
      if (entry["pid"] == pid) process = entry;
    ASSERT_TRUE(process.is_object()) << what << ": " << trace.summary.value("activity", json::array()).dump();
    EXPECT_EQ(process["fallback_mmaps"], fallback_sizes.size()) << what;
    EXPECT_EQ(process["fallback_bytes"], fallback_bytes) << what;
    EXPECT_EQ(process["brk_failures"], failed_brks) << what;
  }
  std::filesystem::remove(copy);
}

}  // namespace ljmm::test
