// Recordings written and read back, and what reading says of bad ones.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "ljmm/recording.hpp"

namespace ljmm::film {
namespace {

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "/recording-" + std::to_string(::getpid()) + "-" + name;
}

StartLayout start_layout() {
  StartLayout layout;
  layout.pid = 42;
  layout.time_ns = 1000;
  layout.source = LayoutSource::exec;
  layout.stopped = true;
  layout.process.comm = "demo";
  layout.process.start_brk = 0x555555559000;
  layout.regions = parse_maps(
                       "555555554000-555555555000 r--p 00000000 fe:01 100 /usr/bin/demo\n"
                       "555555559000-55555557a000 rw-p 00000000 00:00 0 [heap]\n"
                       "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]\n")
                       .value();
  return layout;
}

std::string event_line(uint64_t time_ns, const char* call, const char* args, const char* result) {
  return std::string("{\"schema\":\"ljmm.trace/v1\",\"type\":\"event\",\"time_ns\":") + std::to_string(time_ns) +
         ",\"event\":\"syscall\",\"pid\":42,\"tid\":42,\"comm\":\"demo\",\"syscall\":\"" + call +
         "\",\"abi\":\"x86_64\",\"raw_args\":" + args + ",\"failed\":false,\"unfinished\":false,\"result\":" + result +
         ",\"error\":null,\"duration_ns\":10}";
}

std::string write_recording(const std::string& name) {
  std::string path = temp_path(name);
  auto writer = RecordingWriter::open(path, RecordingHeader{"ljmm-trace test", 0, {"demo"}, {}, "%layout", "host", {}});
  EXPECT_TRUE(writer.ok());
  writer->layout(start_layout());
  writer->line(event_line(2000, "mmap", "[\"0x0\",\"0x4000\",\"0x3\",\"0x22\",\"0xffffffffffffffff\",\"0x0\"]",
                          "\"0x7f0000000000\""));
  writer->line(event_line(3000, "mprotect", "[\"0x7f0000001000\",\"0x1000\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"]", "\"0x0\""));
  EXPECT_TRUE(writer->finish(RecordingEnd{4000, 2, 0, "command_done"}).ok());
  return path;
}

TEST(Recording, WhatIsWrittenIsReadAndReplayed) {
  for (const char* name : {"plain.jsonl", "packed.jsonl.gz"}) {
    std::string path = write_recording(name);
    auto recording = read_recording(path);
    ASSERT_TRUE(recording.ok()) << recording.error().message;
    EXPECT_EQ(recording->items.size(), 3u);
    ASSERT_TRUE(recording->end);
    EXPECT_EQ(recording->end->stop_reason, "command_done");
    EXPECT_FALSE(recording->cut_off_line);
    std::string note;
    auto before = replay(*recording, 42, 2500, note);
    ASSERT_TRUE(before.ok()) << before.error().message;
    EXPECT_EQ(before->regions.size(), 4u);  // the mmap's one mapping
    auto after = replay(*recording, 42, 3000, note);
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->regions.size(), 6u);  // split in three by the mprotect
    EXPECT_EQ(after->regions[1].kind, RegionKind::heap);
    EXPECT_TRUE(note.empty()) << note;
    std::remove(path.c_str());
  }
}

TEST(Recording, ATimeOutsideTheRecordingShowsTheNearestLayoutAndSaysSo) {
  std::string path = write_recording("outside.jsonl");
  auto recording = read_recording(path);
  ASSERT_TRUE(recording.ok());
  std::string note;
  auto early = replay(*recording, 42, 10, note);
  ASSERT_TRUE(early.ok());
  EXPECT_NE(note.find("before the layout of pid 42 is known"), std::string::npos) << note;
  note.clear();
  auto late = replay(*recording, 42, 9'000'000'000, note);
  ASSERT_TRUE(late.ok());
  EXPECT_NE(note.find("after the recording's last event"), std::string::npos) << note;
  EXPECT_FALSE(replay(*recording, 7, 2000, note).ok());  // no such process in it
  std::remove(path.c_str());
}

TEST(Recording, ALastLineCutOffIsLeftOutAndSaid) {
  std::string path = write_recording("cut.jsonl");
  {
    std::ofstream file(path, std::ios::app);
    file << "{\"schema\":\"ljmm.trace/v1\",\"type\":\"ev";  // the writer stopped here
  }
  auto recording = read_recording(path);
  ASSERT_TRUE(recording.ok()) << recording.error().message;
  EXPECT_EQ(recording->cut_off_line, 6u);
  std::remove(path.c_str());
}

TEST(Recording, BadFilesAreOneErrorNamingTheLine) {
  auto check = [](const std::string& text, const std::string& expected) {
    std::string path = temp_path("bad.jsonl");
    std::ofstream(path) << text;
    auto recording = read_recording(path);
    ASSERT_FALSE(recording.ok()) << text;
    EXPECT_EQ(recording.error().code, Errc::malformed);
    EXPECT_NE(recording.error().message.find(expected), std::string::npos) << recording.error().message;
    std::remove(path.c_str());
  };
  check("{\"schema\":\"ljmm.snapshot/v1\"}\n", "line 1: not a recording");
  check("{\"schema\":\"ljmm.recording/v2\",\"type\":\"recording\"}\n", "from a newer ljmm");
  check("", "empty: not a recording");
  check("{\"schema\":\"ljmm.recording/v1\",\"type\":\"recording\"}\n{\"type\":\"event\",\"event\":\"syscall\"}\n",
        "line 2: time_ns: missing");
  check("{\"schema\":\"ljmm.recording/v1\",\"type\":\"recording\"}\nnot json\n", "line 2");
}

TEST(Recording, DurationsNeedTheirUnit) {
  EXPECT_EQ(parse_duration_ns("1.5s").value(), 1'500'000'000u);
  EXPECT_EQ(parse_duration_ns("250ms").value(), 250'000'000u);
  EXPECT_EQ(parse_duration_ns("40us").value(), 40'000u);
  EXPECT_EQ(parse_duration_ns("123456789ns").value(), 123456789u);
  EXPECT_FALSE(parse_duration_ns("15").ok());
  EXPECT_FALSE(parse_duration_ns("-1s").ok());
  EXPECT_FALSE(parse_duration_ns("s").ok());
}

TEST(Recording, TheTimelineHasARowPerIntervalFromBeforeTheLayoutOn) {
  std::string path = write_recording("timeline.jsonl");
  auto recording = read_recording(path);
  ASSERT_TRUE(recording.ok());
  Timeline timeline = film::timeline(*recording, 42, 1000);
  ASSERT_GE(timeline.rows.size(), 4u);
  EXPECT_FALSE(timeline.rows[0].known);  // before the start layout
  EXPECT_TRUE(timeline.rows[1].known);
  EXPECT_EQ(timeline.rows.back().totals.map_count, 6u);
  EXPECT_NE(timeline_text(timeline).find("Timeline of pid 42 (demo)"), std::string::npos);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace ljmm::film
