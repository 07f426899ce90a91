// Full user stacks without frame pointers (--stack): test/progs/brk_blocker, built with
// -O2 -fomit-frame-pointer, blocks its own break in block_the_break() and then mallocs in
// allocate_until_fallback() until glibc falls back to mmap. Each backend must name both
// functions in their roles, and agree with strace -k (libdw's unwinding too) frame by frame.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "command.hpp"
#include "trace_run.hpp"

namespace ljmm::test {
namespace {

using nlohmann::json;

std::string blocker_program() { return test_progs_dir() + "/brk_blocker"; }

bool has_frame(const json& stack, const std::string& function) {
  for (const json& frame : stack)
    if (frame.get<std::string>().rfind(function + "+", 0) == 0) return true;
  return false;
}

// "name+0x1a (file)" or "0x7f.. (file+0x2724a)" -> {file, name+0x1a or ""}
std::pair<std::string, std::string> split_frame(const std::string& frame) {
  std::smatch match;
  if (std::regex_match(frame, match, std::regex(R"(([^ ]+\+0x[0-9a-f]+) \(([^+)]+)\))"))) return {match[2], match[1]};
  if (std::regex_match(frame, match, std::regex(R"(0x[0-9a-f]+ \(([^+)]+)\+0x[0-9a-f]+\))"))) return {match[1], ""};
  return {"?", ""};
}

}  // namespace

TEST(TraceStacks, BlockerAndFallbacksAreNamedInTheirRolesWithEachBackend) {
  for (const auto& backend : backends()) {
    std::string folded_path = temp_file("folded-" + backend.back());
    std::vector<std::string> arguments = backend;
    for (const char* part : {"--stack", "--folded"}) arguments.push_back(part);
    arguments.insert(arguments.end(), {folded_path, "-q", "--", blocker_program(), "100", "300"});
    Trace trace = run_trace(arguments);
    std::string name = backend[1] + (backend.size() > 2 ? "/" + backend[3] : "");
    ASSERT_TRUE(trace.call_sites.is_object()) << name;
    const json& stacks = trace.summary["stacks"];
    EXPECT_GT(stacks["unwound"].get<uint64_t>(), 20u) << name;
    EXPECT_EQ(stacks["complete"], stacks["unwound"]) << name << ": " << stacks.dump();

    ASSERT_EQ(trace.call_sites["blockers"].size(), 1u) << name << trace.call_sites.dump();
    const json& blocker = trace.call_sites["blockers"][0];
    EXPECT_TRUE(has_frame(blocker["stack"], "block_the_break")) << name << blocker.dump();
    EXPECT_TRUE(has_frame(blocker["stack"], "set_up_the_heap")) << name;
    EXPECT_FALSE(has_frame(blocker["stack"], "allocate_until_fallback")) << name;
    EXPECT_TRUE(has_frame(blocker["first_failed_brk"]["stack"], "allocate_until_fallback")) << name;

    ASSERT_FALSE(trace.call_sites["fallbacks"].empty()) << name;
    for (const json& site : trace.call_sites["fallbacks"]) {
      EXPECT_TRUE(has_frame(site["stack"], "allocate_until_fallback")) << name << site.dump();
      EXPECT_TRUE(has_frame(site["stack"], "load_the_configuration")) << name;
      EXPECT_TRUE(has_frame(site["stack"], "main")) << name;
      EXPECT_FALSE(has_frame(site["stack"], "block_the_break")) << name;
    }

    // Folded stacks parse ("frames WEIGHT", outermost first) and add up to the fallback bytes.
    std::ifstream folded(folded_path);
    uint64_t total = 0;
    size_t lines = 0;
    for (std::string line; std::getline(folded, line); ++lines) {
      size_t space = line.rfind(' ');
      ASSERT_NE(space, std::string::npos) << line;
      total += std::stoull(line.substr(space + 1));
      EXPECT_EQ(line.rfind("brk_blocker;_start (brk_blocker);", 0), 0u) << line;
    }
    EXPECT_GT(lines, 0u) << name;
    EXPECT_EQ(total, trace.call_sites["fallback_bytes"].get<uint64_t>()) << name;
    EXPECT_EQ(total, trace.summary["fallbacks"]["bytes"].get<uint64_t>()) << name;
    std::remove(folded_path.c_str());
  }
}

// strace -k unwinds with libdw too: the first failed brk's stack has the same frames, in the
// same modules, with the same function+offset wherever both name a frame by the same function
// (strace names every frame by the nearest symbol below, even outside that symbol).
TEST(TraceStacks, FailedBrkStackMatchesStraceK) {
  std::string strace_out = temp_file("strace-k.txt");
  CommandResult strace = run_command(
      {"strace", "-f", "-k", "-e", "trace=brk", "-o", strace_out, blocker_program(), "100", "10"});
  ASSERT_EQ(strace.exit_code, 0) << strace.err;
  std::ifstream file(strace_out);
  std::vector<std::pair<std::string, std::string>> theirs;  // {file, name+off}
  bool in_failed = false;
  std::regex call(R"(\d+ +brk\((0x[0-9a-f]+)\) += (0x[0-9a-f]+))");
  std::regex frame(R"( > [^(]*/([^/(]+)\(([^)]*)\) \[0x[0-9a-f]+\])");
  for (std::string line; std::getline(file, line);) {
    std::smatch match;
    if (std::regex_search(line, match, call)) {
      if (!theirs.empty()) break;
      in_failed = match[1] != match[2];
    } else if (in_failed && std::regex_search(line, match, frame)) {
      theirs.push_back({match[1], match[2]});
    }
  }
  std::remove(strace_out.c_str());
  ASSERT_GT(theirs.size(), 8u);

  for (const auto& backend : backends()) {
    std::vector<std::string> arguments = backend;
    arguments.insert(arguments.end(), {"--stack", "-x", "--", blocker_program(), "100", "300"});
    Trace trace = run_trace(arguments);
    const json* ours = nullptr;
    for (const json& event : trace.events)
      if (event.value("syscall", "") == "brk" && event.value("failed", false) && event.contains("symbols")) {
        ours = &event["symbols"];
        break;
      }
    ASSERT_NE(ours, nullptr) << backend[1];
    ASSERT_EQ(ours->size(), theirs.size()) << backend[1] << ": " << ours->dump();
    size_t same_name = 0;
    for (size_t i = 0; i < theirs.size(); ++i) {
      auto [module, named] = split_frame((*ours)[i]);
      EXPECT_EQ(module, theirs[i].first) << backend[1] << " frame " << i;
      std::string their_function = theirs[i].second.substr(0, theirs[i].second.find('+'));
      if (!named.empty() && named.substr(0, named.find('+')) == their_function) {
        EXPECT_EQ(named, theirs[i].second) << backend[1] << " frame " << i;
        ++same_name;
      }
    }
    EXPECT_GE(same_name, 6u) << backend[1] << ": brk, malloc, our three functions, __libc_start_main, _start";
  }
}

}  // namespace ljmm::test
