// A recording as a reel of one process's layouts, for a page that plays it: a frame at every
// instant the process's layout changed (fewer, evenly sampled, when there are too many, but
// every instant where a finding first appears kept), its timeline, and every event of the
// recording with the code that made the call named. Each frame's layout is replay()'s at its
// time: the page shows what `ljmm-inspect --recording FILE --pid P --at T` shows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ljmm/export.hpp"
#include "ljmm/film.hpp"
#include "ljmm/recording.hpp"
#include "ljmm/snapshot.hpp"

namespace ljmm::film {

struct LJMM_API ReelOptions {
  size_t max_frames = 5000;  // more instants than this: sampled evenly, the onsets kept
};

struct LJMM_API ReelFrame {
  uint64_t time_ns = 0;  // the layout right after every item recorded at or before it
  size_t items = 0;      // how many of the recording's items that is
  // The event of the process that made the frame (an index into Reel::events); none for a
  // start layout read from the kernel.
  std::optional<size_t> event;
  LayoutTotals totals;
  // The least and the most of each total at the instants since the frame before, this one's
  // included: what a sampled frame stands for (both are `totals` when no instant was left out).
  LayoutTotals least, most;
};

struct LJMM_API ReelEvent {
  size_t item = 0;        // in Recording::items
  std::string call_site;  // the caller named ("f+0x1a (libc.so.6)"), else its address; empty: not known
};

struct LJMM_API Reel {
  uint32_t pid = 0;
  std::vector<ReelFrame> frames;
  size_t changes = 0;             // instants the layout changed (its first layout counts)
  bool sampled = false;           // more instants than ReelOptions::max_frames: frames holds a sample
  Timeline timeline;              // as `--timeline` gives it: rows and where findings first appear
  std::vector<ReelEvent> events;  // every event of the recording, in order

  // The last frame at or before time_ns (the first frame when none is).
  size_t frame_at(uint64_t time_ns) const;
};

// Plays the recording once to find its frames and name its call sites. A process the
// recording has no layout of gives no frame.
LJMM_API Reel make_reel(const Recording& recording, uint32_t pid, const ReelOptions& options = {});

// Plays the recording once more, handing every frame's layout to `show` in order.
LJMM_API void play_reel(const Recording& recording, const Reel& reel,
                        const std::function<void(size_t frame, Snapshot snapshot)>& show);

}  // namespace ljmm::film
