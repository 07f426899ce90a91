// Every output of the model: text for people (the s1-s8 picture, regions, totals, findings), the
// picture as SVG, the interactive HTML page, Prometheus metrics, check results and snapshot
// diffs. Renderers take what the model computed and never re-read /proc. ljmm-trace's lines and
// summary are in trace_report.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ljmm/analysis.hpp"
#include "ljmm/diff.hpp"
#include "ljmm/export.hpp"
#include "ljmm/host.hpp"
#include "ljmm/rules.hpp"

namespace ljmm {

namespace film {
struct Recording;
struct Reel;
}  // namespace film

struct LJMM_API TextOptions {
  bool color = false;   // ANSI colors; the tool decides (tty, --color)
  int width = 100;      // columns available
  bool regions = true;  // the table of every region in the report (ljmm-inspect --no-regions: false)
};

LJMM_API std::string render_header(const Analysis& analysis, const TextOptions& options);
LJMM_API std::string render_findings(const Analysis& analysis, const TextOptions& options);
// For a core file or a journal entry: what it told and what it cannot tell; empty otherwise.
LJMM_API std::string render_post_mortem(const Analysis& analysis, const TextOptions& options);
LJMM_API std::string render_picture(const Analysis& analysis, const TextOptions& options);
LJMM_API std::string render_regions(const Analysis& analysis, const TextOptions& options);
LJMM_API std::string render_totals(const Analysis& analysis, const TextOptions& options);

// Header, findings, picture, regions (unless options.regions is false), totals: what
// `ljmm-inspect PID` prints.
LJMM_API std::string render_report(const Analysis& analysis, const TextOptions& options);

// The picture as a self-contained SVG.
LJMM_API std::string render_svg(const Analysis& analysis);

// One self-contained interactive HTML page (docs/user-guide.md, "The HTML page"): the address space
// zoomable from all of user space down to single pages, its regions, findings and low windows; no
// request of any kind, the data embedded as JSON (ljmm.page/v1, docs/html.md).
LJMM_API std::string render_html(const Analysis& analysis);
// Before and after on one axis, the regions added, removed and changed marked.
LJMM_API std::string render_html_diff(const Analysis& before, const Analysis& after, const SnapshotDiff& diff);
// The host table worst first (as render_host_table orders it); each process opens its own layout.
LJMM_API std::string render_html_host(const std::vector<Analysis>& analyses, const ScanCoverage& coverage,
                                      bool problems_only = false);
// One process of a recording (reel.hpp): its layout at every frame behind a slider and a play
// button, the timeline under it with the instants where findings first appear, and the events.
// The page opens at frame `start`.
LJMM_API std::string render_html_recording(const film::Recording& recording, const film::Reel& reel, size_t start);

// Metrics in the Prometheus text format (node_exporter's textfile collector), one document for
// several processes: each metric family's HELP and TYPE once.
struct LJMM_API PrometheusOptions {
  // true: a sample per process labelled with pid and comm. false: one series per program (exe
  // and comm, labels that survive restarts) with ljmm_processes and each metric's _max and _sum.
  bool per_process = true;
  const ScanCoverage* coverage = nullptr;    // adds what could not be read (--all)
  std::optional<int64_t> timestamp_seconds;  // adds ljmm_last_success_timestamp_seconds
};
LJMM_API std::string render_prometheus(const std::vector<Analysis>& analyses, const PrometheusOptions& options = {});

// ljmm-inspect --all: one row per process (only those with a warning or an error when
// problems_only), worst first (findings, then fallback bytes), and a line for what was read and
// what could not be.
LJMM_API std::string render_host_table(const std::vector<Analysis>& analyses, const ScanCoverage& coverage,
                                       const TextOptions& options, bool problems_only = false);

// ljmm-check's results: "PASS rules[0] ...: measured (limit)" lines, the ljmm.check/v1 document,
// JUnit XML.
LJMM_API std::string checks_text(const std::vector<Check>& checks, const Analysis& analysis, bool color);
LJMM_API std::string checks_json(const std::vector<Check>& checks, const Analysis& analysis);
LJMM_API std::string checks_junit(const std::vector<Check>& checks, const Analysis& analysis,
                                  const std::string& suite_name);

// What changed between two snapshots, for people and as the ljmm.diff/v1 document.
LJMM_API std::string diff_text(const SnapshotDiff& diff, bool color);
LJMM_API std::string diff_json(const SnapshotDiff& diff);

}  // namespace ljmm
