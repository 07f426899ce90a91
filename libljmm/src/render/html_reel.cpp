#include "render/html_reel.hpp"

#include <unordered_map>

#include "json/findings.hpp"
#include "ljmm/analysis.hpp"
#include "ljmm/event_text.hpp"
#include "render/html_data.hpp"

namespace ljmm::detail {

namespace {

// Values that repeat from frame to frame (a finding, the low windows, the totals) are written
// once in a table; frames name an index.
class ValueTable {
 public:
  size_t index(std::string json) {
    auto [it, added] = indices_.try_emplace(std::move(json), values_.size());
    if (added) values_.push_back(&it->first);
    return it->second;
  }
  void write(JsonWriter& json, std::string_view name) const {
    json.key(name).begin_array();
    for (const std::string* value : values_) json.raw(*value);
    json.end_array();
  }

 private:
  std::unordered_map<std::string, size_t> indices_;
  std::vector<const std::string*> values_;  // keys of indices_, which stay where they are
};

// A value as compact JSON, written by `write` into a writer of its own.
template <class Write>
std::string json_of(Write write) {
  JsonWriter json(0);
  write(json);
  return json.take();
}

void write_row(JsonWriter& json, const RegionRow& row) { write_region(json, row); }
void write_row(JsonWriter& json, const GapRow& row) { write_gap(json, row); }

// The starts of the rows of `before` that are not in `now` as they were, and the rows of `now`
// that are new: a region that changed is removed and added again. Both are in address order.
template <class Row>
void write_changes(JsonWriter& json, const std::vector<Row>& before, const std::vector<Row>& now,
                   std::string_view removed, std::string_view added) {
  json.key(removed).begin_array();
  for (size_t b = 0, n = 0; b < before.size(); ++b) {
    while (n < now.size() && now[n].start < before[b].start) ++n;
    if (n == now.size() || !(now[n] == before[b])) json.address(before[b].start);
  }
  json.end_array().key(added).begin_array();
  for (size_t n = 0, b = 0; n < now.size(); ++n) {
    while (b < before.size() && before[b].start < now[n].start) ++b;
    if (b == before.size() || !(before[b] == now[n])) write_row(json, now[n]);
  }
  json.end_array();
}

class FrameWriter {
 public:
  // sampled: each frame also says the least and the most of its counts over the instants it stands for.
  explicit FrameWriter(bool sampled) : sampled_(sampled) {}

  void write(JsonWriter& json, const film::ReelFrame& frame, const Analysis& analysis) {
    std::vector<RegionRow> regions;
    std::vector<GapRow> gaps;
    regions.reserve(analysis.snapshot.regions.size());
    for (size_t i = 0; i < analysis.snapshot.regions.size(); ++i)
      regions.push_back(region_row(analysis, i, types_, paths_));
    for (const Gap& gap : analysis.layout.gaps) gaps.push_back(gap_row(gap));
    json.begin_object().field("time_ns", frame.time_ns).key("event");
    frame.event ? json.value(static_cast<uint64_t>(*frame.event)) : json.null();
    const film::LayoutTotals& totals = frame.totals;
    json.key("counts").begin_array().value(totals.map_count).value(totals.accessible_bytes);
    json.value(totals.reserved_bytes).value(totals.locked_bytes).end_array();
    if (sampled_) {
      const film::LayoutTotals &least = frame.least, &most = frame.most;
      json.key("spread").begin_array().value(least.map_count).value(most.map_count);
      json.value(least.accessible_bytes).value(most.accessible_bytes);
      json.value(least.reserved_bytes).value(most.reserved_bytes).end_array();
    }
    write_changes(json, regions_, regions, "removed", "added");
    write_changes(json, gaps_, gaps, "gaps_removed", "gaps_added");
    write_state(json, analysis);
    json.end_object();
    regions_ = std::move(regions);
    gaps_ = std::move(gaps);
  }

  void write_tables(JsonWriter& json) const {
    types_.write(json, "types");
    paths_.write(json, "paths");
    lines_.write(json, "lines");
    facts_.write(json, "facts");
    findings_.write(json, "findings");
    kinds_.write(json, "finding_kinds");
    windows_.write(json, "windows");
    totals_.write(json, "totals");
  }

 private:
  // What a layout holds besides its regions and gaps, each part an index into its table.
  void write_state(JsonWriter& json, const Analysis& analysis) {
    const Snapshot& snapshot = analysis.snapshot;
    json.field("facts", facts_.index(json_of([&](JsonWriter& facts) {
      facts.begin_object().field("source", snapshot.source.description()).field("pid", snapshot.process.pid);
      facts.field("comm", snapshot.process.comm).field("exe", snapshot.process.exe);
      facts.field("page_size", snapshot.system.page_size).address_field("user_top", analysis.layout.user_top);
      facts.field("has_smaps", snapshot.has_smaps).end_object();
    })));
    json.key("header").begin_array();
    for (const std::string& line : header_lines(analysis)) json.value(lines_.index(line));
    json.end_array();
    const BrkRoom& brk = analysis.diagnosis.brk;
    json.key("brk").begin_array().value(brk.known).address(brk.brk).value(brk.room).value(brk.blocked).end_array();
    json.field("fallback_bytes", analysis.diagnosis.fallbacks.bytes);
    json.field("windows", windows_.index(json_of([&](JsonWriter& w) {
      w.begin_object();
      write_windows(w, analysis.diagnosis.windows);
      w.end_object();
    })));
    json.field("totals", totals_.index(json_of([&](JsonWriter& t) { write_segment_totals(t, analysis.layout); })));
    json.key("findings").begin_array();
    for (const Finding& finding : analysis.findings())
      json.value(findings_.index(json_of([&](JsonWriter& f) { write_compact_finding(f, finding); })));
    json.end_array();
  }

