// Writing a recording as the trace goes (recording.hpp).
#include <time.h>

#include "film/line_file.hpp"
#include "json/parts.hpp"
#include "json/writer.hpp"
#include "ljmm/recording.hpp"

namespace ljmm::film {

using ljmm::detail::JsonWriter;

namespace {

constexpr uint64_t flush_every_ns = 100'000'000;  // a crash loses at most this much of the trace

uint64_t monotonic_now_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(now.tv_nsec);
}

std::string header_json(const RecordingHeader& header) {
  JsonWriter json(0);
  json.begin_object().field("schema", recording_schema).field("type", "recording").field("tool", header.tool);
  json.field("started_at_unix_ms", header.started_at_unix_ms);
  json.field("clock", "time_ns: nanoseconds since the trace started (CLOCK_MONOTONIC)");
  json.key("command").begin_array();
  for (const std::string& part : header.command) json.value(part);
  json.end_array().key("pids").begin_array();
  for (int pid : header.pids) json.value(pid);
  json.end_array().field("calls", header.calls).field("host", header.host);
  ljmm::detail::write_system(json, header.system);
  json.end_object();
  return json.take();
}

std::string layout_json(const StartLayout& layout) {
  JsonWriter json(0);
  json.reserve(layout.regions.size() * 200 + 1024);
  json.begin_object().field("schema", recording_schema).field("type", "layout").field("pid", layout.pid);
  json.field("time_ns", layout.time_ns).field("source", layout_source_name(layout.source));
  json.field("stopped", layout.stopped);
  ljmm::detail::write_process(json, layout.process);
  json.key("regions").begin_array();
  for (const Region& region : layout.regions) {
    json.begin_object(true);
    ljmm::detail::write_region_fields(json, region);
    json.end_object();
  }
  json.end_array().end_object();
  return json.take();
}

std::string end_json(const RecordingEnd& end) {
  JsonWriter json(0);
  json.begin_object().field("schema", recording_schema).field("type", "end").field("time_ns", end.time_ns);
  json.field("events", end.events).field("lost_events", end.lost_events).field("stop_reason", end.stop_reason);
  json.end_object();
  return json.take();
}

}  // namespace

struct RecordingWriter::File {
  detail::LineWriter writer;
  uint64_t last_flush_ns = 0;

  void write(const std::string& line) {
    writer.write(line);
    if (line.empty() || line.back() != '\n') writer.write("\n");
    uint64_t now = monotonic_now_ns();
    if (now - last_flush_ns >= flush_every_ns) {
      writer.flush();
      last_flush_ns = now;
    }
  }
};

RecordingWriter::RecordingWriter(std::unique_ptr<File> file) : file_(std::move(file)) {}
RecordingWriter::RecordingWriter(RecordingWriter&&) noexcept = default;
RecordingWriter& RecordingWriter::operator=(RecordingWriter&&) noexcept = default;
RecordingWriter::~RecordingWriter() = default;

Result<RecordingWriter> RecordingWriter::open(const std::string& path, const RecordingHeader& header) {
  auto writer = detail::LineWriter::open(path);
  if (!writer) return writer.error();
  auto file = std::make_unique<File>(File{std::move(writer).value(), 0});
  file->writer.write(header_json(header));
  file->writer.flush();
  file->last_flush_ns = monotonic_now_ns();
  return RecordingWriter(std::move(file));
}

void RecordingWriter::layout(const StartLayout& layout) {
  file_->write(layout_json(layout));
  file_->writer.flush();  // what everything after it is applied to
}

void RecordingWriter::line(const std::string& json) { file_->write(json); }

Status RecordingWriter::finish(const RecordingEnd& end) {
  file_->write(end_json(end));
  return file_->writer.close();
}

}  // namespace ljmm::film
