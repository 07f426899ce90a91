// A library's bss is only as large as its ELF declares: anonymous memory mapped right after it
// (glibc's fallback mmaps land there too) is not the library's, whatever the kernel merged.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "command.hpp"
#include "ljmm/child_process.hpp"

namespace ljmm::test {
namespace {

using nlohmann::json;

// The anonymous bss that readelf -l says ld.so maps after the writable PT_LOAD:
// PAGE_ALIGN(vaddr + memsz) - PAGE_ALIGN(vaddr + filesz).
uint64_t readelf_declared_bss(const std::string& path) {
  CommandResult result = run_command({"readelf", "-lW", path});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::regex load(R"(LOAD\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+RW)");
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    std::smatch match;
    if (!std::regex_search(line, match, load)) continue;
    uint64_t vaddr = std::stoull(match[2], nullptr, 16);
    uint64_t file_size = std::stoull(match[3], nullptr, 16), memory_size = std::stoull(match[4], nullptr, 16);
    auto page_up = [](uint64_t value) { return (value + 4095) / 4096 * 4096; };
    return page_up(vaddr + memory_size) - page_up(vaddr + file_size);
  }
  ADD_FAILURE() << "no writable LOAD in readelf -l " << path << ":\n" << result.out;
  return 0;
}

TEST(LibraryBss, MemoryAfterASmallBssIsNotTheLibrarys) {
  std::string library = test_progs_dir() + "/libsmall_bss_lib.so";
  auto child =
      spawn({test_progs_dir() + "/bss_neighbour", library}, SpawnOptions{.pipe_stdin = true, .pipe_stdout = true});
  ASSERT_TRUE(child.ok()) << child.error().message;
  auto line = child->read_line(30'000);
  ASSERT_TRUE(line.ok()) << line.error().message;
  std::istringstream facts(*line);
  std::string pid, after;
  facts >> pid >> after;

  CommandResult result = run_command({tool("ljmm-inspect"), pid, "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  json snapshot = json::parse(result.out);
  const json& regions = snapshot["regions"];
  uint64_t declared = readelf_declared_bss(library);
  EXPECT_GE(declared, 3 * 4096u) << "the library declares a few pages of bss";
  bool seen = false;
  for (size_t i = 0; i + 1 < regions.size(); ++i) {
    const json& data = regions[i];
    if (data["path"] != library || data["perms"] != "rw-p") continue;
    seen = true;
    ASSERT_TRUE(data.contains("declared_bss")) << data.dump();
    EXPECT_EQ(data["declared_bss"], declared) << "ljmm reads the same size as readelf -l";
    const json& next = regions[i + 1];
    EXPECT_EQ(next["start"], data["end"]);
    EXPECT_EQ(next["size"].get<uint64_t>(), declared + (1u << 20)) << "the 1 MiB merged with the bss";
    EXPECT_EQ(next["role"], "malloc_fallback") << next.dump();
  }
  EXPECT_TRUE(seen) << "no rw-p mapping of " << library;

  uint64_t fallback_bytes = 0;
  for (const json& finding : snapshot["findings"])
    if (finding["id"] == "malloc-mmap-fallback") fallback_bytes = finding["metrics"]["fallback_bytes"];
  EXPECT_GE(fallback_bytes, 1u << 20) << "the 1 MiB after the bss counts as fallback, the bss does not";
}

}  // namespace
}  // namespace ljmm::test
