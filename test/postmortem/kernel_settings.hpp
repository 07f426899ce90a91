// Host-wide kernel settings a core test needs (kernel.core_pattern, the core note limit,
// vm.max_map_count), set for the test and put back after it. The originals are also written to
// a file that a CTest cleanup test (restore_settings.sh) reads, so they come back even when the
// test binary dies; the tests hold a RESOURCE_LOCK so no two change them at once.
#pragma once

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace ljmm::test {

inline std::string read_setting(const std::string& path) {
  std::ifstream in(path);
  std::string value;
  std::getline(in, value);
  return value;
}

inline void write_setting(const std::string& path, const std::string& value) {
  std::ofstream out(path);
  out << value << "\n";
}

class KernelSettings {
 public:
  // `saved` is the file restore_settings.sh reads: "PATH VALUE" lines.
  KernelSettings(std::string saved, std::vector<std::pair<std::string, std::string>> wanted)
      : saved_(std::move(saved)) {
    std::ofstream out(saved_);
    for (const auto& [path, value] : wanted) {
      originals_.emplace_back(path, read_setting(path));
      out << path << " " << originals_.back().second << "\n";
    }
    out.close();
    for (const auto& [path, value] : wanted) write_setting(path, value);
    rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};  // children inherit it: they may dump
    ::setrlimit(RLIMIT_CORE, &unlimited);
  }
  KernelSettings(const KernelSettings&) = delete;
  KernelSettings& operator=(const KernelSettings&) = delete;
  ~KernelSettings() {
    for (const auto& [path, value] : originals_) write_setting(path, value);
    std::remove(saved_.c_str());
  }

 private:
  std::string saved_;
  std::vector<std::pair<std::string, std::string>> originals_;
};

}  // namespace ljmm::test
