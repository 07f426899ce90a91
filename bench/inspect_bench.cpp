// ljmm-inspect against pmap on a process with ~65,000 mappings (vm.max_map_count is 65530 by
// default). Run: build/bench/inspect_bench [--benchmark_repetitions=5]
#include <fmt/format.h>

#include <cstdlib>

#include "bench_support.hpp"
#include "ljmm/analysis.hpp"
#include "ljmm/child_process.hpp"
#include "ljmm/json.hpp"

namespace {

using namespace ljmm;
int target_pid = 0;

void library_snapshot_classify_json(benchmark::State& state, bool smaps) {
  size_t bytes = 0;
  for (auto _ : state) {
    auto snapshot = snapshot_pid(target_pid, SnapshotOptions{.read_smaps = smaps});
    if (!snapshot) {
      state.SkipWithError(snapshot.error().message.c_str());
      return;
    }
    Analysis analysis = analyze(std::move(snapshot).value());
    std::string json = snapshot_to_json(analysis);
    bytes = json.size();
    benchmark::DoNotOptimize(json.data());
  }
  state.counters["json_bytes"] = static_cast<double>(bytes);
}

void command(benchmark::State& state, std::vector<std::string> argv) {
  for (auto _ : state) {
    if (bench::run_quietly(argv) != 0) {
      state.SkipWithError(fmt::format("{} failed", argv[0]).c_str());
      return;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  std::string helper = std::string(LJMM_PROGS_DIR) + "/many_mappings";
  auto child = spawn({helper, "65000"}, SpawnOptions{.pipe_stdin = true, .pipe_stdout = true});
  if (!child) {
    fmt::print(stderr, "inspect_bench: {}\n", child.error().message);
    return 1;
  }
  auto line = child->read_line(30'000);
  if (!line) return 1;
  int regions = 0;
  std::sscanf(line->c_str(), "%d %d", &target_pid, &regions);
  fmt::print("target: pid {} with {} mappings made by the helper\n", target_pid, regions);
  std::string pid = std::to_string(target_pid);
  std::string inspect = std::string(LJMM_BIN_DIR) + "/ljmm-inspect";

  benchmark::RegisterBenchmark("pmap -x PID", command, std::vector<std::string>{"pmap", "-x", pid});
  benchmark::RegisterBenchmark("pmap PID", command, std::vector<std::string>{"pmap", pid});
  benchmark::RegisterBenchmark("ljmm-inspect PID --json", command, std::vector<std::string>{inspect, pid, "--json"});
  benchmark::RegisterBenchmark("ljmm-inspect PID --json --smaps", command,
                               std::vector<std::string>{inspect, pid, "--json", "--smaps"});
  benchmark::RegisterBenchmark("ljmm-inspect PID (text report)", command, std::vector<std::string>{inspect, pid});
  benchmark::RegisterBenchmark("library: snapshot+classify+json", library_snapshot_classify_json, false);
  benchmark::RegisterBenchmark("library: snapshot+classify+json, smaps", library_snapshot_classify_json, true);
  bench::RatioReporter reporter({{"ljmm-inspect PID --json", "pmap -x PID"},
                                 {"ljmm-inspect PID --json --smaps", "pmap -x PID"},
                                 {"ljmm-inspect PID (text report)", "pmap PID"},
                                 {"library: snapshot+classify+json", "pmap -x PID"},
                                 {"library: snapshot+classify+json, smaps", "pmap -x PID"}});
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
