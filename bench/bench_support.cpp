#include "bench_support.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstdlib>

extern char** environ;

namespace ljmm::bench {

int run_quietly(const std::vector<std::string>& argv) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) {
    fmt::print(stderr, "cannot run {}\n", argv[0]);
    std::abort();
  }
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void RatioReporter::ReportRuns(const std::vector<Run>& runs) {
  ConsoleReporter::ReportRuns(runs);
  // With --benchmark_repetitions the median stands for the benchmark, else its one run.
  for (const Run& run : runs) {
    std::string name = run.run_name.function_name;  // without /iterations:N/real_time suffixes
    if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median") {
      seconds_[name] = run.GetAdjustedRealTime() / 1e9;  // reported in ns by default
      medians_.insert(name);
    } else if (run.run_type == Run::RT_Iteration && run.iterations > 0 && !medians_.count(name)) {
      seconds_[name] = run.real_accumulated_time / static_cast<double>(run.iterations);
    }
  }
}

void RatioReporter::Finalize() {
  ConsoleReporter::Finalize();
  fmt::print("\nRatios (time / baseline time, same run):\n");
  for (const auto& [name, baseline] : baseline_of_) {
    auto measured = seconds_.find(name);
    auto base = seconds_.find(baseline);
    if (measured == seconds_.end() || base == seconds_.end() || base->second <= 0) continue;
    fmt::print("  {:<60} {:6.3f} x {}\n", name, measured->second / base->second, baseline);
  }
}

}  // namespace ljmm::bench
