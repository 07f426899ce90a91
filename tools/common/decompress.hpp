// Cores as systemd-coredump stores them: compressed with zstd, xz or lz4 (core.NAME.*.zst). The
// format is told by the first bytes, not by the name, so a renamed file reads the same.
#pragma once

#include <string>
#include <string_view>

#include "ljmm/result.hpp"

namespace ljmm::cli {

// Whether `data` starts like a zstd, xz or lz4 frame.
bool is_compressed(std::string_view data);

// The bytes of `data` inflated when they start like a zstd, xz or lz4 frame; as they are
// otherwise. A damaged stream is Errc::malformed, naming `origin`.
Result<std::string> decompress(std::string data, const std::string& origin);

}  // namespace ljmm::cli
