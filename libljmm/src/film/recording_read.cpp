// Reading a recording back (recording.hpp): its header, its layouts and events in order, its end.
#include <fmt/format.h>

#include <cstring>

#include "film/line_file.hpp"
#include "json/fields.hpp"
#include "json/parts.hpp"
#include "ljmm/recording.hpp"

namespace ljmm::film {

namespace {

using namespace ljmm::detail::json_fields;

// -errno from its name, as strace and the trace write it ("ENOMEM").
std::optional<int64_t> errno_named(const std::string& name) {
  for (int code = 1; code < 4096; ++code)
    if (const char* known = strerrorname_np(code); known && name == known) return -code;
  return std::nullopt;
}

Result<uint64_t> address_at(const json& object, std::string_view key, const std::string& where) {
  auto value = member(object, key, where);
  if (!value) return value.error();
  return as_address(**value, child(where, key));
}

Result<RecordingHeader> read_header(const json& line) {
  RecordingHeader header;
  header.tool = line.value("tool", "");
  header.started_at_unix_ms = line.value("started_at_unix_ms", int64_t{0});
  if (auto command = line.find("command"); command != line.end() && command->is_array())
    for (const json& part : *command) header.command.push_back(part.is_string() ? part.get<std::string>() : "");
  if (auto pids = line.find("pids"); pids != line.end() && pids->is_array())
    for (const json& pid : *pids) header.pids.push_back(pid.is_number_integer() ? pid.get<int>() : 0);
  header.calls = line.value("calls", "%layout");
  header.host = line.value("host", "");
  if (Status system = ljmm::detail::read_system(line, header.system); !system) return system.error();
  return header;
}

Result<StartLayout> read_layout(const json& line, const SystemInfo& system) {
  StartLayout layout;
  auto pid = member(line, "pid", "");
  if (!pid) return pid.error();
  auto number = as_uint(**pid, "pid");
  if (!number) return number.error();
  layout.pid = static_cast<uint32_t>(*number);
  auto time = member(line, "time_ns", "");
  if (!time) return time.error();
  auto time_ns = as_uint(**time, "time_ns");
  if (!time_ns) return time_ns.error();
  layout.time_ns = *time_ns;
  layout.source = layout_source_named(line.value("source", "")).value_or(LayoutSource::attach);
  layout.stopped = line.value("stopped", false);
  layout.system = system;
  if (Status process = ljmm::detail::read_process(line, layout.process); !process) return process.error();
  auto regions = member(line, "regions", "");
  if (!regions) return regions.error();
  if (!(*regions)->is_array()) return bad("regions", "not an array");
  for (size_t i = 0; i < (*regions)->size(); ++i) {
    auto region = ljmm::detail::read_region((**regions)[i], element("regions", i));
    if (!region) return region.error();
    layout.regions.push_back(std::move(region).value());
  }
  return layout;
}

Result<trace::EventKind> event_kind(const std::string& name) {
  for (trace::EventKind kind : {trace::EventKind::syscall, trace::EventKind::fork, trace::EventKind::exec,
                                trace::EventKind::exit})
    if (name == trace::event_kind_name(kind)) return kind;
  return bad("event", fmt::format("\"{}\" is not an event", name));
}

// The call an event names, in its ABI: "mmap2" is i386's; i386 "mmap" is old mmap.
Status read_call(const json& line, trace::Event& event) {
  std::string name = line.value("syscall", "");
  if (line.value("abi", "x86_64") == "ia32") {
    for (const trace::Ia32Syscall& call : trace::ia32_syscalls)
      if (name == call.name) {
        event.ia32_syscall = call.number;
        event.syscall = static_cast<int>(call.does);
        return {};
      }
  } else if (std::optional<trace::Syscall> call = trace::syscall_named(name)) {
    event.syscall = static_cast<int>(*call);
    return {};
  }
  return bad("syscall", fmt::format("\"{}\" is not a traced call", name));
}

Status read_result(const json& line, trace::Event& event) {
  event.unfinished = line.value("unfinished", false);
  if (auto error = line.find("error"); error != line.end() && error->is_string()) {
    std::optional<int64_t> code = errno_named(error->get<std::string>());
    if (!code) return bad("error", fmt::format("\"{}\" is not an errno name", error->get<std::string>()));
    event.ret = *code;
  } else if (auto result = line.find("result"); result != line.end() && result->is_string()) {
    auto value = as_address(*result, "result");
    if (!value) return value.error();
    event.ret = static_cast<int64_t>(*value);
  }
  return {};
}

Result<trace::Event> read_event(const json& line) {
  trace::Event event;
  auto kind = event_kind(line.value("event", ""));
  if (!kind) return kind.error();
  event.kind = *kind;
  auto time = member(line, "time_ns", "");
  if (!time) return time.error();
  auto time_ns = as_uint(**time, "time_ns");
  if (!time_ns) return time_ns.error();
  event.time_ns = *time_ns;
  event.pid = line.value("pid", 0u);
  event.tid = line.value("tid", 0u);
  event.ppid = line.value("ppid", 0u);
  event.comm = line.value("comm", "");
  event.duration_ns = line.value("duration_ns", uint64_t{0});
  if (event.kind != trace::EventKind::syscall) return event;
  if (Status call = read_call(line, event); !call) return call.error();
  auto raw = member(line, "raw_args", "");
  if (!raw) return raw.error();
  if (!(*raw)->is_array() || (*raw)->size() != 6) return bad("raw_args", "not six arguments");
  for (size_t i = 0; i < 6; ++i) {
    auto value = as_address((**raw)[i], element("raw_args", i));
    if (!value) return value.error();
    event.args[i] = *value;
  }
  if (Status result = read_result(line, event); !result) return result.error();
  if (auto args = line.find("args"); args != line.end() && args->is_object()) {
    event.path = args->value("path", "");
    if (event.is(trace::Syscall::shmat)) event.shm_size = args->value("size", uint64_t{0});
  }
  if (auto file = line.find("file"); file != line.end() && file->is_object()) {
    event.mapped_file.inode = file->value("inode", uint64_t{0});
    unsigned major = 0, minor = 0;
    if (std::sscanf(file->value("dev", "").c_str(), "%x:%x", &major, &minor) == 2) {
      event.mapped_file.dev_major = major;
      event.mapped_file.dev_minor = minor;
    }
  }
  if (line.contains("kernel_map_count")) event.kernel_map_count = line.value("kernel_map_count", uint64_t{0});
  if (line.contains("caller")) {
    auto caller = address_at(line, "caller", "");
    if (caller) event.caller = *caller;
  }
  return event;
}

// One line after the header: a layout, an event, the end, or the trace's summary (skipped).
Status read_item(const json& line, Recording& recording) {
  std::string type = line.value("type", "");
  if (type == "layout") {
    auto layout = read_layout(line, recording.header.system);
    if (!layout) return layout.error();
    recording.items.emplace_back(std::move(layout).value());
  } else if (type == "event") {
    auto event = read_event(line);
    if (!event) return event.error();
    recording.items.emplace_back(std::move(event).value());
  } else if (type == "end") {
    recording.end = RecordingEnd{line.value("time_ns", uint64_t{0}), line.value("events", uint64_t{0}),
                                 line.value("lost_events", uint64_t{0}), line.value("stop_reason", "")};
  } else if (type != "summary" && type != "layouts" && type != "call_sites" && type != "activity") {
    return bad("type", fmt::format("\"{}\" is not a line of a recording", type));
  }
  return {};
}

Status read_first_line(const std::optional<std::string>& text, Recording& recording) {
  if (!text) return make_error(Errc::malformed, "empty: not a recording");
  auto line = parse_document(*text, "line 1");
  if (!line || !line->is_object()) return make_error(Errc::malformed, "line 1: not a recording (not a JSON object)");
  std::string schema = line->value("schema", "");
  if (schema.starts_with("ljmm.recording/") && schema != recording_schema)
    return make_error(Errc::malformed,
                      fmt::format("line 1: a recording of schema {}, from a newer ljmm; this one reads {}", schema,
                                  recording_schema));
  if (schema != recording_schema || line->value("type", "") != "recording")
    return make_error(Errc::malformed, fmt::format("line 1: not a recording (schema \"{}\", expected \"{}\")", schema,
                                                   recording_schema));
  auto header = read_header(*line);
  if (!header) return header.error();
  recording.header = std::move(header).value();
  return {};
}

}  // namespace

Result<Recording> read_recording(const std::string& path) {
  auto reader = detail::LineReader::open(path);
  if (!reader) return reader.error();
  Recording recording;
  recording.path = path;
  bool cut_off = false;
  if (Status first = read_first_line(reader->next(cut_off), recording); !first)
    return with_context(first.error(), path, Errc::malformed);
  size_t number = 1;
  while (std::optional<std::string> text = reader->next(cut_off)) {
    ++number;
    auto line = parse_document(*text, fmt::format("line {}", number));
    Status item = line.ok() ? Status() : Status(line.error());
    try {
      if (line) item = read_item(*line, recording);
    } catch (const json::exception& error) {  // a member of the wrong type
      item = make_error(Errc::malformed, error.what());
    }
    if (!item) return with_context(item.error(), fmt::format("{}: line {}", path, number), Errc::malformed);
  }
  if (cut_off) recording.cut_off_line = number + 1;
  return recording;
}

}  // namespace ljmm::film
