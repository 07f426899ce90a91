// ljmm-trace --record: the same event objects as --json, with the layouts they apply to.
#include "ljmm/trace_output.hpp"
#include "ljmm/trace_report.hpp"

namespace ljmm::trace {

namespace {

class RecordingOutput : public Output {
 public:
  explicit RecordingOutput(film::RecordingWriter writer) : writer_(std::move(writer)) {}

  void event(const Event& event, const std::vector<Frame>& frames) override { writer_.line(event_json(event, frames)); }
  void layout(const film::StartLayout& layout) override { writer_.layout(layout); }
  void activity(const std::vector<ProcessActivity>&, uint64_t) override {}
  void summary(const TraceEnd& end) override {
    writer_.line(summary_json(end.summary, end.run, end.live_sites));
    if (end.layouts) writer_.line(layouts_json(*end.layouts));
    end_ = film::RecordingEnd{end.run.stopped_at_ns, end.run.events, end.run.lost_events(),
                              stop_reason_name(end.run.stop_reason)};
  }
  Status close() override { return writer_.finish(end_); }

 private:
  film::RecordingWriter writer_;
  film::RecordingEnd end_;
};

}  // namespace

std::unique_ptr<Output> make_recording_output(film::RecordingWriter writer) {
  return std::make_unique<RecordingOutput>(std::move(writer));
}

}  // namespace ljmm::trace
