// ljmm-inspect: the address-space layout of a process, a saved maps file or a snapshot.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <map>
#include <optional>

#include "../common/cli.hpp"
#include "../common/output.hpp"
#include "../common/target.hpp"
#include "all.hpp"
#include "coredump.hpp"
#include "demo.hpp"
#include "ljmm/analysis.hpp"
#include "ljmm/diff.hpp"
#include "ljmm/json.hpp"
#include "ljmm/render.hpp"
#include "ljmm/version.hpp"
#include "options.hpp"
#include "recording.hpp"

namespace {

using namespace ljmm;
using inspect::Options;
using inspect::tool;

void declare(CLI::App& app, Options& options) {
  const Options defaults;  // the help states the defaults the options struct holds
  cli::declare_target_options(app, options.target);
  app.add_option("--diff", options.diff,
                 "Compare two layouts, BEFORE AFTER: each a pid, a JSON snapshot or a maps file")
      ->expected(2);
  app.add_option("--format", options.format,
                 fmt::format("text, json (ljmm.snapshot/v1), prometheus (textfile collector; several pids allowed), "
                             "svg, html (one interactive page, offline; with --diff, --all and --recording too), maps "
                             "(the regions as /proc/PID/maps lists them) (default {})",
                             defaults.format))
      ->check(CLI::IsMember({"text", "json", "prometheus", "svg", "html", "maps"}));
  app.add_flag("--json", options.json, "Same as --format json (schema ljmm.snapshot/v1)");
  app.add_flag("--findings-only", options.findings_only, "Print only the findings");
  app.add_flag("--no-regions", options.no_regions, "Leave out the table of every region");
  cli::add_color_option(app, options.color);
  app.add_option("--width", options.width, "Columns for the picture (default: the terminal's)")
      ->check(cli::whole_number(40, 1000));
  app.add_flag("--demo", options.demo, "Start ljmm-demo and inspect it (see --demo-mode)");
  inspect::declare_all_options(app, options.all);
  inspect::declare_coredump_options(app, options.coredump);
  app.add_option("--demo-mode", options.demo_mode,
                 fmt::format("Demo to run: {} (default {})", fmt::join(inspect::demo_modes, ", "), defaults.demo_mode))
      ->check(CLI::IsMember(inspect::demo_modes));
  inspect::declare_timeline_options(app, options);
  app.add_option("--fail-on", options.fail_on, "Exit 1 when a finding has this severity or worse")
      ->check(CLI::IsMember({"info", "warning", "error"}));
  app.set_version_flag("--version", std::string("ljmm-inspect ") + version());
  app.footer(
      "Examples:\n"
      "  ljmm-inspect --demo                 a process with a blocked brk, explained\n"
      "  ljmm-inspect $(pidof nginx | cut -d' ' -f1) --smaps\n"
      "  ljmm-inspect --maps customer-maps.txt --findings-only\n"
      "  ljmm-inspect 1234 --json > before.json\n"
      "  ljmm-inspect --diff before.json 1234    what changed since\n"
      "  ljmm-inspect --format=prometheus $(pidof nginx) > /var/lib/node_exporter/ljmm.prom\n"
      "  ljmm-inspect 1234 --format=svg > layout.svg\n"
      "  ljmm-inspect --demo --format=html > layout.html   zoom in a browser, no network needed\n"
      "  ljmm-inspect --all --findings-only     every process with a problem, worst first\n"
      "  ljmm-inspect --all --format=prometheus -o /var/lib/prometheus/node-exporter/ljmm.prom\n"
      "  ljmm-inspect --core core.1234            the layout when it crashed, from its core file\n"
      "  ljmm-inspect --coredump                 the crashes systemd-coredump recorded\n"
      "  ljmm-inspect --coredump nginx --findings-only   the latest crash of nginx, explained\n"
      "  ljmm-inspect --recording nginx.rec --at 1.5s     the layout 1.5 s into a recording\n"
      "  ljmm-inspect --recording nginx.rec --timeline    map count and memory over time, findings as they appear\n"
      "  ljmm-inspect --diff nginx.rec@0s nginx.rec@2s    what changed in between\n"
      "  ljmm-inspect --recording nginx.rec --format=html > nginx.html   replay it in a browser\n"
      "Exit codes: 0 ok, 1 findings at --fail-on, 2 usage, 3 target unavailable, 4 malformed input,\n"
      "5 the machine cannot do it.");
}

Result<Snapshot> load(const Options& options, std::optional<inspect::DemoProcess>& demo) {
  if (options.coredump.coredump) {
    auto records = inspect::read_crash_records(options.coredump);
    if (!records) return records.error();
    return inspect::load_crash(*records, options.coredump.match);
  }
  if (options.demo) {
    auto started = inspect::start_demo(options.demo_mode);
    if (!started) return started.error();
    demo = std::move(started).value();
    return snapshot_pid(demo->child.pid(), SnapshotOptions{.read_smaps = options.target.smaps});
  }
  return cli::load_target(options.target);
}

int run_diff(const Options& options) {
  auto before = cli::load_any(options.diff[0], options.target.smaps);
  if (!before) return cli::report(tool, before.error());
  auto after = cli::load_any(options.diff[1], options.target.smaps);
  if (!after) return cli::report(tool, after.error());
  Analysis first = analyze(std::move(before).value()), second = analyze(std::move(after).value());
  SnapshotDiff diff = diff_snapshots(first, second);
  if (options.format == "html") {
    cli::write_stdout(render_html_diff(first, second, diff));
  } else {
    cli::write_stdout(options.format == "json" ? diff_json(diff) : diff_text(diff, cli::use_color(options.color)));
  }
  return cli::exit_ok;
}

std::string render(const Analysis& analysis, const Options& options) {
  if (options.format == "svg") return render_svg(analysis);
  if (options.format == "html") return render_html(analysis);
  if (options.format == "maps") return format_maps(analysis.snapshot.regions);
  if (options.format == "prometheus") return render_prometheus({analysis});
  TextOptions text = inspect::text_options(options);
  if (!options.findings_only) return render_report(analysis, text);
  std::string out = render_findings(analysis, text);
  // What a core cannot tell stays said, even with the findings alone.
  return analysis.snapshot.post_mortem ? render_post_mortem(analysis, text) + "\n" + out : out;
}

// Several processes in one textfile-collector document: each metric family appears once.
int run_prometheus(const Options& options) {
  std::vector<Analysis> analyses;
  for (const std::string& target : options.target.targets) {
    auto snapshot = cli::load_target(cli::pid_target(target, options.target.smaps));
    if (!snapshot) {
      // Between `pidof` and this read a worker may exit (an nginx reload does it to all of
      // them): leave it out and say so, so the file still describes the processes alive.
      Errc code = snapshot.error().code;
      if (code != Errc::vanished && code != Errc::not_found) return cli::report(tool, snapshot.error());
      fmt::print(stderr, "{}: {}; left out\n", tool, snapshot.error().message);
      continue;
    }
    // The same process twice would repeat every series, and node_exporter rejects such a file.
    int pid = snapshot->process.pid;
    if (std::any_of(analyses.begin(), analyses.end(), [&](const Analysis& a) { return a.snapshot.process.pid == pid; }))
      continue;
    analyses.push_back(analyze(std::move(snapshot).value()));
  }
  if (analyses.empty())
    return cli::report(tool, make_error(Errc::vanished, fmt::format("none of the {} processes could be read",
                                                                    options.target.targets.size())));
  cli::write_stdout(render_prometheus(analyses));
  return cli::exit_ok;
}

int run(Options& options) {
  if (options.json) options.format = "json";
  int sources = options.target.sources() + options.demo + !options.diff.empty() + options.all.all +
                options.coredump.coredump;
  if (sources == 1 && options.coredump.coredump && options.coredump.match.empty()) {
    auto records = inspect::read_crash_records(options.coredump);
    if (!records) return cli::report(tool, records.error());
    return inspect::print_crash_table(*records, options);
  }
  if (options.timeline) return inspect::run_timeline(options);
  if (sources == 1 && !options.target.recording_file.empty() && options.format == "html")
    return inspect::run_recording_page(options);
  if (sources == 1 && options.all.all) return inspect::run_all(options);
  if (sources == 1 && !options.diff.empty()) return run_diff(options);
  if (options.target.targets.size() > 1) {
    if (options.format != "prometheus")
      return cli::report(tool, "several pids need --format=prometheus", cli::exit_usage);
    return run_prometheus(options);
  }
  if (sources != 1)
    return cli::report(tool,
                       "give exactly one of: PID, self, --maps FILE, --snapshot FILE, --core FILE, --recording FILE, "
                       "--coredump, --demo, --diff A B, --all",
                       cli::exit_usage);

  std::optional<inspect::DemoProcess> demo;
  auto snapshot = load(options, demo);
  if (!snapshot) return cli::report(tool, snapshot.error());
  Analysis analysis = analyze(std::move(snapshot).value());
  if (demo && options.format == "text") fmt::print("{}\n\n", inspect::describe_demo(demo->facts));
  if (options.format == "json") {
    write_snapshot_json(analysis, cli::write_stdout);
  } else {
    cli::write_stdout(render(analysis, options));
  }

  if (!options.fail_on.empty()) {
    Severity threshold = *parse_severity(options.fail_on);
    for (const Finding& finding : analysis.findings())
      if (finding.severity >= threshold) return cli::exit_findings;
  }
  return cli::exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Show and explain the address-space layout of a Linux/x86-64 process"};
  Options options;
  declare(app, options);
  return cli::run_main(app, argc, argv, tool, [&] { return run(options); });
}
