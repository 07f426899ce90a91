// The OOM story for real: Debian's nginx with lua-nginx-module, a hundred locations that
// each load the CA bundle (lua_ssl_trusted_certificate), the master started with ljmm's shim
// placing a block right after sbrk(0). `ljmm-trace -p MASTER -- nginx -s reload` must see the
// failing brk calls and the fallback mmaps, and they must add up to what `ljmm-inspect MASTER`
// finds added by the reload; without the block there are none. Both backends.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "command.hpp"
#include "nginx_master.hpp"

namespace ljmm::test {
namespace {

using nlohmann::json;

json inspected_brk_blocker(int pid) {
  CommandResult result = run_command({tool("ljmm-inspect"), std::to_string(pid), "--json"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return json::parse(result.out)["brk_blocker"];
}

uint64_t inspected_fallback_bytes(int pid) {
  CommandResult result = run_command({tool("ljmm-inspect"), std::to_string(pid), "--json"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  json snapshot = json::parse(result.out);
  for (const json& finding : snapshot["findings"])
    if (finding["id"] == "malloc-mmap-fallback") return finding["metrics"]["fallback_bytes"];
  return 0;
}

struct Reload {
  json summary;
  int forks_from_master = 0;
  uint64_t master_fallback_bytes = 0;
};

Reload traced_reload(const NginxMaster& master, const std::string& backend) {
  std::string output = master.dir() + "/trace-" + backend + ".jsonl";
  // The defaults must capture the whole reload: nginx -s reload only signals the master, which
  // then reads its configuration again (hundreds of CA bundle loads) after the command exited.
  CommandResult result =
      run_command({tool("ljmm-trace"), "--backend", backend, "--json", "-o", output, "-p", std::to_string(master.pid()),
                   "--", nginx, "-s", "reload", "-c", master.config()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  Reload reload;
  std::ifstream file(output);
  std::string line;
  while (std::getline(file, line)) {
    json document = json::parse(line);
    if (document["type"] == "summary") reload.summary = document;
    if (document["type"] == "event" && document["event"] == "fork" && document["ppid"] == master.pid())
      ++reload.forks_from_master;
  }
  bool master_listed = false;
  for (const json& process : reload.summary["processes"])
    if (process["pid"] == master.pid()) {
      reload.master_fallback_bytes = process["fallback_bytes"];
      master_listed = process["target"].get<bool>();
    }
  EXPECT_TRUE(master_listed) << backend << ": every -p process is in the per-process table";
  EXPECT_EQ(reload.summary["stop_reason"], "idle") << backend << ": " << reload.summary["stop"];
  EXPECT_TRUE(reload.summary["busy_pids"].empty()) << backend << ": " << reload.summary["stop"];
  return reload;
}

// A fresh master for each backend: a second reload reuses the memory the first one freed (the
// old cycle's) and needs no new memory, so only a first reload shows the story.
TEST(NginxReload, TraceSeesTheBrkHoleFallbacksThatInspectFinds) {
  for (const std::string backend : {"bpf", "ptrace"}) {
    NginxMaster master("hole-" + backend, true);
    ASSERT_GT(master.pid(), 0);
    uint64_t before = inspected_fallback_bytes(master.pid());
    // Without a trace, ljmm-inspect names the blocker from the runtime's counters page.
    json blocker = inspected_brk_blocker(master.pid());
    ASSERT_TRUE(blocker.is_object()) << backend;
    EXPECT_EQ(blocker["owner"], "ljmm_brk_block") << blocker.dump();
    Reload reload = traced_reload(master, backend);
    uint64_t after = inspected_fallback_bytes(master.pid());
    ASSERT_FALSE(reload.summary.is_null()) << backend;
    EXPECT_GE(reload.forks_from_master, 1) << backend << ": the reload finished while traced (new worker)";
    EXPECT_EQ(reload.summary["lost_events"], 0) << backend;
    const json& fallbacks = reload.summary["fallbacks"];
    EXPECT_GT(fallbacks["brk_failures"].get<uint64_t>(), 100u) << backend;
    EXPECT_GT(fallbacks["pairs"].get<uint64_t>(), 100u) << backend;
    // What the trace saw mapped, against what the maps show added by the reload.
    uint64_t traced = reload.master_fallback_bytes, grown = after - before;
    EXPECT_GT(traced, 50u << 20) << backend << ": " << locations << " CA bundle loads";
    EXPECT_NEAR(static_cast<double>(grown), static_cast<double>(traced), static_cast<double>(traced) * 0.02 + (1 << 20))
        << backend << ": inspect grew by " << grown << ", trace saw " << traced;
    ASSERT_EQ(reload.summary["findings"].size(), 1u);
    EXPECT_EQ(reload.summary["findings"][0]["id"], "malloc-mmap-fallback");
  }
}

TEST(NginxReload, WithoutTheHoleThereAreNoFallbacks) {
  for (const std::string backend : {"bpf", "ptrace"}) {
    NginxMaster master("plain-" + backend, false);
    ASSERT_GT(master.pid(), 0);
    EXPECT_EQ(inspected_fallback_bytes(master.pid()), 0u);
    EXPECT_TRUE(inspected_brk_blocker(master.pid()).is_null()) << backend;
    Reload reload = traced_reload(master, backend);
    EXPECT_GE(reload.forks_from_master, 1) << backend;
    EXPECT_EQ(reload.summary["fallbacks"]["pairs"], 0) << backend;
    EXPECT_EQ(reload.summary["fallbacks"]["brk_failures"], 0) << backend;
    bool master_grew_heap = false;
    for (const json& process : reload.summary["processes"])
      if (process["pid"] == master.pid()) master_grew_heap = process["brk_growth_bytes"].get<uint64_t>() > (50u << 20);
    EXPECT_TRUE(master_grew_heap) << backend << ": the reload's memory came from brk";
    EXPECT_EQ(inspected_fallback_bytes(master.pid()), 0u);
  }
}

}  // namespace
}  // namespace ljmm::test
