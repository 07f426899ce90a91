// The file behind a file mmap or shmat, for event lines, JSON and the layout model: the fd number
// alone says little once the process closed it (ld.so closes every library right after mapping it).
#pragma once

#include <map>
#include <string>
#include <tuple>

#include "ljmm/trace.hpp"

namespace ljmm::trace::detail {

enum class PathSource {
  fd_now,     // the call just returned and the process is stopped (ptrace): /proc/PID/fd is exact
  after_call  // read later (BPF): the mapping at the result names its file (the fd may be closed or reused)
};

// The paths the kernel gave files as they were first mapped (BPF), by device and inode.
class FileNames {
 public:
  void add(const FrameFile& file, std::string path) { paths_[key(file)] = std::move(path); }
  const std::string* find(const FrameFile& file) const {
    auto found = paths_.find(key(file));
    return found == paths_.end() ? nullptr : &found->second;
  }

 private:
  using Key = std::tuple<uint32_t, uint32_t, uint64_t, uint32_t>;
  static Key key(const FrameFile& file) { return {file.dev_major, file.dev_minor, file.inode, file.generation}; }
  std::map<Key, std::string> paths_;
};

// What a successful file mmap or shmat mapped: its path (Event::path), and with ptrace the fd's
// device and inode (BPF has the kernel's); shmat's segment and size from the mapping made.
// With BPF, the kernel's name for the file when it gave one (`names`), else /proc's after the
// fact. Nothing is set for anonymous or failed maps, or when the process is gone.
void note_mapped_file(Event& event, PathSource source, const FileNames* names = nullptr);

}  // namespace ljmm::trace::detail
