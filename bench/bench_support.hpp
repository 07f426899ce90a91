// Shared by the benchmarks: run a peer command to completion with its output discarded, and a
// reporter that prints each benchmark's time as a ratio of a named baseline from the same run.
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace ljmm::bench {

// Runs argv with stdout and stderr on /dev/null; returns its exit status (aborts on spawn failure).
int run_quietly(const std::vector<std::string>& argv);

// Prints the console report, then "NAME: x.xx of BASELINE" for every benchmark after `baseline`.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  explicit RatioReporter(std::map<std::string, std::string> baseline_of) : baseline_of_(std::move(baseline_of)) {}
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

 private:
  std::map<std::string, std::string> baseline_of_;  // benchmark name -> the one it is compared with
  std::map<std::string, double> seconds_;
  std::set<std::string> medians_;
};

}  // namespace ljmm::bench
