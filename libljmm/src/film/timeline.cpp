// A process's address space over a recording (recording.hpp): rows at each interval, and where
// each warning or error first appears, found by playing the interval it appeared in again.
#include <fmt/format.h>

#include <set>

#include "film/player.hpp"
#include "json/findings.hpp"
#include "json/writer.hpp"
#include "ljmm/analysis.hpp"
#include "ljmm/recording.hpp"
#include "ljmm/units.hpp"

namespace ljmm::film {

namespace {

using detail::Player;

// About twenty rows: the recording's length over twenty, rounded up to 1, 2 or 5 times a power of ten.
uint64_t auto_interval(uint64_t length_ns) {
  uint64_t wanted = std::max<uint64_t>(length_ns / 20, 1);
  for (uint64_t power = 1;; power *= 10)
    for (uint64_t step : {1, 2, 5})
      if (step * power >= wanted) return step * power;
}

uint64_t last_time(const Recording& recording) {
  uint64_t last = recording.end ? recording.end->time_ns : 0;
  for (const RecordingItem& item : recording.items) last = std::max(last, detail::time_of(item));
  return last;
}

std::set<std::string> problems(const Player& player, uint32_t pid, uint64_t time_ns) {
  std::set<std::string> ids;
  std::optional<Snapshot> snapshot = player.snapshot(pid, time_ns);
  if (!snapshot) return ids;
  Analysis analysis = analyze(std::move(*snapshot));
  for (const Finding& finding : analysis.findings())
    if (finding.severity >= Severity::warning) ids.insert(finding.id);
  return ids;
}

std::string describe(const RecordingItem& item) {
  if (const auto* layout = std::get_if<StartLayout>(&item))
    return fmt::format("the start layout of pid {}", layout->pid);
  const trace::Event& event = std::get<trace::Event>(item);
  if (event.kind != trace::EventKind::syscall) return fmt::format("{} of {}/{}", trace::event_kind_name(event.kind), event.comm, event.pid);
  return fmt::format("{} by {}/{}", event.call_name(), event.comm, event.tid);
}

// Plays the items after `from` one by one until `id` appears for the process.
std::optional<FindingOnset> find_onset(const Recording& recording, uint32_t pid, size_t from, size_t until,
                                       const std::string& id) {
  Player player(recording);
  while (player.position() < from) player.step();
  while (player.position() < until) {
    const RecordingItem& item = recording.items[player.position()];
    player.step();
    if (detail::pid_of(item) != pid) continue;
    uint64_t time = detail::time_of(item);
    std::optional<Snapshot> snapshot = player.snapshot(pid, time);
    if (!snapshot) continue;
    Analysis analysis = analyze(std::move(*snapshot));
    if (const Finding* finding = analysis.finding(id)) return FindingOnset{time, *finding, describe(item)};
  }
  return std::nullopt;
}

}  // namespace

Timeline timeline(const Recording& recording, uint32_t pid, uint64_t interval_ns) {
  Timeline result;
  result.pid = pid;
  uint64_t last = last_time(recording);
  result.interval_ns = interval_ns ? interval_ns : auto_interval(last);
  Player player(recording);
  std::set<std::string> seen;
  size_t previous_position = 0;
  for (uint64_t at = 0;; at += result.interval_ns) {
    while (player.position() < recording.items.size() &&
           detail::time_of(recording.items[player.position()]) <= at)
      player.step();
    TimelineRow row{at, false, player.exited_at(pid).has_value(), {}};
    if (const AddressSpace* space = player.space(pid)) row = TimelineRow{at, true, false, space->totals()};
    result.rows.push_back(row);
    if (std::optional<Snapshot> snapshot = player.snapshot(pid, at)) result.comm = snapshot->process.comm;
    for (const std::string& id : problems(player, pid, at)) {
      if (!seen.insert(id).second) continue;
      if (auto onset = find_onset(recording, pid, previous_position, player.position(), id))
        result.onsets.push_back(std::move(*onset));
    }
    previous_position = player.position();
    if (at >= last || row.exited) break;
  }
  return result;
}

std::string timeline_text(const Timeline& timeline) {
  std::string out = fmt::format("Timeline of pid {} ({}), every {:.3f} s\n", timeline.pid, timeline.comm,
                                timeline.interval_ns / 1e9);
  out += fmt::format("  {:>10} {:>8} {:>12} {:>12} {:>10}\n", "TIME(s)", "MAPS", "ACCESSIBLE", "RESERVED", "LOCKED");
  for (const TimelineRow& row : timeline.rows) {
    if (!row.known) {
      out += fmt::format("  {:>10.3f} {:>8}\n", row.time_ns / 1e9, row.exited ? "(exited)" : "(layout not known)");
      continue;
    }
    out += fmt::format("  {:>10.3f} {:>8} {:>12} {:>12} {:>10}\n", row.time_ns / 1e9, row.totals.map_count,
                       format_size(row.totals.accessible_bytes), format_size(row.totals.reserved_bytes),
                       format_size(row.totals.locked_bytes));
  }
  if (timeline.onsets.empty()) return out + "  no warning or error appears\n";
  out += "Findings as they first appear\n";
  for (const FindingOnset& onset : timeline.onsets)
    out += fmt::format("  {} from {:.3f} s, after {}: {}\n", onset.finding.id, onset.time_ns / 1e9, onset.after,
                       onset.finding.summary);
  return out;
}

std::string timeline_json(const Timeline& timeline) {
  ljmm::detail::JsonWriter json(0);
  json.begin_object().field("schema", "ljmm.timeline/v1").field("pid", timeline.pid).field("comm", timeline.comm);
  json.field("interval_ns", timeline.interval_ns).key("rows").begin_array();
  for (const TimelineRow& row : timeline.rows) {
    json.begin_object(true).field("time_ns", row.time_ns).field("known", row.known).field("exited", row.exited);
    if (row.known) {
      json.field("map_count", row.totals.map_count).field("accessible_bytes", row.totals.accessible_bytes);
      json.field("reserved_bytes", row.totals.reserved_bytes).field("locked_bytes", row.totals.locked_bytes);
    }
    json.end_object();
  }
  json.end_array().key("onsets").begin_array();
  for (const FindingOnset& onset : timeline.onsets) {
    json.begin_object().field("time_ns", onset.time_ns).field("after", onset.after);
    json.key("finding");
    ljmm::detail::write_finding(json, onset.finding);
    json.end_object();
  }
  json.end_array().end_object();
  return json.take();
}

}  // namespace ljmm::film
