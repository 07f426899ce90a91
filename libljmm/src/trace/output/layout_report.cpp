// The layout model's part of the summary: each process's mappings, accessible and reserved
// bytes at the end and at their peak, and how the model compared with the kernel's count.
#include <fmt/format.h>

#include "json/writer.hpp"
#include "ljmm/trace_report.hpp"
#include "ljmm/units.hpp"
#include "render/style.hpp"

namespace ljmm::trace {

using ljmm::detail::JsonWriter;

namespace {

std::string exact_from(const ProcessLayout& process) {
  return fmt::format("{} at {:.3f} s", film::layout_source_name(process.source), process.exact_from_ns / 1e9);
}

// "equal on all 834 calls", "off by at most 2 on 3 of 834 calls"
std::string kernel_agreement(const LayoutTracker& layouts) {
  uint64_t checks = 0, largest = 0;
  for (const auto& [pid, process] : layouts.processes()) {
    checks += process.kernel_checks;
    largest = std::max(largest, process.largest_kernel_difference);
  }
  if (checks == 0) return "";
  if (largest == 0) return fmt::format("  the model's map count equals the kernel's after each of {} calls\n", checks);
  return fmt::format("  the model's map count was off the kernel's by at most {} (the kernel merges or splits "
                     "mappings by rules the model follows only in part), over {} calls\n",
                     largest, checks);
}

}  // namespace

std::string layouts_text(const LayoutTracker& layouts, bool color) {
  ljmm::detail::TextStyle style(color);
  std::string out = "\n" + style.bold("Address space (the layout model: mappings as the kernel keeps them)") + "\n";
  out += fmt::format("  {:>7} {:<16} {:>7} {:>7} {:>11} {:>11} {:>11} {:>9} {:>10}  {}\n", "PID", "COMM", "MAPS",
                     "PEAK", "ACCESSIBLE", "PEAK", "RESERVED", "LOCKED", "ADVISED", "EXACT FROM");
  for (const auto& [pid, process] : layouts.processes()) {
    out += fmt::format("  {:>7} {:<16} {:>7} {:>7} {:>11} {:>11} {:>11} {:>9} {:>10}  {}{}\n", pid, process.comm,
                       process.end.map_count, process.peak_map_count, format_size(process.end.accessible_bytes),
                       format_size(process.peak_accessible_bytes), format_size(process.end.reserved_bytes),
                       format_size(process.end.locked_bytes), format_size(process.advised_away_bytes),
                       exact_from(process), process.exited ? ", exited" : "");
  }
  out += "  accessible: mapped with any of read, write, execute (memory the process may touch); reserved: "
         "PROT_NONE\n";
  out += kernel_agreement(layouts);
  for (const auto& [pid, calls] : layouts.unknown())
    out += fmt::format("  not known: pid {} made {} calls while its layout could not be read (it exec'd and "
                       "ended too soon, or /proc refused)\n",
                       pid, calls);
  return out;
}

std::string layouts_json(const LayoutTracker& layouts) {
  auto totals = [](JsonWriter& json, const char* name, const film::LayoutTotals& t) {
    json.key(name).begin_object(true).field("map_count", t.map_count).field("accessible_bytes", t.accessible_bytes);
    json.field("reserved_bytes", t.reserved_bytes).field("locked_bytes", t.locked_bytes).end_object();
  };
  JsonWriter json(0);
  json.begin_object().field("schema", trace_schema).field("type", "layouts").key("processes").begin_array();
  for (const auto& [pid, process] : layouts.processes()) {
    json.begin_object().field("pid", pid).field("comm", process.comm);
    json.field("source", film::layout_source_name(process.source)).field("exact_from_ns", process.exact_from_ns);
    totals(json, "start", process.start);
    totals(json, "end", process.end);
    json.field("peak_map_count", process.peak_map_count).field("peak_accessible_bytes", process.peak_accessible_bytes);
    json.field("reserved_at_peak", process.reserved_at_peak).field("advised_away_bytes", process.advised_away_bytes);
    json.field("calls_applied", process.calls_applied).field("exited", process.exited);
    json.field("kernel_checks", process.kernel_checks).field("largest_kernel_difference", process.largest_kernel_difference);
    json.end_object();
  }
  json.end_array().key("unknown").begin_array();
  for (const auto& [pid, calls] : layouts.unknown()) json.begin_object().field("pid", pid).field("calls", calls).end_object();
  json.end_array().end_object();
  return json.take();
}

}  // namespace ljmm::trace
