// Metrics in the Prometheus text exposition format, for node_exporter's textfile collector:
// fleets scrape layouts with the monitoring they already run.
#include <fmt/format.h>

#include <algorithm>
#include <functional>

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

// One metric family: HELP and TYPE once, then a sample per process (and per extra label).
class Families {
 public:
  explicit Families(const std::vector<Analysis>& analyses) : analyses_(analyses) {}

  void gauge(std::string_view name, std::string_view help,
             const std::function<std::vector<Sample>(const Analysis&)>& samples) {
    std::string lines;
    for (const Analysis& analysis : analyses_) {
      for (const Sample& sample : samples(analysis)) {
        std::string labels = process_labels(analysis);
        if (!sample.labels.empty()) labels += "," + sample.labels;
        lines += fmt::format("{}{{{}}} {}\n", name, labels, sample.value);
      }
    }
    if (lines.empty()) return;
    out_ += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{}", name, help, name, lines);
  }

  std::string take() { return std::move(out_); }

 private:
  const std::vector<Analysis>& analyses_;
  std::string out_;
};

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

}  // namespace

std::string render_prometheus(const std::vector<Analysis>& analyses) {
  Families metrics(analyses);
  metrics.gauge("ljmm_low_window_free_bytes", "Free bytes in a low address window (below-2g: LuaJIT without GC64).",
                per_window(&WindowBudget::free_bytes));
  metrics.gauge("ljmm_low_window_largest_gap_bytes", "The largest free gap in a low address window.",
                per_window(&WindowBudget::largest_gap));
  metrics.gauge("ljmm_brk_room_bytes", "Bytes between the program break and the next mapping above it.",
                [](const Analysis& a) {
                  return a.diagnosis.brk.known ? one(static_cast<double>(a.diagnosis.brk.room)) : std::vector<Sample>{};
                });
  metrics.gauge("ljmm_brk_blocked", "1 when brk() can no longer grow the heap.",
                [](const Analysis& a) { return one(a.finding("brk-blocked") ? 1 : 0); });
  metrics.gauge("ljmm_malloc_fallback_arenas", "Regions of glibc malloc fallback memory (brk blocked).",
                [](const Analysis& a) { return one(static_cast<double>(a.diagnosis.fallbacks.count)); });
  metrics.gauge("ljmm_malloc_fallback_bytes", "Bytes of glibc malloc fallback memory (brk blocked).",
                [](const Analysis& a) { return one(static_cast<double>(a.diagnosis.fallbacks.bytes)); });
  metrics.gauge("ljmm_mappings", "Mappings of the process.",
                [](const Analysis& a) { return one(static_cast<double>(a.snapshot.regions.size())); });
  metrics.gauge("ljmm_max_map_count", "vm.max_map_count: mmap fails with ENOMEM beyond it.",
                [](const Analysis& a) { return one(static_cast<double>(a.snapshot.system.max_map_count)); });
  metrics.gauge("ljmm_segment_mapped_bytes", "Mapped bytes per segment (s1 text ... s8 kernel).",
                per_segment(&SegmentTotal::bytes, false));
  metrics.gauge("ljmm_segment_rss_bytes", "Resident bytes per segment (with --smaps).",
                per_segment(&SegmentTotal::rss, true));
  metrics.gauge("ljmm_findings", "Findings by severity.", [](const Analysis& a) {
    std::vector<Sample> samples;
    for (Severity severity : {Severity::info, Severity::warning, Severity::error}) {
      double count = 0;
      for (const Finding& f : a.findings()) count += f.severity == severity;
      samples.push_back({fmt::format("severity=\"{}\"", severity_name(severity)), count});
    }
    return samples;
  });
  // One sample per (id, severity), counting the findings: an id can repeat (one low-window-budget per
  // window), and a series that repeats makes node_exporter reject the whole file.
  metrics.gauge("ljmm_finding", "Findings the process has, by id and severity.", [](const Analysis& a) {
    std::vector<Sample> samples;
    for (const Finding& f : a.findings()) {
      std::string labels = fmt::format("id=\"{}\",severity=\"{}\"", f.id, severity_name(f.severity));
      auto same = std::find_if(samples.begin(), samples.end(), [&](const Sample& s) { return s.labels == labels; });
      if (same != samples.end())
        same->value += 1;
      else
        samples.push_back({std::move(labels), 1});
    }
    return samples;
  });
  metrics.gauge("ljmm_runtime_fallbacks", "Placements made by the ljmm runtime in the process.", [](const Analysis& a) {
    return a.snapshot.runtime ? one(static_cast<double>(a.snapshot.runtime->counters.fallbacks))
                              : std::vector<Sample>{};
  });
  metrics.gauge("ljmm_runtime_failures", "Low requests the ljmm runtime could not place.", [](const Analysis& a) {
    return a.snapshot.runtime ? one(static_cast<double>(a.snapshot.runtime->counters.failures)) : std::vector<Sample>{};
  });
  return metrics.take();
}

}  // namespace ljmm
