// Metrics in the Prometheus text exposition format, for node_exporter's textfile collector:
// fleets scrape layouts with the monitoring they already run.
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>

#include "ljmm/render.hpp"

namespace ljmm {

namespace {

std::string label_value(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
  return out;
}

std::string process_labels(const Analysis& analysis) {
  const ProcessInfo& process = analysis.snapshot.process;
  std::string comm = process.comm.empty() ? process.exe.substr(process.exe.rfind('/') + 1) : process.comm;
  return fmt::format("pid=\"{}\",comm=\"{}\"", process.pid, label_value(comm));
}

struct Sample {
  std::string labels;  // extra labels, without braces: window="below-2g"
  double value;
};
using Sampler = std::function<std::vector<Sample>(const Analysis&)>;

struct MetricFamily {
  std::string_view name;
  std::string_view help;
  Sampler samples;
};

std::string family(std::string_view name, std::string_view help, const std::string& lines) {
  if (lines.empty()) return {};
  return fmt::format("# HELP {} {}\n# TYPE {} gauge\n{}", name, help, name, lines);
}

std::string with(std::string labels, const std::string& extra) {
  if (!extra.empty()) labels += (labels.empty() ? "" : ",") + extra;
  return labels;
}

// A sample per process, labelled with pid and comm.
std::string per_process(const MetricFamily& metric, const std::vector<Analysis>& analyses) {
  std::string lines;
  for (const Analysis& analysis : analyses)
    for (const Sample& sample : metric.samples(analysis))
      lines += fmt::format("{}{{{}}} {}\n", metric.name, with(process_labels(analysis), sample.labels), sample.value);
  return family(metric.name, metric.help, lines);
}

// The processes of one program: same executable and command name, labels that stay the same
// across restarts and reloads (a pid label makes new series every time).
std::map<std::string, std::vector<const Analysis*>> by_program(const std::vector<Analysis>& analyses) {
  std::map<std::string, std::vector<const Analysis*>> groups;
  for (const Analysis& analysis : analyses) {
    const ProcessInfo& process = analysis.snapshot.process;
    groups[fmt::format("exe=\"{}\",comm=\"{}\"", label_value(process.exe), label_value(process.comm))].push_back(
        &analysis);
  }
  return groups;
}

// The largest and the summed value of each series over a program's processes.
std::string per_program(const MetricFamily& metric, const std::map<std::string, std::vector<const Analysis*>>& groups) {
  std::string max_lines, sum_lines;
  for (const auto& [program, members] : groups) {
    std::map<std::string, std::pair<double, double>> series;  // extra labels -> max, sum
    for (const Analysis* analysis : members) {
      for (const Sample& sample : metric.samples(*analysis)) {
        auto [it, inserted] = series.try_emplace(sample.labels, sample.value, 0.0);
        it->second.first = std::max(it->second.first, sample.value);
        it->second.second += sample.value;
      }
    }
    for (const auto& [extra, values] : series) {
      max_lines += fmt::format("{}_max{{{}}} {}\n", metric.name, with(program, extra), values.first);
      sum_lines += fmt::format("{}_sum{{{}}} {}\n", metric.name, with(program, extra), values.second);
    }
  }
  return family(fmt::format("{}_max", metric.name),
                fmt::format("{} (the largest over the program's processes)", metric.help), max_lines) +
         family(fmt::format("{}_sum", metric.name),
                fmt::format("{} (summed over the program's processes)", metric.help), sum_lines);
}

std::string coverage_metrics(const ScanCoverage& coverage) {
  std::string lines;
  for (const auto& [reason, count] : count_unreadable(coverage))
    lines += fmt::format("ljmm_unreadable_processes{{reason=\"{}\"}} {}\n", reason, count);
  std::string out =
      family("ljmm_unreadable_processes", "Processes that matched but could not be read, by reason.", lines);
  out += family("ljmm_exited_processes", "Processes that exited between the listing and the read.",
                fmt::format("ljmm_exited_processes {}\n", coverage.exited));
  return out;
}

std::vector<Sample> one(double value) { return {Sample{"", value}}; }

// One sample per low window, of the given measure.
std::function<std::vector<Sample>(const Analysis&)> per_window(uint64_t WindowBudget::*measure) {
  return [measure](const Analysis& a) {
    std::vector<Sample> samples;
    for (const WindowBudget& w : a.diagnosis.windows)
      samples.push_back({fmt::format("window=\"{}\"", w.id), static_cast<double>(w.*measure)});
    return samples;
  };
}

// One sample per segment, of the given measure; none when it comes from smaps and there were none.
std::function<std::vector<Sample>(const Analysis&)> per_segment(uint64_t SegmentTotal::*measure, bool from_smaps) {
  return [measure, from_smaps](const Analysis& a) {
    std::vector<Sample> samples;
    if (from_smaps && !a.snapshot.has_smaps) return samples;
    for (Segment s : all_segments)
      samples.push_back({fmt::format("segment=\"{}\",name=\"{}\"", segment_id(s), segment_name(s)),
                         static_cast<double>(a.layout.total(s).*measure)});
    return samples;
  };
}

// Every metric of a process, in the order they are written.
const std::vector<MetricFamily>& metrics() {
  static const std::vector<MetricFamily> table = {
      {"ljmm_low_window_free_bytes", "Free bytes in a low address window (below-2g: LuaJIT without GC64).",
       per_window(&WindowBudget::free_bytes)},
      {"ljmm_low_window_largest_gap_bytes", "The largest free gap in a low address window.",
       per_window(&WindowBudget::largest_gap)},
      {"ljmm_brk_room_bytes", "Bytes between the program break and the next mapping above it.",
       [](const Analysis& a) {
         return a.diagnosis.brk.known ? one(static_cast<double>(a.diagnosis.brk.room)) : std::vector<Sample>{};
       }},
      {"ljmm_brk_blocked", "1 when brk() can no longer grow the heap.",
       [](const Analysis& a) { return one(a.finding("brk-blocked") ? 1 : 0); }},
      {"ljmm_malloc_fallback_arenas", "Regions of glibc malloc fallback memory (brk blocked).",
       [](const Analysis& a) { return one(static_cast<double>(a.diagnosis.fallbacks.count)); }},
      {"ljmm_malloc_fallback_bytes", "Bytes of glibc malloc fallback memory (brk blocked).",
       [](const Analysis& a) { return one(static_cast<double>(a.diagnosis.fallbacks.bytes)); }},
      {"ljmm_malloc_bytes", "What glibc malloc's main arena holds: the brk heap plus the fallback memory.",
       [](const Analysis& a) { return one(static_cast<double>(a.diagnosis.malloc.total())); }},
      {"ljmm_mappings", "Mappings of the process.",
       [](const Analysis& a) { return one(static_cast<double>(a.snapshot.regions.size())); }},
      {"ljmm_max_map_count", "vm.max_map_count: mmap fails with ENOMEM beyond it.",
       [](const Analysis& a) { return one(static_cast<double>(a.snapshot.system.max_map_count)); }},
      {"ljmm_segment_mapped_bytes", "Mapped bytes per segment (s1 text ... s8 kernel).",
       per_segment(&SegmentTotal::bytes, false)},
      {"ljmm_segment_rss_bytes", "Resident bytes per segment (with --smaps).", per_segment(&SegmentTotal::rss, true)},
      {"ljmm_segment_pss_bytes",
       "Proportional resident bytes per segment (with --smaps): pages shared copy-on-write count in part, so sums "
       "over workers do not count them again.",
       per_segment(&SegmentTotal::pss, true)},
      {"ljmm_findings", "Findings by severity.",
       [](const Analysis& a) {
         std::vector<Sample> samples;
         for (Severity severity : {Severity::info, Severity::warning, Severity::error}) {
           double count = 0;
           for (const Finding& f : a.findings()) count += f.severity == severity;
           samples.push_back({fmt::format("severity=\"{}\"", severity_name(severity)), count});
         }
         return samples;
       }},
      // One sample per (id, severity), counting the findings: an id can repeat (one low-window-budget per
      // window), and a series that repeats makes node_exporter reject the whole file.
      {"ljmm_finding", "Findings the process has, by id and severity.",
       [](const Analysis& a) {
         std::vector<Sample> samples;
         for (const Finding& f : a.findings()) {
           std::string labels = fmt::format("id=\"{}\",severity=\"{}\"", f.id, severity_name(f.severity));
           auto same =
               std::find_if(samples.begin(), samples.end(), [&](const Sample& s) { return s.labels == labels; });
           if (same != samples.end())
             same->value += 1;
           else
             samples.push_back({std::move(labels), 1});
         }
         return samples;
       }},
      {"ljmm_runtime_fallbacks", "Placements made by the ljmm runtime in the process.",
       [](const Analysis& a) {
         return a.snapshot.runtime ? one(static_cast<double>(a.snapshot.runtime->counters.fallbacks))
                                   : std::vector<Sample>{};
       }},
      {"ljmm_runtime_failures", "Low requests the ljmm runtime could not place.",
       [](const Analysis& a) {
         return a.snapshot.runtime ? one(static_cast<double>(a.snapshot.runtime->counters.failures))
                                   : std::vector<Sample>{};
       }},
  };
  return table;
}

}  // namespace

std::string render_prometheus(const std::vector<Analysis>& analyses, const PrometheusOptions& options) {
  std::string out;
  if (options.per_process) {
    for (const MetricFamily& metric : metrics()) out += per_process(metric, analyses);
  } else {
    auto groups = by_program(analyses);
    std::string lines;
    for (const auto& [program, members] : groups)
      lines += fmt::format("ljmm_processes{{{}}} {}\n", program, members.size());
    out += family("ljmm_processes", "Processes of the program that were read.", lines);
    for (const MetricFamily& metric : metrics()) out += per_program(metric, groups);
  }
  if (options.coverage) out += coverage_metrics(*options.coverage);
  if (options.timestamp_seconds)
    out += family("ljmm_last_success_timestamp_seconds", "When ljmm-inspect last wrote these metrics (Unix time).",
                  fmt::format("ljmm_last_success_timestamp_seconds {}\n", *options.timestamp_seconds));
  return out;
}

}  // namespace ljmm
