// The film's proof against the kernel: programs copy /proc/self/maps at marker points and mark each
// with a failing mprotect at MARKER_BASE + ID * 4096 + 1 (test/progs/film_markers.c); the layout a
// recording replays at that call must be the copy. Before comparing, neighbours with the same
// permissions and backing are merged on both sides (the kernel merges mappings by rules the model
// follows only in part), and [stack] is compared by its end (it grows on page faults, no call).
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "command.hpp"
#include "ljmm/maps.hpp"
#include "ljmm/recording.hpp"

namespace ljmm::test {

inline constexpr uint64_t marker_base = 0xa11ce0000000;

struct Marker {
  uint32_t pid = 0;
  uint64_t id = 0;
  uint64_t time_ns = 0;
};

// The marker calls of a recording, in their order.
inline std::vector<Marker> markers_of(const film::Recording& recording) {
  std::vector<Marker> markers;
  for (const film::RecordingItem& item : recording.items) {
    const auto* event = std::get_if<trace::Event>(&item);
    if (!event || !event->is(trace::Syscall::mprotect) || !event->failed()) continue;
    uint64_t address = event->args[0];
    if ((address & ~uint64_t{0xfffffff}) != marker_base) continue;
    markers.push_back(Marker{event->pid, (address - marker_base - 1) / 4096, event->time_ns});
  }
  return markers;
}

// "start-end perms label" per mapping after merging what the kernel may keep apart or together.
inline std::vector<std::string> comparable(const std::vector<Region>& regions) {
  std::vector<Region> merged;
  for (const Region& region : regions) {
    if (!merged.empty()) {
      Region& last = merged.back();
      bool special = region.kind != RegionKind::anonymous && region.kind != RegionKind::file;
      bool contiguous = region.kind != RegionKind::file || last.offset + last.size() == region.offset;
      if (!special && last.end == region.start && last.perms == region.perms && last.label() == region.label() &&
          last.inode == region.inode && contiguous) {
        last.end = region.end;
        continue;
      }
    }
    merged.push_back(region);
  }
  std::vector<std::string> lines;
  for (const Region& region : merged) {
    uint64_t start = region.kind == RegionKind::stack ? 0 : region.start;
    std::ostringstream line;
    line << std::hex << start << "-" << region.end << " " << region.perms.str() << " " << region.label();
    lines.push_back(line.str());
  }
  return lines;
}

inline std::vector<Region> regions_of(const std::string& maps_text, const std::string& what) {
  auto regions = parse_maps(maps_text);
  EXPECT_TRUE(regions.ok()) << what << ": " << (regions.ok() ? "" : regions.error().message);
  return regions.ok() ? std::move(regions).value() : std::vector<Region>();
}

inline std::string read_whole(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The recording's layout of `pid` at `time_ns`, as ljmm-inspect prints it with --format=maps.
inline std::string replayed_maps(const std::string& recording, uint32_t pid, uint64_t time_ns) {
  CommandResult maps = run_command({tool("ljmm-inspect"), "--recording", recording, "--pid", std::to_string(pid),
                                    "--at", std::to_string(time_ns) + "ns", "--format", "maps"});
  EXPECT_EQ(maps.exit_code, 0) << maps.err;
  return maps.out;
}

// The replay equals the kernel's copy; the model's map count is within 1% (or 2) of its lines.
inline void expect_same_layout(const std::string& kernel_text, const std::string& model_text, const std::string& what) {
  std::vector<Region> kernel = regions_of(kernel_text, what + " (kernel)");
  std::vector<Region> model = regions_of(model_text, what + " (model)");
  std::vector<std::string> expected = comparable(kernel), seen = comparable(model);
  EXPECT_EQ(seen, expected) << what << ": the replayed layout is not the kernel's";
  uint64_t difference = kernel.size() > model.size() ? kernel.size() - model.size() : model.size() - kernel.size();
  EXPECT_LE(difference, std::max<uint64_t>(2, kernel.size() / 100))
      << what << ": " << model.size() << " mappings replayed, the kernel listed " << kernel.size();
}

// Every marker of a recording against the copy its program made (DIR/marker-PID-ID.maps).
// Returns how many were compared.
inline size_t expect_markers_match(const std::string& recording_path, const std::string& dir, const std::string& what) {
  auto recording = film::read_recording(recording_path);
  EXPECT_TRUE(recording.ok()) << what << ": " << (recording.ok() ? "" : recording.error().message);
  if (!recording.ok()) return 0;
  std::vector<Marker> markers = markers_of(*recording);
  for (const Marker& marker : markers) {
    std::string copy = dir + "/marker-" + std::to_string(marker.pid) + "-" + std::to_string(marker.id) + ".maps";
    std::string name = what + ", marker " + std::to_string(marker.id) + " of pid " + std::to_string(marker.pid);
    expect_same_layout(read_whole(copy), replayed_maps(recording_path, marker.pid, marker.time_ns), name);
  }
  return markers.size();
}

}  // namespace ljmm::test
