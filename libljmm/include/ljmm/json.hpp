// The "ljmm.snapshot/v1" JSON document (docs/schema/snapshot.schema.json): write and read back.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "ljmm/analysis.hpp"
#include "ljmm/export.hpp"
#include "ljmm/result.hpp"

namespace ljmm {

inline constexpr std::string_view snapshot_schema = "ljmm.snapshot/v1";

// indent 0: one line (JSON Lines). Without regions, the regions and gaps arrays are empty and
// "regions_left_out" says so (for log pipelines that want findings and totals only).
LJMM_API std::string snapshot_to_json(const Analysis& analysis, int indent = 2, bool with_regions = true);

// Receives a document in pieces, in order; their concatenation is the whole document.
using TextSink = std::function<void(std::string_view)>;

// The same document handed to `sink` in pieces of about 64 KiB as it is written: 65,000
// mappings make 14 MB of JSON, and writing them out as they come is faster than holding them.
LJMM_API void write_snapshot_json(const Analysis& analysis, const TextSink& sink, int indent = 2,
                                  bool with_regions = true);

// Reads a snapshot document back. Only the observed facts are read (source, process, system,
// regions); segments, gaps and findings are recomputed so old files profit from new analysis.
// `origin` names the document in error messages.
LJMM_API Result<Snapshot> snapshot_from_json(std::string_view text, const std::string& origin);
LJMM_API Result<Snapshot> load_snapshot_file(const std::string& path);

}  // namespace ljmm