  // [regions, bytes, free bytes] per segment, s1 to s8: a recording knows no RSS.
  static void write_segment_totals(JsonWriter& json, const Layout& layout) {
    json.begin_array();
    for (Segment segment : all_segments) {
      const SegmentTotal& total = layout.total(segment);
      json.begin_array().value(total.regions).value(total.bytes).value(total.free_bytes).end_array();
    }
    json.end_array();
  }

  // {kind, summary, metrics, regions}: what a finding says in general (its id, severity,
  // explanation, fix, confidence and units) is its kind, written once; its numbers change.
  void write_compact_finding(JsonWriter& json, const Finding& finding) {
    size_t kind = kinds_.index(json_of([&](JsonWriter& k) {
      k.begin_object().field("id", finding.id).field("severity", severity_name(finding.severity));
      k.field("explanation", finding.explanation).field("fix", finding.fix).field("confidence", finding.confidence);
      write_units(k, finding);
      k.end_object();
    }));
    json.begin_object().field("kind", kind).field("summary", finding.summary);
    write_metrics(json, finding);
    write_region_starts(json, finding);
    json.end_object();
  }

  StringTable types_, paths_, lines_;
  ValueTable facts_, findings_, kinds_, windows_, totals_;
  bool sampled_;
  std::vector<RegionRow> regions_;  // the frame before's
  std::vector<GapRow> gaps_;
};

void write_frames(JsonWriter& json, const film::Recording& recording, const film::Reel& reel) {
  FrameWriter frames(reel.sampled);
  json.key("frames").begin_array();
  film::play_reel(recording, reel, [&](size_t i, Snapshot snapshot) {
    frames.write(json, reel.frames[i], analyze(std::move(snapshot)));
  });
  json.end_array();
  frames.write_tables(json);
}

// [time_ns, pid, tid, comm, call, arguments, result, call site, failed]: comm, call and call site
// index their tables; call site -1 when not known.
void write_events(JsonWriter& json, const film::Recording& recording, const film::Reel& reel) {
  StringTable comms, calls, sites;
  json.key("events").begin_object().key("rows").begin_array();
  for (const film::ReelEvent& row : reel.events) {
    const trace::Event& event = std::get<trace::Event>(recording.items[row.item]);
    const char* call = event.kind == trace::EventKind::syscall ? event.call_name() : trace::event_kind_name(event.kind);
    json.begin_array().value(event.time_ns).value(event.pid).value(event.tid).value(comms.index(event.comm));
    json.value(calls.index(call)).value(trace::describe_arguments(event)).value(trace::describe_result(event));
    row.call_site.empty() ? json.value(-1) : json.value(sites.index(row.call_site));
    json.value(event.failed()).end_array();
  }
  json.end_array();
  comms.write(json, "comms");
  calls.write(json, "calls");
  sites.write(json, "sites");
  json.end_object();
}

// The timeline as `--timeline` gives it, and where each warning or error first appears.
void write_timeline(JsonWriter& json, const film::Reel& reel) {
  const film::Timeline& timeline = reel.timeline;
  json.field("interval_ns", timeline.interval_ns).key("rows").begin_array();
  for (const film::TimelineRow& row : timeline.rows) {
    json.begin_object().field("time_ns", row.time_ns).field("known", row.known).field("exited", row.exited);
    json.field("map_count", row.totals.map_count).field("accessible_bytes", row.totals.accessible_bytes);
    json.field("reserved_bytes", row.totals.reserved_bytes).field("locked_bytes", row.totals.locked_bytes);
    json.end_object();
  }
  json.end_array().key("onsets").begin_array();
  for (const film::FindingOnset& onset : timeline.onsets) {
    json.begin_object().field("time_ns", onset.time_ns).field("frame", reel.frame_at(onset.time_ns));
    json.field("after", onset.after).key("finding");
    write_finding(json, onset.finding);
    json.end_object();
  }
  json.end_array();
}

}  // namespace

void write_reel(JsonWriter& json, const film::Recording& recording, const film::Reel& reel, size_t start) {
  json.key("recording").begin_object().field("path", recording.path).field("pid", reel.pid);
  json.field("comm", reel.timeline.comm).field("started_at_unix_ms", recording.header.started_at_unix_ms);
  json.key("command").begin_array();
  for (const std::string& part : recording.header.command) json.value(part);
  json.end_array().field("cut_off", recording.cut_off_line.has_value() || !recording.end);
  json.field("changes", reel.changes).field("sampled", reel.sampled).field("start", start);
  write_frames(json, recording, reel);
  write_timeline(json, reel);
  write_events(json, recording, reel);
  json.end_object();
}

}  // namespace ljmm::detail
