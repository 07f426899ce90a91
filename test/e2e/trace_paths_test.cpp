// File mmaps name their file, as strace -y names the fd's, with the exact length: the fd number
// alone says nothing once ld.so closed it.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <utility>

#include "attaches.hpp"
#include "command.hpp"
#include "trace_run.hpp"

namespace ljmm::test {
namespace {

using FileMaps = std::multiset<std::pair<std::string, uint64_t>>;  // (path, length) of each file mmap

const std::vector<std::string> workload = {"sh", "-c", "cat /etc/hostname > /dev/null; sleep 1"};

FileMaps strace_file_maps() {
  std::string output = temp_file("strace-paths.txt");
  std::vector<std::string> argv = {"strace", "-f", "-y", "-e", "trace=mmap", "-o", output};
  argv.insert(argv.end(), workload.begin(), workload.end());
  CommandResult result = run_command(argv);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  FileMaps maps;
  std::regex call(R"(mmap\([^,]+, (\d+), [^,]+, [^,]+, \d+<([^>]+)>, \w+\) = 0x)");
  std::ifstream file(output);
  for (std::string line; std::getline(file, line);) {
    std::smatch match;
    if (std::regex_search(line, match, call)) maps.insert({match[2], std::stoull(match[1])});
  }
  return maps;
}

FileMaps traced_file_maps(const std::string& backend, size_t& without_path) {
  std::vector<std::string> arguments = {"--backend", backend, "--"};
  arguments.insert(arguments.end(), workload.begin(), workload.end());
  Trace trace = run_trace(arguments);
  FileMaps maps;
  without_path = 0;
  for (const json& event : trace.events) {
    if (event["event"] != "syscall" || event["syscall"] != "mmap" || event["failed"]) continue;
    if (event["args"]["fd"].get<int>() < 0) continue;
    if (!event["args"].contains("path")) {
      ++without_path;
      continue;
    }
    maps.insert({event["args"]["path"].get<std::string>(), event["args"]["length"].get<uint64_t>()});
  }
  return maps;
}

TEST(TracePaths, PtraceNamesEveryFileAsStraceDoesWithTheExactLength) {
  FileMaps reference = strace_file_maps();
  ASSERT_FALSE(reference.empty());
  size_t without_path = 0;
  EXPECT_EQ(traced_file_maps("ptrace", without_path), reference);
  EXPECT_EQ(without_path, 0u);
}

TEST(TracePaths, BpfNamesTheFilesOfProcessesStillThereWhenTheEventIsRead) {
  FileMaps reference = strace_file_maps();
  size_t without_path = 0;
  FileMaps traced = traced_file_maps("bpf", without_path);
  // The mapping is read from /proc after the call: a process that already exited (cat), or a
  // mapping already unmapped (ld.so.cache), leaves the path out. What is named is right.
  for (const auto& map : traced) EXPECT_LE(traced.count(map), reference.count(map)) << map.first << " " << map.second;
  bool libc = false;
  for (const auto& [path, length] : traced) libc = libc || path.find("libc.so.6") != std::string::npos;
  EXPECT_TRUE(libc) << "sh lives for a second: its libc mappings are named";
  EXPECT_EQ(traced.size() + without_path, reference.size());
}

// A SysV segment's inode number is its shm id, and a memfd's, on the same internal device, can
// equal it (test/progs/inode_twins.c makes such a pair): the kernel's maps name them apart, and so
// must every backend, whichever is mapped first.
TEST(TracePaths, ASysVSegmentAndAMemfdOfOneInodeNumberAreNamedApart) {
  for (const auto& backend : backends()) {
    std::vector<std::string> arguments = backend;
    arguments.insert(arguments.end(), {"--", test_progs_dir() + "/inode_twins"});
    Trace trace = run_trace(arguments);
    ASSERT_EQ(trace.summary["command_exit"], 0) << "no pair found: " << trace.command.err;
    const json* segment = nullptr;
    for (const json& event : trace.events)
      if (event["event"] == "syscall" && event["syscall"] == "shmat" && !event["failed"]) segment = &event;
    ASSERT_TRUE(segment && segment->contains("file")) << name_of(backend);
    EXPECT_EQ((*segment)["args"].value("path", ""), "/SYSV00000000 (deleted)") << name_of(backend);
    int memfd_maps = 0;
    for (const json& event : trace.events) {
      if (event["event"] != "syscall" || event["syscall"] != "mmap" || !event.contains("file")) continue;
      if (event["file"] != (*segment)["file"]) continue;  // the same device and inode number
      ++memfd_maps;
      EXPECT_EQ(event["args"].value("path", ""), "/memfd:twin (deleted)") << name_of(backend);
    }
    EXPECT_EQ(memfd_maps, 1) << name_of(backend);
  }
}

}  // namespace
}  // namespace ljmm::test
