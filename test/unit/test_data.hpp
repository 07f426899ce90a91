// Checked-in maps/smaps files of real processes (test/data), and snapshots built from text.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "ljmm/analysis.hpp"
#include "ljmm/snapshot.hpp"

namespace ljmm::test {

inline std::string read_data_file(const std::string& name) {
  std::ifstream file(fmt::format("{}/test/data/{}", LJMM_SOURCE_DIR, name));  // not +: GCC 12's false -Warray-bounds
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

inline Snapshot snapshot_from_text(std::string_view text) {
  auto snapshot = snapshot_maps_text(text, Source{SourceKind::maps_file, 0, "inline"});
  EXPECT_TRUE(snapshot.ok()) << (snapshot.ok() ? "" : snapshot.error().message);
  return snapshot.ok() ? std::move(snapshot).value() : Snapshot{};
}

inline Snapshot snapshot_from_data_file(const std::string& name) { return snapshot_from_text(read_data_file(name)); }

// An nginx master whose heap a shared library's bss blocks, analysed.
inline Analysis brk_hole() { return analyze(snapshot_from_data_file("nginx-master-brk-hole.maps")); }

}  // namespace ljmm::test
