// Where a trace goes: one Output interface with a text and a JSON Lines implementation, as
// bpftrace's output classes; the sink that hands events to an output with their stack frames
// named; and a sink that forwards to several (the summary, the call sites, the output).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "ljmm/call_sites.hpp"
#include "ljmm/export.hpp"
#include "ljmm/recording.hpp"
#include "ljmm/symbolizer.hpp"
#include "ljmm/trace.hpp"
#include "ljmm/trace_layout.hpp"
#include "ljmm/trace_summary.hpp"

namespace ljmm::trace {

// One frame of an event's user stack: named by the symbolizer, or only its address.
struct LJMM_API Frame {
  uint64_t address = 0;
  std::string name;  // "sysmalloc+0x4e2 (libc.so.6)"; empty when no symbolizer named it
};
// The event's stack as data, innermost first, named when there is a symbolizer.
LJMM_API std::vector<Frame> name_frames(const Event& event, Symbolizer* symbolizer);

// The end of a trace, for Output::summary.
struct LJMM_API TraceEnd {
  const Summary& summary;
  const RunResult& run;
  const std::vector<LiveSite>& live_sites;
  const CallSites* call_sites = nullptr;  // with --stack
  size_t top = 5;                         // call sites listed
  const LayoutTracker* layouts = nullptr;  // the layout model, when it was kept
};

class LJMM_API Output {
 public:
  virtual ~Output() = default;
  virtual void event(const Event& event, const std::vector<Frame>& frames) = 0;
  // A process's start layout (a recording keeps it; the other outputs show events only).
  virtual void layout(const film::StartLayout&) {}
  // -a: the processes ranked, every --interval seconds.
  virtual void activity(const std::vector<ProcessActivity>& ranked, uint64_t time_ns) = 0;
  virtual void summary(const TraceEnd& end) = 0;
  // After the summary: the output is complete (a recording's end line); says a write error.
  virtual Status close() { return {}; }
};

// Event lines under a header, and the summary as people read it.
LJMM_API std::unique_ptr<Output> make_text_output(std::FILE* out, bool color);
// JSON Lines of schema ljmm.trace/v1: an object per event, then the summary (and call sites).
LJMM_API std::unique_ptr<Output> make_json_output(std::FILE* out);

// A recording (recording.hpp) written as the trace goes: the layouts and events, then the summary
// and an end line. The writer is opened by the caller, so an unwritable FILE is said before tracing.
LJMM_API std::unique_ptr<Output> make_recording_output(film::RecordingWriter writer);

// Hands events (unless `events` is false: only the summary is wanted) and -a's rankings to an
// output, with the stacks named while their processes live.
class LJMM_API OutputSink : public Sink {
 public:
  OutputSink(Output& output, Symbolizer* symbolizer, bool events)
      : output_(output), symbolizer_(symbolizer), events_(events) {}
  void on_event(const Event& event) override;
  void on_layout(const film::StartLayout& layout) override { output_.layout(layout); }
  void on_activity(const std::vector<ProcessActivity>& ranked, uint64_t time_ns) override;

 private:
  Output& output_;
  Symbolizer* symbolizer_;
  bool events_;
};

// Forwards everything to each of its sinks, in the order they were added.
class LJMM_API Fanout : public Sink {
 public:
  void add(Sink& sink) { sinks_.push_back(&sink); }
  void on_event(const Event& event) override;
  void on_layout(const film::StartLayout& layout) override;
  void on_losses(const Losses& losses) override;
  void on_activity(const std::vector<ProcessActivity>& ranked, uint64_t time_ns) override;

 private:
  std::vector<Sink*> sinks_;
};

}  // namespace ljmm::trace
