// A finding's summary as a post-mortem source states it: a core or a journal entry does not keep
// vm.mmap_min_addr, so its low windows start at the kernel's default (0x10000) instead.
#pragma once

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>

namespace ljmm::test {

inline std::string as_post_mortem(std::string summary, const nlohmann::json& live) {
  std::string start = fmt::format("[{:#x},", std::stoull(live["system"]["mmap_min_addr"].get<std::string>(), nullptr, 16));
  if (size_t at = summary.find(start); at != std::string::npos) summary.replace(at, start.size(), "[0x10000,");
  return summary;
}

}  // namespace ljmm::test
