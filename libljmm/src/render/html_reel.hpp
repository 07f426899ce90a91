// A recording page's data (docs/html.md, "The recording page"): one process's layouts as frames,
// each written as what changed since the frame before, with the timeline, the instants where
// findings first appear, and every event of the recording. The layouts are the film's, played by
// the library: the page's script only puts the changes together.
#pragma once

#include <cstddef>

#include "json/writer.hpp"
#include "ljmm/recording.hpp"
#include "ljmm/reel.hpp"

namespace ljmm::detail {

// "recording": {...}; `start` is the frame the page opens at.
void write_reel(JsonWriter& json, const film::Recording& recording, const film::Reel& reel, size_t start);

}  // namespace ljmm::detail
