// A recording as a reel of one process's layouts (reel.hpp): where its frames are, found by
// playing the recording once, and the frames' layouts, by playing it again.
#include "ljmm/reel.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <set>

#include "film/player.hpp"
#include "ljmm/symbolizer.hpp"
#include "ljmm/units.hpp"

namespace ljmm::film {

namespace {

using detail::pid_of;
using detail::Player;
using detail::time_of;

// For each position p, the earliest time of the items from p on: the layout after p items is
// what replay() shows at time t exactly when item p-1's time <= t < this (replay plays every
// item up to the last one at or before t, whatever order their times are in).
std::vector<uint64_t> earliest_from(const Recording& recording) {
  std::vector<uint64_t> earliest(recording.items.size() + 1, std::numeric_limits<uint64_t>::max());
  for (size_t i = recording.items.size(); i-- > 0;)
    earliest[i] = std::min(earliest[i + 1], time_of(recording.items[i]));
  return earliest;
}

// The code that made a call, named in the layout its process had then; each caller of a
// process is named once (until the process execs another program).
class CallSiteNames {
 public:
  std::string name(const Player& player, const trace::Event& event) {
    if (event.kind == trace::EventKind::exec)
      names_.erase(names_.lower_bound({event.pid, 0}), names_.upper_bound({event.pid, UINT64_MAX}));
    if (event.caller == 0) return {};
    auto [entry, added] = names_.try_emplace({event.pid, event.caller});
    if (added) {
      const AddressSpace* space = player.space(event.pid);
      entry->second =
          space ? symbolizer_.symbolize_in(space->regions(), event.caller) : format_address_short(event.caller);
    }
    return entry->second;
  }

 private:
  Symbolizer symbolizer_;
  std::map<std::pair<uint32_t, uint64_t>, std::string> names_;
};

struct Instant {
  ReelFrame frame;
  bool changed = false;  // the layout changed (else only kept for an onset)
  bool onset = false;    // a finding first appears then: always a frame
};

// Every instant the process's layout changed or a finding first appears, and every event with
// its call site named, in one play of the recording.
std::vector<Instant> find_instants(const Recording& recording, uint32_t pid, const std::set<uint64_t>& onsets,
                                   std::vector<ReelEvent>& events) {
  const std::vector<uint64_t> earliest = earliest_from(recording);
  std::vector<Instant> instants;
  Player player(recording);
  CallSiteNames names;
  std::optional<Snapshot> last;
  bool touched = false;
  std::optional<size_t> cause;
  for (size_t i = 0; i < recording.items.size(); ++i) {
    const RecordingItem& item = recording.items[i];
    const auto* event = std::get_if<trace::Event>(&item);
    if (event) events.push_back(ReelEvent{i, names.name(player, *event)});
    player.step();
    if (pid_of(item) == pid) {
      touched = true;
      cause = event ? std::optional<size_t>(events.size() - 1) : std::nullopt;
    }
    uint64_t time = time_of(item);
    if (time >= earliest[i + 1]) continue;  // no instant shows the layout after this item alone
    auto next_onset = onsets.lower_bound(time);
    bool onset = next_onset != onsets.end() && *next_onset < earliest[i + 1];
    if (!touched && !onset) continue;
    touched = false;
    std::optional<Snapshot> now = player.snapshot(pid, time);
    if (!now) continue;
    bool changed = !last || now->regions != last->regions || now->process.brk != last->process.brk;
    if (!changed && !onset) continue;
    const AddressSpace* space = player.space(pid);
    LayoutTotals totals = space ? space->totals() : instants.empty() ? LayoutTotals{} : instants.back().frame.totals;
    instants.push_back(Instant{ReelFrame{time, i + 1, cause, totals, totals, totals}, changed, onset});
    last = std::move(now);
  }
  return instants;
}

void widen(LayoutTotals& least, LayoutTotals& most, const LayoutTotals& totals) {
  least.map_count = std::min(least.map_count, totals.map_count);
  least.accessible_bytes = std::min(least.accessible_bytes, totals.accessible_bytes);
  least.reserved_bytes = std::min(least.reserved_bytes, totals.reserved_bytes);
  least.locked_bytes = std::min(least.locked_bytes, totals.locked_bytes);
  most.map_count = std::max(most.map_count, totals.map_count);
  most.accessible_bytes = std::max(most.accessible_bytes, totals.accessible_bytes);
  most.reserved_bytes = std::max(most.reserved_bytes, totals.reserved_bytes);
  most.locked_bytes = std::max(most.locked_bytes, totals.locked_bytes);
}

// At most `max_frames` (the onsets come on top when they alone are more), evenly spread over
// the instants, the first and the last included; each with the spread of the instants it stands for.
std::vector<ReelFrame> choose_frames(const std::vector<Instant>& instants, size_t max_frames) {
  std::vector<ReelFrame> frames;
  size_t n = instants.size();
  size_t onsets = std::count_if(instants.begin(), instants.end(), [](const Instant& i) { return i.onset; });
  size_t even = max_frames > onsets + 2 ? max_frames - onsets : 2;
  std::vector<bool> keep(n, n <= max_frames);
  for (size_t k = 0; n > max_frames && k < even; ++k) keep[(k * (n - 1) + (even - 1) / 2) / (even - 1)] = true;
  std::optional<LayoutTotals> least, most;
  for (size_t i = 0; i < n; ++i) {
    const LayoutTotals& totals = instants[i].frame.totals;
    if (!least) least = most = totals;
    widen(*least, *most, totals);
    if (!keep[i] && !instants[i].onset) continue;
    frames.push_back(instants[i].frame);
    frames.back().least = *least;
    frames.back().most = *most;
    least = most = std::nullopt;
  }
  return frames;
}

}  // namespace

size_t Reel::frame_at(uint64_t time_ns) const {
  auto after = std::upper_bound(frames.begin(), frames.end(), time_ns,
                                [](uint64_t time, const ReelFrame& frame) { return time < frame.time_ns; });
  return after == frames.begin() ? 0 : static_cast<size_t>(after - frames.begin()) - 1;
}

Reel make_reel(const Recording& recording, uint32_t pid, const ReelOptions& options) {
  Reel reel;
  reel.pid = pid;
  reel.timeline = timeline(recording, pid, 0);
  std::set<uint64_t> onsets;
  for (const FindingOnset& onset : reel.timeline.onsets) onsets.insert(onset.time_ns);
  std::vector<Instant> instants = find_instants(recording, pid, onsets, reel.events);
  reel.changes = std::count_if(instants.begin(), instants.end(), [](const Instant& i) { return i.changed; });
  size_t max_frames = std::max<size_t>(options.max_frames, 2);
  reel.sampled = instants.size() > max_frames;
  reel.frames = choose_frames(instants, max_frames);
  return reel;
}

void play_reel(const Recording& recording, const Reel& reel,
               const std::function<void(size_t frame, Snapshot snapshot)>& show) {
  Player player(recording);
  for (size_t i = 0; i < reel.frames.size(); ++i) {
    const ReelFrame& frame = reel.frames[i];
    while (player.position() < frame.items) player.step();
    if (std::optional<Snapshot> snapshot = player.snapshot(reel.pid, frame.time_ns)) show(i, std::move(*snapshot));
  }
}

}  // namespace ljmm::film
