// The call sites as text, as a JSON Lines object, and as folded stacks.
#include <fmt/format.h>

#include "json/writer.hpp"
#include "ljmm/trace_report.hpp"
#include "ljmm/units.hpp"

namespace ljmm::trace {

using ljmm::detail::JsonWriter;

namespace {

std::string frames_text(const std::vector<std::string>& frames, const char* indent) {
  if (frames.empty()) return fmt::format("{}(no stack: see the summary's stacks line)\n", indent);
  std::string text;
  for (const std::string& frame : frames) text += fmt::format("{}{}\n", indent, frame);
  return text;
}

void write_frames(JsonWriter& json, const char* key, const std::vector<std::string>& frames) {
  json.key(key).begin_array();
  for (const std::string& frame : frames) json.value(frame);
  json.end_array();
}

// "malloc+0x1a (libc.so.6)" -> "malloc (libc.so.6)": flame graphs merge a function's call sites.
std::string folded_frame(const std::string& frame) {
  size_t plus = frame.find("+0x"), space = frame.find(" (");
  std::string name = plus != std::string::npos && space != std::string::npos && plus < space
                         ? frame.substr(0, plus) + frame.substr(space)
                         : frame;
  for (char& c : name)
    if (c == ';') c = ':';  // the separator
  return name;
}

}  // namespace

std::string call_sites_text(const CallSites& sites, size_t top) {
  std::string out;
  std::vector<CallSites::Site> fallbacks = sites.fallbacks();
  if (!fallbacks.empty()) {
    out += fmt::format("\nmalloc fallback by call site (top {} of {}, by bytes)\n", std::min(top, fallbacks.size()),
                       fallbacks.size());
    for (size_t i = 0; i < fallbacks.size() && i < top; ++i)
      out += fmt::format("  {} in {} mmap calls ({})\n", format_size(fallbacks[i].bytes), fallbacks[i].calls,
                         fallbacks[i].comm) +
             frames_text(fallbacks[i].frames, "      ");
  }
  std::vector<CallSites::Site> failed = sites.failed_brks();
  if (!failed.empty()) {
    out += fmt::format("\nfailed brk by call site (top {} of {}, by calls)\n", std::min(top, failed.size()),
                       failed.size());
    for (size_t i = 0; i < failed.size() && i < top; ++i)
      out += fmt::format("  {} calls ({})\n", failed[i].calls, failed[i].comm) + frames_text(failed[i].frames, "      ");
  }
  std::vector<CallSites::Site> splits = sites.map_growth();
  if (!splits.empty()) {
    out += fmt::format("\nmappings added by call site (top {} of {}; splits toward vm.max_map_count; from the calls "
                       "with a stack: --stack=all gives every call one)\n",
                       std::min(top, splits.size()), splits.size());
    for (size_t i = 0; i < splits.size() && i < top; ++i)
      out += fmt::format("  {} mappings in {} calls ({})\n", splits[i].bytes, splits[i].calls, splits[i].comm) +
             frames_text(splits[i].frames, "      ");
  }
  std::vector<CallSites::Site> accessible = sites.accessible_growth();
  if (!accessible.empty()) {
    out += fmt::format("\nmemory made accessible by call site (top {} of {}, by bytes; from the calls with a stack)\n",
                       std::min(top, accessible.size()), accessible.size());
    for (size_t i = 0; i < accessible.size() && i < top; ++i)
      out += fmt::format("  {} in {} calls ({})\n", format_size(accessible[i].bytes), accessible[i].calls,
                         accessible[i].comm) +
             frames_text(accessible[i].frames, "      ");
  }
  for (const CallSites::Blocker& b : sites.blockers()) {
    out += fmt::format("\nwho blocked brk in {} {}: {} at {:.6f}s by tid {} put {} at {}, in the heap's way\n", b.comm,
                       b.pid, b.mapping.call_name(), b.mapping.time_ns / 1e9, b.mapping.tid,
                       format_size(b.mapping.is(Syscall::mmap) ? b.mapping.args[1] : b.mapping.args[2]),
                       format_address(static_cast<uint64_t>(b.mapping.ret)));
    out += frames_text(b.frames, "      ");
    out += fmt::format("  the first brk it made fail: at {:.6f}s by tid {}, asking for {}\n", b.failed_brk_time_ns / 1e9,
                       b.failed_brk_tid, format_address(b.failed_brk_asked));
    out += frames_text(b.failed_brk_frames, "      ");
  }
  for (const auto& [pid, calls] : sites.unexplained_failures())
    out += fmt::format("\nwho blocked brk in {}: not seen ({} failed brk calls); it was mapped before the trace began "
                       "(ljmm-inspect {} names what it can)\n",
                       pid, calls, pid);
  return out;
}

std::string call_sites_json(const CallSites& sites, size_t top) {
  JsonWriter json(0);
  json.begin_object().field("schema", trace_schema).field("type", "call_sites");
  auto write_sites = [&](const char* key, const std::vector<CallSites::Site>& list) {
    json.key(key).begin_array();
    for (size_t i = 0; i < list.size() && i < top; ++i) {
      json.begin_object().field("comm", list[i].comm).field("calls", list[i].calls).field("bytes", list[i].bytes);
      write_frames(json, "stack", list[i].frames);
      json.end_object();
    }
    json.end_array();
  };
  write_sites("fallbacks", sites.fallbacks());
  write_sites("failed_brk", sites.failed_brks());
  write_sites("map_growth", sites.map_growth());  // "bytes": the mappings added
  write_sites("accessible_growth", sites.accessible_growth());
  json.field("fallback_bytes", sites.fallback_bytes());
  json.key("blockers").begin_array();
  for (const CallSites::Blocker& b : sites.blockers()) {
    json.begin_object().field("pid", b.pid).field("comm", b.comm).field("tid", b.mapping.tid);
    json.field("time_ns", b.mapping.time_ns).field("syscall", b.mapping.call_name());
    json.address_field("start", static_cast<uint64_t>(b.mapping.ret));
    json.field("size", b.mapping.is(Syscall::mmap) ? b.mapping.args[1] : b.mapping.args[2]);
    write_frames(json, "stack", b.frames);
    json.key("first_failed_brk").begin_object().field("time_ns", b.failed_brk_time_ns).field("tid", b.failed_brk_tid);
    json.address_field("asked", b.failed_brk_asked);
    write_frames(json, "stack", b.failed_brk_frames);
    json.end_object().end_object();
  }
  json.end_array();
  json.key("blocker_not_seen").begin_array();
  for (const auto& [pid, calls] : sites.unexplained_failures())
    json.begin_object().field("pid", pid).field("failed_brk", calls).end_object();
  json.end_array();
  json.end_object();
  return json.take();
}

std::string folded_fallbacks(const CallSites& sites) {
  std::string out;
  for (const CallSites::Site& site : sites.fallbacks()) {
    std::string line = folded_frame(site.comm.empty() ? "?" : site.comm);
    if (site.frames.empty()) line += ";[no stack]";
    for (auto frame = site.frames.rbegin(); frame != site.frames.rend(); ++frame) line += ";" + folded_frame(*frame);
    out += fmt::format("{} {}\n", line, site.bytes);
  }
  return out;
}

}  // namespace ljmm::trace
