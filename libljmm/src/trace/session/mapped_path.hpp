// The file behind a file mmap, for event lines and JSON: the fd number alone says little once
// the process closed it (ld.so closes every library right after mapping it).
#pragma once

#include <string>

#include "ljmm/trace.hpp"

namespace ljmm::trace::detail {

enum class PathSource {
  fd_now,     // the call just returned and the process is stopped (ptrace): /proc/PID/fd is exact
  after_call  // read later (BPF): the mapping at the result names its file (the fd may be closed or reused)
};

// The path of the file an mmap event mapped; empty for anonymous or failed maps, or when the
// process is gone.
std::string mapped_path(const Event& event, PathSource source);

}  // namespace ljmm::trace::detail
