// The file behind a file mmap or shmat, for event lines, JSON and the layout model: the fd number
// alone says little once the process closed it (ld.so closes every library right after mapping it).
#pragma once

#include <string>

#include "ljmm/trace.hpp"

namespace ljmm::trace::detail {

enum class PathSource {
  fd_now,     // the call just returned and the process is stopped (ptrace): /proc/PID/fd is exact
  after_call  // read later (BPF): the mapping at the result names its file (the fd may be closed or reused)
};

// What a successful file mmap or shmat mapped: its path (Event::path), and with ptrace the fd's
// device and inode (BPF has the kernel's); shmat's segment and size from the mapping made.
// Nothing is set for anonymous or failed maps, or when the process is gone.
void note_mapped_file(Event& event, PathSource source);

}  // namespace ljmm::trace::detail
