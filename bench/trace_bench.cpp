// What tracing costs on an mmap/munmap storm (test/progs/mmap_storm.c): untraced, ljmm-trace with BPF (summary only,
// printing every event, and with named stacks), ljmm-trace with ptrace, and strace, in the same run.
// Run: build/bench/trace_bench [--pairs=N] (default 1000000; ptrace and strace take ~2 minutes each)
#include <fmt/format.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "bench_support.hpp"

namespace {

std::string storm, trace;
std::string pairs = "1000000";
std::string summary_file = "/tmp/ljmm-trace-bench-summary.jsonl";

void run(benchmark::State& state, std::vector<std::string> argv) {
  for (auto _ : state) {
    if (ljmm::bench::run_quietly(argv) != 0) return state.SkipWithError(fmt::format("{} failed", argv[0]).c_str());
  }
}

// ljmm-trace writing its JSON summary to a file, so events and lost events become counters.
void traced(benchmark::State& state, std::vector<std::string> options) {
  std::vector<std::string> argv = {trace, "--json", "-o", summary_file};
  argv.insert(argv.end(), options.begin(), options.end());
  argv.insert(argv.end(), {"--", storm, pairs});
  double events = 0, lost = 0;
  for (auto _ : state) {
    if (ljmm::bench::run_quietly(argv) != 0) return state.SkipWithError("ljmm-trace failed");
    std::ifstream file(summary_file);
    std::string line, last;
    while (std::getline(file, line)) last = line;
    auto summary = nlohmann::json::parse(last, nullptr, false);
    if (summary.is_discarded() || summary["type"] != "summary") return state.SkipWithError("no summary");
    events += summary["events"].get<double>();
    lost += summary["lost_events"].get<double>();
  }
  state.counters["events"] = benchmark::Counter(events, benchmark::Counter::kAvgIterations);
  state.counters["events/s"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
  state.counters["lost"] = benchmark::Counter(lost, benchmark::Counter::kAvgIterations);
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--pairs=", 8) == 0) pairs = argv[i] + 8;
  benchmark::Initialize(&argc, argv);
  storm = std::string(LJMM_PROGS_DIR) + "/mmap_storm";
  trace = std::string(LJMM_BIN_DIR) + "/ljmm-trace";
  fmt::print("workload: {} mmap/munmap pairs of 4 KiB ({} system calls)\n", pairs, 2 * std::stol(pairs));

  auto fast = [](benchmark::internal::Benchmark* b) { b->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5); };
  auto slow = [](benchmark::internal::Benchmark* b) { b->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1); };
  fast(benchmark::RegisterBenchmark("untraced", run, std::vector<std::string>{storm, pairs}));
  fast(benchmark::RegisterBenchmark("ljmm-trace bpf, summary (-q)", traced, std::vector<std::string>{"-q"}));
  fast(benchmark::RegisterBenchmark("ljmm-trace bpf, every event as JSON", traced, std::vector<std::string>{}));
  fast(benchmark::RegisterBenchmark("ljmm-trace bpf, every event as JSON with named stacks", traced,
                                    std::vector<std::string>{"--stack"}));
  slow(benchmark::RegisterBenchmark("ljmm-trace ptrace, summary (-q)", traced,
                                    std::vector<std::string>{"-q", "--backend", "ptrace"}));
  slow(benchmark::RegisterBenchmark(
      "strace -f -e trace=memory -o /dev/null", run,
      std::vector<std::string>{"strace", "-f", "-e", "trace=memory", "-o", "/dev/null", storm, pairs}));
  ljmm::bench::RatioReporter reporter({{"ljmm-trace bpf, summary (-q)", "untraced"},
                                       {"ljmm-trace bpf, every event as JSON", "untraced"},
                                       {"ljmm-trace bpf, every event as JSON with named stacks", "untraced"},
                                       {"ljmm-trace ptrace, summary (-q)", "untraced"},
                                       {"strace -f -e trace=memory -o /dev/null", "untraced"}});
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  std::remove(summary_file.c_str());
  return 0;
}
