// ljmm-inspect --all as a table: the processes worst first, and what could not be read; the rows
// and their order are shared with the HTML host page (host_rows.hpp).
#include <fmt/format.h>

#include <algorithm>

#include "ljmm/render.hpp"
#include "ljmm/units.hpp"
#include "render/host_rows.hpp"
#include "render/style.hpp"

namespace ljmm {

namespace {

const Finding* worst_problem(const Analysis& analysis) {
  const std::vector<Finding>& findings = analysis.findings();  // worst first
  return !findings.empty() && findings.front().severity > Severity::info ? &findings.front() : nullptr;
}

// Worse first: the worst finding's severity, then the malloc fallback memory, then mappings.
bool worse(const Analysis* a, const Analysis* b) {
  auto severity = [](const Analysis* x) {
    const Finding* problem = worst_problem(*x);
    return problem ? static_cast<int>(problem->severity) : 0;
  };
  if (severity(a) != severity(b)) return severity(a) > severity(b);
  if (a->diagnosis.fallbacks.bytes != b->diagnosis.fallbacks.bytes)
    return a->diagnosis.fallbacks.bytes > b->diagnosis.fallbacks.bytes;
  if (a->snapshot.regions.size() != b->snapshot.regions.size())
    return a->snapshot.regions.size() > b->snapshot.regions.size();
  return a->snapshot.process.pid < b->snapshot.process.pid;
}

std::string below_2g_free(const Analysis& analysis) {
  for (const WindowBudget& window : analysis.diagnosis.windows)
    if (window.id == "below-2g") return format_size(window.free_bytes);
  return "-";
}

}  // namespace

namespace detail {

HostRow host_row(const Analysis& a) {
  const Finding* problem = worst_problem(a);
  return HostRow{{std::to_string(a.snapshot.process.pid), a.snapshot.process.comm,
                  std::to_string(a.snapshot.regions.size()),
                  a.diagnosis.brk.known ? format_size(a.diagnosis.brk.room) : "?",
                  format_size(a.diagnosis.fallbacks.bytes), below_2g_free(a), problem ? problem->id : "-",
                  a.snapshot.process.exe.empty() ? "?" : a.snapshot.process.exe},
                 problem};
}

std::vector<const Analysis*> worst_first(const std::vector<Analysis>& analyses, bool problems_only) {
  std::vector<const Analysis*> rows;
  for (const Analysis& analysis : analyses)
    if (!problems_only || worst_problem(analysis)) rows.push_back(&analysis);
  std::sort(rows.begin(), rows.end(), worse);
  return rows;
}

std::string coverage_line(size_t read, const ScanCoverage& coverage) {
  std::string reasons;
  for (const auto& [reason, count] : count_unreadable(coverage))
    if (count) reasons += fmt::format("{}{}: {}", reasons.empty() ? "" : ", ", reason, count);
  std::string line = fmt::format("{} processes read; {} could not be read{}", read, coverage.unreadable.size(),
                                 reasons.empty() ? "" : " (" + reasons + ")");
  line += fmt::format("; {} exited while being read; {} kernel threads have no user address space", coverage.exited,
                      coverage.kernel_threads);
  if (coverage.filtered_out) line += fmt::format("; {} left out by the filters", coverage.filtered_out);
  return line + "\n";
}

}  // namespace detail

std::string render_host_table(const std::vector<Analysis>& analyses, const ScanCoverage& coverage,
                              const TextOptions& options, bool problems_only) {
  detail::TextStyle style(options.color);
  // The worst finding's id is painted in its severity's colour, so the line is built in parts.
  auto line = [&](const std::array<std::string, 8>& c, const Finding* problem) {
    std::string worst = fmt::format("{:<22}", c[6]);
    return fmt::format("{:>8} {:<16} {:>8} {:>10} {:>10} {:>10}  ", c[0], c[1], c[2], c[3], c[4], c[5]) +
           (problem ? style.severity_color(problem->severity, worst) : worst) + " " + c[7];
  };
  std::array<std::string, 8> names;
  std::copy(detail::host_columns.begin(), detail::host_columns.end(), names.begin());
  std::string out = style.bold(line(names, nullptr)) + "\n";
  for (const Analysis* analysis : detail::worst_first(analyses, problems_only)) {
    detail::HostRow row = detail::host_row(*analysis);
    out += line(row.cells, row.problem) + "\n";
  }
  return out + detail::coverage_line(analyses.size(), coverage);
}

}  // namespace ljmm
