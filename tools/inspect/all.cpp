#include "all.hpp"

#include <fmt/format.h>

#include <ctime>

#include "../common/cli.hpp"
#include "../common/output.hpp"
#include "ljmm/host.hpp"
#include "ljmm/json.hpp"
#include "ljmm/render.hpp"

namespace ljmm::inspect {

namespace {

Result<ProcessFilter> make_filter(const AllOptions& options) {
  ProcessFilter filter{options.comm, options.exe, std::nullopt, options.cgroup};
  if (!options.user.empty()) {
    auto uid = cli::parse_user("--user", options.user);
    if (!uid) return uid.error();
    filter.uid = *uid;
  }
  return filter;
}

bool has_problem(const Analysis& analysis, Severity at_least) {
  for (const Finding& finding : analysis.findings())
    if (finding.severity >= at_least) return true;
  return false;
}

std::string render(std::vector<Analysis>& analyses, const ScanCoverage& coverage, const Options& options) {
  if (options.format == "text")
    return render_host_table(analyses, coverage, text_options(options), options.findings_only);
  if (options.format == "html") return render_html_host(analyses, coverage, options.findings_only);
  if (options.findings_only)
    std::erase_if(analyses, [](const Analysis& analysis) { return !has_problem(analysis, Severity::warning); });
  if (options.format == "prometheus") {
    return render_prometheus(
        analyses, PrometheusOptions{options.all.per_process, &coverage, static_cast<int64_t>(std::time(nullptr))});
  }
  if (options.format == "json") {
    std::string lines;
    for (const Analysis& analysis : analyses) lines += snapshot_to_json(analysis, 0, !options.no_regions);
    return lines;
  }
  return {};  // svg: refused before the scan
}

}  // namespace

void declare_all_options(CLI::App& app, AllOptions& options) {
  auto* all = app.add_flag("--all", options.all, "Every process you can read: a table worst first (see --format)");
  app.add_option("--comm", options.comm, "With --all: only processes whose command name matches this regex")
      ->needs(all);
  app.add_option("--exe", options.exe, "With --all: only processes running this executable (full path)")->needs(all);
  app.add_option("--user", options.user, "With --all: only processes of this user (name or uid)")->needs(all);
  app.add_option("--cgroup", options.cgroup, "With --all: only processes in this cgroup v2 path or below it")
      ->needs(all);
  app.add_flag("--per-process", options.per_process,
               "With --all --format=prometheus: a series per pid instead of one per program")
      ->needs(all);
  app.add_option("-o,--output", options.output, "With --all: write there, replacing the file in one step")->needs(all);
  app.add_flag("-v,--verbose", options.verbose, "With --all: name every process that could not be read")->needs(all);
}

int run_all(const Options& options) {
  if (options.format == "svg")
    return cli::report(tool, "--all draws no SVG: use text, json, prometheus or html", cli::exit_usage);
  auto filter = make_filter(options.all);
  if (!filter) return cli::report(tool, filter.error());
  auto scan = scan_host(*filter, SnapshotOptions{.read_smaps = options.target.smaps});
  if (!scan) return cli::report(tool, scan.error());

  std::vector<Analysis> analyses;
  bool failing = false;
  for (Snapshot& snapshot : scan->snapshots) {
    Analysis analysis = analyze(std::move(snapshot));
    failing = failing || (!options.fail_on.empty() && has_problem(analysis, *parse_severity(options.fail_on)));
    analyses.push_back(std::move(analysis));
  }
  const ScanCoverage& coverage = scan->coverage;
  if (Status written = cli::write_output(options.all.output, render(analyses, coverage, options)); !written)
    return cli::report(tool, written.error());
  // Never silent about what it could not see, whatever the format.
  if (!coverage.unreadable.empty()) {
    fmt::print(stderr, "{}: {} processes could not be read{}\n", tool, coverage.unreadable.size(),
               options.all.verbose ? ":" : " (-v names them)");
    if (options.all.verbose)
      for (const UnreadableProcess& process : coverage.unreadable) fmt::print(stderr, "  {}\n", process.message);
  }
  return failing ? cli::exit_findings : cli::exit_ok;
}

}  // namespace ljmm::inspect
