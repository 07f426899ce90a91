// The reel a recording page plays: a frame at every instant the process's layout changed, each
// the layout replay() gives at its time, sampled evenly when there are too many with the
// instants where findings first appear kept, and the events' call sites named.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "ljmm/reel.hpp"
#include "sample_recording.hpp"

namespace ljmm::film {
namespace {

using namespace ljmm::test;
using trace::Syscall;

std::vector<Region> replayed(const Recording& recording, uint64_t time_ns) {
  std::string note;
  auto snapshot = replay(recording, sample_pid, time_ns, note);
  EXPECT_TRUE(snapshot.ok());
  return snapshot.ok() ? snapshot->regions : std::vector<Region>{};
}

// Every frame's layout as play_reel hands it over.
std::vector<std::vector<Region>> played(const Recording& recording, const Reel& reel) {
  std::vector<std::vector<Region>> layouts(reel.frames.size());
  play_reel(recording, reel, [&](size_t i, Snapshot snapshot) { layouts[i] = snapshot.regions; });
  return layouts;
}

TEST(Reel, OneFramePerInstantTheLayoutChangedEachAsReplayedThen) {
  Recording recording = sample_recording({
      sample_layout(100),
      sample_mmap(200, sample_free_area, 4 * sample_page),
      sample_call(300, Syscall::mprotect, {sample_free_area + 1, sample_page, PROT_READ}, -EINVAL),  // fails: no change
      sample_mmap(400, sample_free_area + 16 * sample_page, sample_page),
      sample_call(400, Syscall::munmap, {sample_free_area, sample_page}, 0),  // the same instant
      sample_layout(450, 8),                                                  // another process
      sample_call(500, Syscall::munmap, {sample_free_area + 16 * sample_page, sample_page}, 0),
  });
  Reel reel = make_reel(recording, sample_pid);
  std::vector<uint64_t> times;
  for (const ReelFrame& frame : reel.frames) times.push_back(frame.time_ns);
  EXPECT_EQ(times, (std::vector<uint64_t>{100, 200, 400, 500}));
  EXPECT_EQ(reel.changes, 4u);
  EXPECT_FALSE(reel.sampled);
  EXPECT_EQ(reel.frames[0].event, std::nullopt) << "the start layout, read from the kernel";
  EXPECT_EQ(reel.frames[1].event, 0u);
  EXPECT_EQ(reel.frames[2].event, 3u) << "the instant's last event of the process";
  EXPECT_EQ(reel.frames[3].totals.map_count, reel.frames[0].totals.map_count + 1);
  ASSERT_EQ(reel.events.size(), 5u);
  std::vector<std::vector<Region>> layouts = played(recording, reel);
  for (size_t i = 0; i < reel.frames.size(); ++i)
    EXPECT_EQ(layouts[i], replayed(recording, reel.frames[i].time_ns)) << "frame " << i;
  // Between frames the layout is the frame before's: what the page shows at any instant.
  for (uint64_t time : {250, 300, 450, 9999})
    EXPECT_EQ(layouts[reel.frame_at(time)], replayed(recording, time)) << time << " ns";
}

TEST(Reel, ItemsOutOfTimeOrderMakeTheFramesReplayShows) {
  // replay() plays every item up to the last one at or before the time asked: the mmap at 700
  // comes before one at 650, so no instant shows the layout after the first alone.
  Recording recording = sample_recording({
      sample_layout(100),
      sample_mmap(700, sample_free_area, sample_page),
      sample_mmap(650, sample_free_area + 8 * sample_page, sample_page),
      sample_mmap(800, sample_free_area + 16 * sample_page, sample_page),
  });
  Reel reel = make_reel(recording, sample_pid);
  std::vector<std::vector<Region>> layouts = played(recording, reel);
  ASSERT_EQ(reel.frames.size(), 3u);
  EXPECT_EQ(reel.frames[1].time_ns, 650u);
  for (uint64_t time : {100, 640, 650, 699, 700, 800})
    EXPECT_EQ(layouts[reel.frame_at(time)], replayed(recording, time)) << time << " ns";
}

TEST(Reel, TooManyInstantsAreSampledEvenlyKeepingWhereFindingsAppear) {
  std::vector<RecordingItem> items = {sample_layout(0)};
  for (uint64_t i = 1; i <= 60; ++i) {
    // Separate mappings (a page apart), and in the middle one right at the break: brk-blocked.
    items.push_back(i == 37 ? sample_mmap(i * 10, sample_break, sample_page, 0, true)
                            : sample_mmap(i * 10, sample_free_area + i * 2 * sample_page, sample_page));
  }
  Recording recording = sample_recording(std::move(items));
  Reel reel = make_reel(recording, sample_pid, ReelOptions{.max_frames = 10});
  ASSERT_FALSE(reel.timeline.onsets.empty());
  uint64_t onset = reel.timeline.onsets.front().time_ns;
  EXPECT_EQ(onset, 370u);
  EXPECT_EQ(reel.changes, 61u);
  EXPECT_TRUE(reel.sampled);
  EXPECT_LE(reel.frames.size(), 10u + reel.timeline.onsets.size());
  EXPECT_EQ(reel.frames.front().time_ns, 0u);
  EXPECT_EQ(reel.frames.back().time_ns, 600u);
  EXPECT_TRUE(
      std::any_of(reel.frames.begin(), reel.frames.end(), [&](const ReelFrame& f) { return f.time_ns == onset; }));
  std::vector<std::vector<Region>> layouts = played(recording, reel);
  for (size_t i = 0; i < reel.frames.size(); ++i)
    EXPECT_EQ(layouts[i], replayed(recording, reel.frames[i].time_ns)) << "frame " << i;
  for (size_t i = 1; i < reel.frames.size(); ++i) EXPECT_LT(reel.frames[i - 1].time_ns, reel.frames[i].time_ns);
}

TEST(Reel, CallSitesAreNamedInTheLayoutOfTheirTime) {
  Recording recording = sample_recording({
      sample_layout(0),
      sample_mmap(10, sample_free_area, sample_page, sample_libc + 0x1234),
      sample_mmap(20, sample_free_area + 8 * sample_page, sample_page, 0x1000),  // in no mapping
      sample_mmap(30, sample_free_area + 16 * sample_page, sample_page),
  });
  Reel reel = make_reel(recording, sample_pid);
  ASSERT_EQ(reel.events.size(), 3u);
  EXPECT_NE(reel.events[0].call_site.find("libc.so.6"), std::string::npos) << reel.events[0].call_site;
  EXPECT_EQ(reel.events[1].call_site, "0x1000");
  EXPECT_EQ(reel.events[2].call_site, "") << "no caller recorded";
}

TEST(Reel, AProcessWithoutALayoutHasNoFrame) {
  Recording recording = sample_recording({sample_layout(0)});
  EXPECT_TRUE(make_reel(recording, 99).frames.empty());
}

}  // namespace
}  // namespace ljmm::film
