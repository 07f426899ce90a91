// Mappings still alive at the end, by the code that called mmap: test/progs/live_sites keeps 4 MiB
// mapped from map_arenas() and 512 KiB from map_caches(), then sleeps past the trace's -d. Each
// backend must group them under those two names, with the bytes /proc/PID/maps shows.
#include <gtest/gtest.h>

#include "command.hpp"
#include "trace_run.hpp"

namespace ljmm::test {
namespace {

struct InFunction {
  uint64_t sites = 0, mappings = 0, bytes = 0;
  std::string comm, site;
};

// The sites inside one function, added up: a compiler that unrolls the loop makes one call
// site, and so one return address, per copy.
InFunction in_function(const json& sites, const std::string& function) {
  InFunction total;
  for (const json& site : sites) {
    if (site["site"].get<std::string>().rfind(function + "+", 0) != 0) continue;
    ++total.sites;
    total.mappings += site["mappings"].get<uint64_t>();
    total.bytes += site["bytes"].get<uint64_t>();
    total.comm = site["comm"];
    total.site = site["site"];
  }
  return total;
}

}  // namespace

TEST(TraceLiveSites, MappingsStillAliveAreGroupedByTheFunctionThatCalledMmap) {
  for (const auto& backend : backends()) {
    std::vector<std::string> arguments = backend;
    arguments.insert(arguments.end(), {"-q", "-d", "1", "--top", "20", "--", test_progs_dir() + "/live_sites", "3"});
    Trace trace = run_trace(arguments);
    std::string name = backend[1] + (backend.size() > 2 ? "/" + backend[3] : "");
    ASSERT_TRUE(trace.summary["command_running"].get<bool>()) << name << ": the program must outlive the trace";
    const json& sites = trace.summary["live_mappings"]["by_call_site"];
    InFunction arenas = in_function(sites, "map_arenas"), caches = in_function(sites, "map_caches");
    ASSERT_GT(arenas.sites, 0u) << name << sites.dump();
    ASSERT_GT(caches.sites, 0u) << name << sites.dump();
    EXPECT_EQ(arenas.mappings, 4u) << name;
    EXPECT_EQ(arenas.bytes, 4u << 20) << name;
    EXPECT_EQ(caches.mappings, 8u) << name;
    EXPECT_EQ(caches.bytes, 8u * 65536) << name;
    EXPECT_EQ(arenas.comm, "live_sites") << name;
    EXPECT_NE(arenas.site.find("(live_sites)"), std::string::npos) << name;
    // Every live mapping is in some site: the sites add up to the live bytes (all listed here).
    uint64_t total = 0;
    for (const json& site : sites) total += site["bytes"].get<uint64_t>();
    EXPECT_EQ(total, trace.summary["live_mappings"]["bytes"].get<uint64_t>()) << name << sites.dump();
  }
}

TEST(TraceLiveSites, TheTextSummaryNamesTheCallSites) {
  CommandResult result =
      run_command({tool("ljmm-trace"), "-q", "-d", "1", "--", test_progs_dir() + "/live_sites", "3"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("by the code that called mmap"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("map_arenas+"), std::string::npos) << result.out;
}

}  // namespace ljmm::test
