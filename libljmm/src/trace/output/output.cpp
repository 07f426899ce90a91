// The text and JSON outputs, the sink that feeds one, and the sink that forwards to several.
#include "ljmm/trace_output.hpp"

#include <fmt/format.h>

#include "ljmm/trace_report.hpp"

namespace ljmm::trace {

std::vector<Frame> name_frames(const Event& event, Symbolizer* symbolizer) {
  std::vector<Frame> frames;
  frames.reserve(event.stack.size());
  for (size_t i = 0; i < event.stack.size(); ++i) {
    Frame frame{event.stack[i], {}};
    if (symbolizer) frame.name = symbolizer->symbolize(event.pid, event.stack[i], event.frame_file(i));
    frames.push_back(std::move(frame));
  }
  return frames;
}

namespace {

void write(std::FILE* out, const std::string& text) { std::fwrite(text.data(), 1, text.size(), out); }

class TextOutput : public Output {
 public:
  TextOutput(std::FILE* out, bool color) : out_(out), color_(color) {}

  void event(const Event& event, const std::vector<Frame>& frames) override {
    if (!header_written_) write(out_, header_line());
    header_written_ = true;
    write(out_, event_line(event, frames));
  }
  void activity(const std::vector<ProcessActivity>& ranked, uint64_t time_ns) override {
    write(out_, fmt::format("\n{:.1f} s\n{}", time_ns / 1e9, activity_text(ranked, 20)));
    std::fflush(out_);  // a ranking every few seconds is read as it comes, like top
  }
  void summary(const TraceEnd& end) override {
    write(out_, summary_text(end.summary, end.run, color_, end.live_sites));
    if (end.layouts) write(out_, layouts_text(*end.layouts, color_));
    if (end.call_sites) write(out_, call_sites_text(*end.call_sites, end.top));
  }

 private:
  std::FILE* out_;
  bool color_;
  bool header_written_ = false;
};

class JsonOutput : public Output {
 public:
  explicit JsonOutput(std::FILE* out) : out_(out) {}

  void event(const Event& event, const std::vector<Frame>& frames) override { write(out_, event_json(event, frames)); }
  void activity(const std::vector<ProcessActivity>& ranked, uint64_t time_ns) override {
    write(out_, activity_json(ranked, time_ns));
    std::fflush(out_);
  }
  void summary(const TraceEnd& end) override {
    // The summary last, as the schema says: a reader of the final line gets it.
    if (end.layouts) write(out_, layouts_json(*end.layouts));
    if (end.call_sites) write(out_, call_sites_json(*end.call_sites, end.top));
    write(out_, summary_json(end.summary, end.run, end.live_sites));
  }

 private:
  std::FILE* out_;
};

}  // namespace

std::unique_ptr<Output> make_text_output(std::FILE* out, bool color) { return std::make_unique<TextOutput>(out, color); }
std::unique_ptr<Output> make_json_output(std::FILE* out) { return std::make_unique<JsonOutput>(out); }

void OutputSink::on_event(const Event& event) {
  if (events_) output_.event(event, name_frames(event, symbolizer_));
  // Named while the process lived; an exec or exit makes its maps as read describe nothing.
  if (symbolizer_ && (event.kind == EventKind::exec || event.kind == EventKind::exit)) symbolizer_->forget(event.pid);
}

void OutputSink::on_activity(const std::vector<ProcessActivity>& ranked, uint64_t time_ns) {
  output_.activity(ranked, time_ns);
}

void Fanout::on_event(const Event& event) {
  for (Sink* sink : sinks_) sink->on_event(event);
}

void Fanout::on_layout(const film::StartLayout& layout) {
  for (Sink* sink : sinks_) sink->on_layout(layout);
}

void Fanout::on_losses(const Losses& losses) {
  for (Sink* sink : sinks_) sink->on_losses(losses);
}

void Fanout::on_activity(const std::vector<ProcessActivity>& ranked, uint64_t time_ns) {
  for (Sink* sink : sinks_) sink->on_activity(ranked, time_ns);
}

}  // namespace ljmm::trace
