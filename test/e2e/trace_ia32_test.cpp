// 32-bit calls, from an i386 program and from int $0x80 in a 64-bit one, with every backend and
// attach: each traced call is reported as what it is, marked ia32; i386 chdir, whose number is
// x86-64's brk, is never reported.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "trace_marker.hpp"

namespace ljmm::test {
namespace {

std::string name_of(const std::vector<std::string>& backend) { return backend.back(); }

// "abi syscall length" of each call the trace saw, in order.
std::vector<std::string> calls(const MarkerTrace& trace) {
  std::vector<std::string> seen;
  for (const auto& event : trace.events) {
    if (event["event"] != "syscall") continue;
    const auto& args = event["args"];
    uint64_t length = args.value("length", args.value("old_size", uint64_t{0}));
    seen.push_back(event["abi"].get<std::string>() + " " + event["syscall"].get<std::string>() + " " +
                   std::to_string(length));
  }
  return seen;
}

TEST(TraceIa32, AnI386ProgramsCallsAreDecodedAsWhatTheyAre) {
  const std::vector<std::string> expected = {"ia32 mmap2 20480", "ia32 munmap 20480", "ia32 mmap 24576",
                                             "ia32 mremap 24576", "ia32 munmap 28672", "ia32 brk 0",
                                             "ia32 brk 0"};
  for (const auto& backend : backends()) {
    std::vector<std::string> args = backend;
    args.insert(args.end(), {"--", test_progs_dir() + "/ia32_calls"});
    MarkerTrace trace = run_marker_trace({}, args);
    ASSERT_EQ(trace.command.exit_code, 0) << name_of(backend) << ": " << trace.command.err;
    EXPECT_EQ(trace.summary["command_exit"], 0) << name_of(backend) << ": every call succeeded";
    EXPECT_EQ(calls(trace), expected) << name_of(backend);
    for (const auto& event : trace.events) {
      if (event["event"] != "syscall") continue;
      if (event["syscall"] == "mmap2") {
        EXPECT_EQ(event["args"]["pgoffset"], 0);
      }
      if (event["syscall"] == "mmap") {  // old mmap: the arguments come from its block
        EXPECT_EQ(event["args"]["prot"], "rw-") << name_of(backend);
        EXPECT_EQ(event["args"]["flags"], "MAP_PRIVATE|MAP_ANONYMOUS") << name_of(backend);
        EXPECT_EQ(event["args"]["fd"], -1) << name_of(backend);
      }
      EXPECT_FALSE(event["failed"].get<bool>()) << name_of(backend) << ": " << event.dump();
    }
  }
}

// -p: the program waits on a FIFO until ljmm-trace says (-v) that it traces it.
TEST(TraceIa32, AnAttachedI386ProcessIsDecodedToo) {
  const std::vector<std::string> expected = {"ia32 mmap2 20480", "ia32 munmap 20480", "ia32 mmap 24576",
                                             "ia32 mremap 24576", "ia32 munmap 28672", "ia32 brk 0",
                                             "ia32 brk 0"};
  for (const auto& backend : backends()) {
    std::string base = ::testing::TempDir() + "/ia32-attach-" + name_of(backend);
    std::string output = base + ".jsonl", log = base + ".log", fifo = base + ".fifo";
    std::string options;
    for (const std::string& option : backend) options += option + " ";
    std::string script = "rm -f " + fifo + "; mkfifo " + fifo + "; : >" + log + "; " + test_progs_dir() +
                         "/ia32_calls wait <" + fifo + " & target=$!; exec 4>" + fifo + "; " + tool("ljmm-trace") +
                         " -v " + options + "--json -o " + output + " -p $target 2>" + log +
                         " & tracer=$!; tries=0; until grep -q 'attached with\\|seized thread' " + log +
                         "; do sleep 0.1; tries=$((tries+1)); [ $tries -gt 600 ] && exit 9; done; "
                         "echo >&4; exec 4>&-; wait $tracer; status=$?; cat " +
                         log + " >&2; rm -f " + fifo + "; exit $status";
    MarkerTrace trace = read_marker_trace(output, run_command({"timeout", "120", "sh", "-c", script}));
    ASSERT_EQ(trace.command.exit_code, 0) << name_of(backend) << ": " << trace.command.err;
    EXPECT_EQ(calls(trace), expected) << name_of(backend) << ": " << trace.command.err;
  }
}

TEST(TraceIa32, Int80FromA64BitProgramIsMarkedIa32) {
  const std::vector<std::string> expected = {"ia32 mmap2 20480", "ia32 munmap 20480", "x86_64 munmap 4096"};
  for (const auto& backend : backends()) {
    std::vector<std::string> args = backend;
    args.insert(args.end(), {"--", test_progs_dir() + "/int80_calls"});
    MarkerTrace trace = run_marker_trace({}, args);
    ASSERT_EQ(trace.command.exit_code, 0) << name_of(backend) << ": " << trace.command.err;
    EXPECT_EQ(trace.summary["command_exit"], 0) << name_of(backend);
    EXPECT_EQ(calls(trace), expected) << name_of(backend);
  }
}

// x32 calls are not traced: each is counted as skipped, in every backend and attach, and none is
// reported as the x86-64 call its number would be without the x32 bit.
TEST(TraceIa32, X32CallsAreCountedAsSkippedNeverMisread) {
  const std::vector<std::string> expected = {"x86_64 mmap 16384"};
  for (const auto& backend : backends()) {
    std::vector<std::string> args = backend;
    args.insert(args.end(), {"--", test_progs_dir() + "/x32_calls"});
    MarkerTrace trace = run_marker_trace({}, args);
    ASSERT_EQ(trace.command.exit_code, 0) << name_of(backend) << ": " << trace.command.err;
    EXPECT_EQ(trace.summary["command_exit"], 0) << name_of(backend);
    std::vector<std::string> seen = calls(trace);
    // The dynamic loader's and libc's own calls come first: only the program's last call counts.
    ASSERT_FALSE(seen.empty()) << name_of(backend);
    EXPECT_EQ(std::vector<std::string>{seen.back()}, expected) << name_of(backend);
    for (const std::string& call : seen) EXPECT_EQ(call.find("mremap"), std::string::npos) << name_of(backend);
    EXPECT_EQ(trace.summary["losses"]["x32_calls"], 4) << name_of(backend);
    // The VM tests boot Debian's kernels with x32 on (syscall.x32=y): there the calls really run.
    if (const char* expect = std::getenv("LJMM_EXPECT_X32"); expect && std::string(expect) == "1") {
      EXPECT_NE(trace.command.out.find("x32: ran"), std::string::npos) << trace.command.out;
    }
  }
}

// An old mmap whose argument block cannot be read: the call is counted as lost by every backend,
// and the trace goes on.
TEST(TraceIa32, AnUnreadableOldMmapBlockIsACountedLoss) {
  for (const auto& backend : backends()) {
    std::vector<std::string> args = backend;
    args.insert(args.end(), {"--", test_progs_dir() + "/ia32_bad_block"});
    MarkerTrace trace = run_marker_trace({}, args);
    ASSERT_EQ(trace.command.exit_code, 0) << name_of(backend) << ": " << trace.command.err;
    EXPECT_EQ(trace.summary["command_exit"], 0) << name_of(backend);
    EXPECT_EQ(calls(trace), std::vector<std::string>{"ia32 mmap2 8192"}) << name_of(backend);
    EXPECT_EQ(trace.summary["losses"]["ia32_arguments"], 1) << name_of(backend);
    EXPECT_EQ(trace.summary["lost_events"], 1) << name_of(backend);
  }
}

}  // namespace
}  // namespace ljmm::test
