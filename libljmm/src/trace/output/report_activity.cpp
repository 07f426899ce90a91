// ljmm-trace -a's ranking of the host's processes, in text and JSON: every --interval seconds
// and in the summary. With counts only (-q) there are no events, so the summary is this.
#include <fmt/format.h>

#include "json/writer.hpp"
#include "ljmm/trace_report.hpp"
#include "ljmm/units.hpp"
#include "render/style.hpp"
#include "trace/output/report_activity.hpp"

namespace ljmm::trace {

using ljmm::detail::JsonWriter;
using ljmm::detail::TextStyle;

namespace {

uint64_t processes_with_failed_brk(const std::vector<ProcessActivity>& ranked) {
  uint64_t count = 0;
  for (const ProcessActivity& process : ranked) count += process.brk_failures() > 0;
  return count;
}

void write_process(JsonWriter& json, const ProcessActivity& p) {
  json.begin_object(true).field("pid", p.pid).field("host_pid", p.host_pid).field("uid", p.uid);
  json.field("comm", p.comm).field("exited", p.exited);
  json.key("calls").begin_object(true);
  for (const TracedSyscall& traced : traced_syscalls) json.field(traced.name, p.calls[call_index(traced.id)]);
  json.end_object().key("failed").begin_object(true);
  for (const TracedSyscall& traced : traced_syscalls) json.field(traced.name, p.failed[call_index(traced.id)]);
  json.end_object();
  json.field("brk_failures", p.brk_failures()).field("mapped_bytes", p.mapped_bytes);
  json.field("fallback_mmaps", p.fallback_mmaps).field("fallback_bytes", p.fallback_bytes).end_object();
}

}  // namespace

std::string activity_text(const std::vector<ProcessActivity>& ranked, size_t top) {
  std::string out = fmt::format("  {} made traced calls, {} of them failed brk calls\n",
                                ranked.size() == 1 ? "1 process" : fmt::format("{} processes", ranked.size()),
                                processes_with_failed_brk(ranked));
  if (ranked.empty()) return out;
  out += fmt::format("  {:>7} {:<24} {:>6} {:>9} {:>7} {:>10} {:>12} {:>12}\n", "PID", "COMM", "UID", "CALLS", "FAILED",
                     "BRK FAILED", "FALLBACK", "MAPPED");
  for (size_t i = 0; i < ranked.size() && i < top; ++i) {
    const ProcessActivity& p = ranked[i];
    out += fmt::format("  {:>7} {:<24} {:>6} {:>9} {:>7} {:>10} {:>12} {:>12}\n", p.pid,
                       p.exited ? p.comm + " (exited)" : p.comm, p.uid, p.total_calls(), p.total_failed(),
                       p.brk_failures(), format_size(p.fallback_bytes), format_size(p.mapped_bytes));
  }
  if (ranked.size() > top) out += fmt::format("  ... and {} more (all of them in --json)\n", ranked.size() - top);
  return out;
}

void detail::write_activity(JsonWriter& json, std::string_view key, const std::vector<ProcessActivity>& ranked) {
  json.key(key).begin_array();
  for (const ProcessActivity& process : ranked) write_process(json, process);
  json.end_array();
}

std::string activity_json(const std::vector<ProcessActivity>& ranked, uint64_t time_ns) {
  JsonWriter json(0);
  json.begin_object().field("schema", trace_schema).field("type", "activity").field("time_ns", time_ns);
  detail::write_activity(json, "processes", ranked);
  json.end_object();
  return json.take();
}

std::string detail::counts_summary_text(const RunResult& run, bool color) {
  TextStyle style(color);
  std::string out = "\n" + style.bold("Summary") +
                    fmt::format(" (system-wide, counted in the kernel; {} backend: {}; {} lost)\n", run.backend,
                                run.backend_reason, run.lost_events());
  if (run.lost_events() > 0)
    out += fmt::format("  WARNING: {} calls were not counted ({}).\n", run.lost_events(), describe_losses(run.losses));
  for (const TracedSyscall& traced : traced_syscalls) {
    uint64_t calls = 0, failed = 0;
    for (const ProcessActivity& p : run.activity) {
      calls += p.calls[call_index(traced.id)];
      failed += p.failed[call_index(traced.id)];
    }
    out += fmt::format("  {:<7} {:>9} calls{}\n", traced.name, calls, failed ? fmt::format(", {} failed", failed) : "");
  }
  out += "\n" + style.bold("Processes, worst first (failed brk, then malloc fallback bytes)") + "\n";
  out += activity_text(run.activity, 20);
  out += fmt::format("\nlost events: {}\n", run.lost_events());
  return out;
}

}  // namespace ljmm::trace
