// Recordings: a trace kept as JSON Lines of schema ljmm.recording/v1 (docs/schema/), so the
// layout of any traced process can be asked for at any instant afterwards. A header line, then in
// the order they happened each process's start layout and the same event objects as
// `ljmm-trace --json` (with time_ns), then the trace's summary and an end line. Plain or gzip.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ljmm/event.hpp"
#include "ljmm/export.hpp"
#include "ljmm/film.hpp"
#include "ljmm/finding.hpp"
#include "ljmm/process.hpp"
#include "ljmm/result.hpp"
#include "ljmm/snapshot.hpp"

namespace ljmm::film {

inline constexpr std::string_view recording_schema = "ljmm.recording/v1";

struct LJMM_API RecordingHeader {
  std::string tool;                 // "ljmm-trace 0.1.0"
  int64_t started_at_unix_ms = 0;   // the wall clock when time_ns 0 was
  std::vector<std::string> command;
  std::vector<int> pids;            // -p
  std::string calls = "%layout";    // what was traced (--calls)
  std::string host;
  SystemInfo system;
};

// How the trace ended, from the end line (absent when the recording was cut off).
struct LJMM_API RecordingEnd {
  uint64_t time_ns = 0;
  uint64_t events = 0;
  uint64_t lost_events = 0;
  std::string stop_reason;
};

// Written as the trace goes: each line as it comes, flushed often enough that a recording cut
// off by a crash or Ctrl-C reads to one of its last lines.
class LJMM_API RecordingWriter {
 public:
  static Result<RecordingWriter> open(const std::string& path, const RecordingHeader& header);
  RecordingWriter(RecordingWriter&&) noexcept;
  RecordingWriter& operator=(RecordingWriter&&) noexcept;
  ~RecordingWriter();

  void layout(const StartLayout& layout);
  // A line made elsewhere (an event object of ljmm.trace/v1, the summary), without its newline.
  void line(const std::string& json);
  Status finish(const RecordingEnd& end);

 private:
  struct File;
  explicit RecordingWriter(std::unique_ptr<File> file);
  std::unique_ptr<File> file_;
};

// One recorded item: a start layout, or an event.
using RecordingItem = std::variant<StartLayout, trace::Event>;

struct LJMM_API Recording {
  std::string path;
  RecordingHeader header;
  std::vector<RecordingItem> items;  // in the order they were recorded
  std::optional<RecordingEnd> end;   // absent: the recording was cut off
  // The last line had no end (the writer stopped in the middle of it): it was left out.
  std::optional<size_t> cut_off_line;
};

// Reads a whole recording. Not a recording, one from a newer schema, or a line that is not what
// a recording holds: one error naming the file and the line (Errc::malformed).
LJMM_API Result<Recording> read_recording(const std::string& path);

// "1.5s", "250ms", "40us", "123456789ns": nanoseconds on a recording's clock.
LJMM_API Result<uint64_t> parse_duration_ns(std::string_view text);

// The layout of process `pid` right after every item with time_ns <= time_ns, as a snapshot
// (every view and finding works on it). `note` says what the caller should warn about: a time
// before the process's first layout or after the end (the nearest layout is shown).
LJMM_API Result<Snapshot> replay(const Recording& recording, uint32_t pid, uint64_t time_ns, std::string& note);
// The process a recording is about when none is named: the first one with a layout.
LJMM_API std::optional<uint32_t> first_process(const Recording& recording);

// A process's address space over a recording: one row per interval, and the instants where a
// warning or an error first appears, to the event.
struct LJMM_API TimelineRow {
  uint64_t time_ns = 0;
  bool known = false;   // the model knew the process's layout then
  bool exited = false;  // the process had exited (the timeline ends there)
  LayoutTotals totals;
};
struct LJMM_API FindingOnset {
  uint64_t time_ns = 0;
  Finding finding;
  std::string after;  // the event it first appears after: "mmap by nginx/1234"
};
struct LJMM_API Timeline {
  uint32_t pid = 0;
  std::string comm;
  uint64_t interval_ns = 0;
  std::vector<TimelineRow> rows;
  std::vector<FindingOnset> onsets;
};
// interval_ns 0: about twenty rows over the recording.
LJMM_API Timeline timeline(const Recording& recording, uint32_t pid, uint64_t interval_ns);
LJMM_API std::string timeline_text(const Timeline& timeline);
LJMM_API std::string timeline_json(const Timeline& timeline);  // schema ljmm.timeline/v1

}  // namespace ljmm::film
