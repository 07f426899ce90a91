// ljmm-trace's output: a line or a JSON object per event, and the summary, in text or JSON.
#include <fmt/format.h>

#include <algorithm>

#include "json/findings.hpp"
#include "json/writer.hpp"
#include "ljmm/trace_report.hpp"
#include "ljmm/units.hpp"
#include "film/arguments.hpp"
#include "render/style.hpp"
#include "trace/output/report_activity.hpp"
#include "trace/output/stack_report.hpp"

namespace ljmm::trace {

using ljmm::detail::JsonWriter;
using ljmm::detail::TextStyle;
using ljmm::detail::write_findings;

std::string header_line() {
  return fmt::format("{:<10} {:>7} {:>7} {:<16} {:<7} {:<56} {:<18} {:>8}\n", "TIME(s)", "PID", "TID", "COMM", "CALL",
                     "ARGUMENTS", "RESULT", "LAT(us)");
}

namespace {

std::string frame_text(const Frame& frame) { return frame.name.empty() ? format_address_short(frame.address) : frame.name; }

}  // namespace

std::string event_line(const Event& event, const std::vector<Frame>& frames) {
  // A 32-bit call is marked with its ABI: ia32:mmap2.
  std::string call = event.kind != EventKind::syscall ? event_kind_name(event.kind)
                     : event.ia32_syscall             ? fmt::format("ia32:{}", event.call_name())
                                                      : event.call_name();
  std::string line = fmt::format("{:<10.6f} {:>7} {:>7} {:<16} {:<7} {:<56} {:<18} {:>8.1f}\n", event.time_ns / 1e9,
                                 event.pid, event.tid, event.comm, call, describe_arguments(event),
                                 describe_result(event), event.duration_ns / 1e3);
  for (const Frame& frame : frames) line += fmt::format("{:>30}{}\n", "", frame_text(frame));
  return line;
}

namespace {

void write_arguments(JsonWriter& json, const Event& event) {
  json.key("args").begin_object(true);
  for (const detail::Argument& argument : detail::decode_arguments(event)) {
    switch (argument.json) {
      case detail::Argument::Json::address: json.address_field(argument.name, argument.value); break;
      case detail::Argument::Json::number: json.field(argument.name, argument.value); break;
      case detail::Argument::Json::signed_number:
        json.field(argument.name, static_cast<int64_t>(argument.value));
        break;
      case detail::Argument::Json::text: json.field(argument.name, argument.text); break;
    }
  }
  json.end_object();
}

void write_layout_after(JsonWriter& json, const LayoutAfter& layout) {
  json.key("layout").begin_object(true);
  json.field("map_count", layout.map_count).field("accessible_bytes", layout.accessible_bytes);
  json.field("reserved_bytes", layout.reserved_bytes).field("locked_bytes", layout.locked_bytes);
  json.field("map_count_change", layout.map_count_change).field("accessible_change", layout.accessible_change);
  json.end_object();
}

}  // namespace

std::string event_json(const Event& event, const std::vector<Frame>& frames) {
  JsonWriter json(0);
  json.begin_object().field("schema", trace_schema).field("type", "event");
  json.field("time_ns", event.time_ns).field("event", event_kind_name(event.kind));
  json.field("pid", event.pid).field("tid", event.tid).field("comm", event.comm);
  if (event.host_pid != 0) json.field("host_pid", event.host_pid);
  if (event.kind == EventKind::fork) json.field("ppid", event.ppid);
  if (event.kind == EventKind::syscall) {
    json.field("syscall", event.call_name()).field("abi", event.abi());
    write_arguments(json, event);
    json.key("raw_args").begin_array();  // the six registers as the kernel got them
    for (uint64_t arg : event.args) json.address(arg);
    json.end_array();
    json.field("failed", event.failed());
    json.field("unfinished", event.unfinished);
    bool error = event.failed() && !event.is(Syscall::brk);
    json.key("result");
    error || event.unfinished ? json.null() : json.address(static_cast<uint64_t>(event.ret));
    json.key("error");
    error ? json.value(errno_name(-event.ret)) : json.null();
    json.field("duration_ns", event.duration_ns);
    if (event.caller) json.address_field("caller", event.caller);
    if (event.mapped_file.inode != 0) {
      json.key("file").begin_object(true);
      json.field("dev", fmt::format("{:02x}:{:02x}", event.mapped_file.dev_major, event.mapped_file.dev_minor));
      json.field("inode", event.mapped_file.inode).end_object();
    }
    if (event.kernel_map_count) json.field("kernel_map_count", *event.kernel_map_count);
  }
  if (event.layout) write_layout_after(json, *event.layout);
  if (!frames.empty()) {
    json.key("stack").begin_array();
    for (const Frame& frame : frames) json.address(frame.address);
    json.end_array();
    // Named frames come from a symbolizer, which names every frame (an address when it must).
    if (!frames.front().name.empty()) {
      json.key("symbols").begin_array();
      for (const Frame& frame : frames) json.value(frame.name);
      json.end_array();
    }
  }
  json.end_object();
  return json.take();
}

namespace {

// The calls made, one line each; the traced calls nobody made on one line after them.
std::string syscall_counts(const Summary& summary, const CallSet& traced) {
  std::string text, not_called;
  for (size_t i = 0; i < traced_syscalls.size(); ++i) {
    const char* name = traced_syscalls[i].name;
    auto it = summary.syscalls().find(name);
    if (it == summary.syscalls().end() || it->second.calls == 0) {
      if (traced.test(i)) not_called += fmt::format("{}{}", not_called.empty() ? "" : ", ", name);
      continue;
    }
    const Summary::SyscallCount& count = it->second;
    text += fmt::format("  {:<16} {:>9} calls{}{}\n", name, count.calls,
                        count.failed ? fmt::format(", {} failed", count.failed) : "",
                        count.unfinished ? fmt::format(", {} unfinished (the thread ended in the call)", count.unfinished)
                                         : "");
  }
  if (!not_called.empty()) text += fmt::format("  not called: {}\n", not_called);
  if (!traced.all()) text += fmt::format("  traced: only {} (--calls)\n", describe_calls(traced));
  return text;
}

std::string per_process_table(const Summary& summary) {
  std::string out = fmt::format("  {:>7} {:<16} {:>12} {:>12} {:>12} {:>12}\n", "PID", "COMM", "MAPPED", "UNMAPPED",
                                "BRK GROWTH", "FALLBACK");
  for (const auto& [pid, process] : summary.processes()) {
    auto fallback = summary.fallbacks().bytes_by_pid.find(pid);
    out += fmt::format("  {:>7} {:<16} {:>12} {:>12} {:>12} {:>12}{}{}\n", pid, process.comm,
                       format_size(process.mapped_bytes), format_size(process.unmapped_bytes),
                       format_size(process.brk_growth_bytes),
                       format_size(fallback == summary.fallbacks().bytes_by_pid.end() ? 0 : fallback->second),
                       process.target ? "  -p" : "", process.exited ? "  exited" : "");
  }
  return out;
}

}  // namespace

std::string ended_processes_note(const RunResult& run) {
  if (run.ended_processes.empty()) return {};
  std::string pids;
  for (uint32_t pid : run.ended_processes) pids += (pids.empty() ? "" : " ") + std::to_string(pid);
  return fmt::format(
      "the trace ended before {} process(es) it started under its seccomp filter (pid {}); they were ended with "
      "SIGKILL, since without a tracer their mmap, munmap, mremap and brk would fail with ENOSYS (with -d the "
      "command runs unfiltered and keeps running)",
      run.ended_processes.size(), pids);
}

std::string describe_losses(const Losses& losses) {
  std::string text;
  auto add = [&](uint64_t count, const char* cause) {
    if (count == 0) return;
    if (!text.empty()) text += ", ";
    text += fmt::format("{} {}", count, cause);
  };
  add(losses.ring_buffer, "ring buffer full (--ring-size enlarges it)");
  add(losses.entry_table, "calls unpaired (entry table full: --max-threads enlarges it)");
  add(losses.traced_set, "forked processes untraced (traced set full)");
  add(losses.ia32_arguments, "old mmap argument blocks unreadable");
  add(losses.x32_calls, "x32 calls not traced");
  add(losses.activity_table, "calls not counted (per-process table full)");
  add(losses.out_of_step, "processes whose fork or exit event was lost");
  return text.empty() ? "none" : text;
}

namespace {

// What the listed call sites leave out of the live mappings.
struct OtherSites {
  uint64_t mappings = 0, bytes = 0;
};
OtherSites other_sites(const std::vector<Summary::LiveMapping>& live, const std::vector<LiveSite>& sites) {
  OtherSites rest{live.size(), 0};
  for (const auto& mapping : live) rest.bytes += mapping.size;
  for (const LiveSite& site : sites) {
    rest.mappings -= std::min(rest.mappings, site.mappings);
    rest.bytes -= std::min(rest.bytes, site.bytes);
  }
  return rest;
}

}  // namespace

std::string summary_text(const Summary& summary, const RunResult& run, bool color, const std::vector<LiveSite>& sites) {
  if (run.counts_only) return detail::counts_summary_text(run, color);
  TextStyle style(color);
  auto bold = [&](std::string_view text) { return style.bold(text); };
  std::string out = "\n" + bold("Summary") +
                    fmt::format(" ({} backend: {}; {} events, {} lost)\n", run.backend, run.backend_reason, run.events,
                                run.lost_events());
  if (run.lost_events() > 0 || run.losses.out_of_step > 0)
    out += fmt::format("  WARNING: {} events were lost ({}); the counts below miss them.\n", run.lost_events(),
                       describe_losses(run.losses));
  if (std::string note = ended_processes_note(run); !note.empty()) out += "  " + note + "\n";
  out += "  " + stop_sentence(summary, run) + "\n";
  if (std::string busy = busy_warning(summary, run); !busy.empty()) out += "  " + busy + "\n";
  out += detail::stack_stats_text(run.stacks);
  out += syscall_counts(summary, run.calls);

  if (run.system_wide) {
    out += "\n" + bold("Processes, worst first (failed brk, then malloc fallback bytes)") + "\n";
    out += activity_text(run.activity, 20);
  } else {
    out += "\n" + bold("Per process") + "\n" + per_process_table(summary);
  }
  if (summary.forks() + summary.execs() + summary.exits() > 0)
    out += fmt::format("  processes: {} forked, {} exec'd, {} exited\n", summary.forks(), summary.execs(),
                       summary.exits());

  out += "\n" + bold("malloc fallback (failed brk, then an anonymous mmap from the same thread)") + "\n";
  Finding fallback = summary.fallback_finding();
  if (fallback.id.empty()) {
    out += fmt::format("  none ({} failed brk calls)\n", summary.fallbacks().brk_failures);
  } else {
    out += fmt::format("  {}\n  why: {}\n  fix: {}\n", fallback.summary, fallback.explanation, fallback.fix);
  }

  std::vector<Summary::LiveMapping> live = summary.live_mappings();
  uint64_t live_bytes = 0;
  for (const auto& mapping : live) live_bytes += mapping.size;
  out += "\n" + bold("Mappings still alive at the end (mapped during the trace, never unmapped)") + "\n";
  out += fmt::format("  {} mappings, {}\n", live.size(), format_size(live_bytes));
  if (const Summary::ExitedMappings& exited = summary.exited_mappings(); exited.count > 0)
    out += fmt::format("  not counted: {} mappings, {}, of {} processes that exited during the trace\n", exited.count,
                       format_size(exited.bytes), exited.processes);
  for (size_t i = 0; i < live.size() && i < 10; ++i) {
    const auto& m = live[i];
    out += fmt::format("  {:<18} {:>10} {} {:<27} first by {} {}/{} at {:.6f}s\n", format_address(m.start),
                       format_size(m.size), describe_prot(m.prot), describe_mmap_flags(m.flags), m.comm, m.pid, m.tid,
                       m.time_ns / 1e9);
  }
  if (!sites.empty()) out += "  by the code that called mmap, the most bytes first:\n";
  auto line = [](uint64_t bytes, uint64_t mappings, const std::string& where) {
    return fmt::format("  {:>10} {:>7} {:<8}  {}\n", format_size(bytes), mappings,
                       mappings == 1 ? "mapping" : "mappings", where);
  };
  for (const LiveSite& site : sites) {
    uint64_t others = site.processes - 1;
    out += line(site.bytes, site.mappings,
                fmt::format("{}  by {}{}", site.site, site.comm,
                            others == 0   ? ""
                            : others == 1 ? " and 1 other process"
                                          : fmt::format(" and {} other processes", others)));
  }
  if (OtherSites rest = other_sites(live, sites); rest.mappings > 0 && !sites.empty())
    out += line(rest.bytes, rest.mappings, "at other call sites (--top N lists more)");

  out += "\n" + bold("mmap sizes") + "\n";
  uint64_t most = 0;
  for (const auto& [size, count] : summary.size_histogram()) most = std::max(most, count);
  for (const auto& [size, count] : summary.size_histogram()) {
    size_t bar = static_cast<size_t>(count * 40 / std::max<uint64_t>(most, 1));
    std::string blocks;
    for (size_t i = 0; i < std::max<size_t>(bar, 1); ++i) blocks += "\u2588";
    out += fmt::format("  <= {:>10} {:>9}  {}\n", format_size(size), count, blocks);
  }
  out += fmt::format("\nlost events: {}\n", run.lost_events());
  return out;
}

std::string summary_json(const Summary& summary, const RunResult& run, const std::vector<LiveSite>& sites) {
  JsonWriter json(0);
  json.begin_object().field("schema", trace_schema).field("type", "summary");
  json.field("backend", run.backend).field("backend_reason", run.backend_reason);
  if (!run.attach.empty()) json.field("attach", run.attach);
  json.field("events", run.events).field("lost_events", run.lost_events());
  const Losses& losses = run.losses;
  json.key("losses").begin_object().field("ring_buffer", losses.ring_buffer).field("entry_table", losses.entry_table);
  json.field("traced_set", losses.traced_set).field("ia32_arguments", losses.ia32_arguments);
  json.field("x32_calls", losses.x32_calls).field("activity_table", losses.activity_table);
  json.field("out_of_step", losses.out_of_step).end_object();
  json.field("command_exit", run.command_exit).field("command_running", run.command_running);
  json.key("ended_processes").begin_array();
  for (uint32_t pid : run.ended_processes) json.value(pid);
  json.end_array();
  json.field("interrupted", run.interrupted);
  json.field("system_wide", run.system_wide).field("counts_only", run.counts_only);
  if (run.system_wide) detail::write_activity(json, "activity", run.activity);
  detail::write_stack_stats(json, run.stacks);
  json.field("stop_reason", stop_reason_name(run.stop_reason)).field("stopped_after_ns", run.stopped_at_ns);
  json.field("stop", stop_sentence(summary, run)).key("busy_pids").begin_array();
  for (uint32_t pid : run.busy_pids) json.value(pid);
  json.end_array();
  json.field("calls", describe_calls(run.calls));
  json.key("syscalls").begin_object();
  for (const auto& [name, count] : summary.syscalls()) {
    json.key(name).begin_object().field("calls", count.calls).field("failed", count.failed);
    json.field("unfinished", count.unfinished).end_object();
  }
  json.end_object();
  json.key("processes").begin_array();
  for (const auto& [pid, process] : summary.processes()) {
    json.begin_object().field("pid", pid).field("comm", process.comm).field("mapped_bytes", process.mapped_bytes);
    json.field("unmapped_bytes", process.unmapped_bytes).field("brk_growth_bytes", process.brk_growth_bytes);
    auto fallback = summary.fallbacks().bytes_by_pid.find(pid);
    json.field("fallback_bytes", fallback == summary.fallbacks().bytes_by_pid.end() ? uint64_t{0} : fallback->second);
    json.field("target", process.target).field("exited", process.exited);
    json.end_object();
  }
  json.end_array();
  const Summary::Fallbacks& fallbacks = summary.fallbacks();
  json.key("fallbacks").begin_object().field("brk_failures", fallbacks.brk_failures).field("pairs", fallbacks.pairs);
  json.field("bytes", fallbacks.bytes).field("one_mib", fallbacks.one_mib).end_object();
  std::vector<Summary::LiveMapping> live = summary.live_mappings();
  uint64_t live_bytes = 0;
  for (const auto& mapping : live) live_bytes += mapping.size;
  json.key("live_mappings")
      .begin_object()
      .field("count", static_cast<uint64_t>(live.size()))
      .field("bytes", live_bytes);
  const Summary::ExitedMappings& exited = summary.exited_mappings();
  json.key("exited").begin_object().field("processes", exited.processes).field("count", exited.count);
  json.field("bytes", exited.bytes).end_object();
  json.key("largest").begin_array();
  for (size_t i = 0; i < live.size() && i < 20; ++i) {
    const auto& m = live[i];
    json.begin_object().address_field("start", m.start).field("size", m.size).field("pid", m.pid).field("tid", m.tid);
    json.field("comm", m.comm).field("time_ns", m.time_ns).field("prot", describe_prot(m.prot));
    json.field("flags", describe_mmap_flags(m.flags));
    if (m.caller) json.address_field("caller", m.caller);
    json.end_object();
  }
  json.end_array().key("by_call_site").begin_array();
  for (const LiveSite& site : sites) {
    json.begin_object().field("site", site.site).field("comm", site.comm).field("mappings", site.mappings);
    json.field("bytes", site.bytes).field("processes", site.processes).end_object();
  }
  OtherSites rest = other_sites(live, sites);
  json.end_array().key("other_sites").begin_object().field("mappings", rest.mappings).field("bytes", rest.bytes);
  json.end_object().end_object();
  json.key("size_histogram").begin_array();
  for (const auto& [size, count] : summary.size_histogram())
    json.begin_object().field("up_to", size).field("count", count).end_object();
  json.end_array();
  std::vector<Finding> findings;
  if (Finding fallback = summary.fallback_finding(); !fallback.id.empty()) findings.push_back(std::move(fallback));
  write_findings(json, findings);
  json.end_object();
  return json.take();
}

}  // namespace ljmm::trace
