// User addresses to "function+0x1a (libc.so.6)": the process's maps say which file, the file's
// ELF symbols (or its separate debug file's) say which function. Not tracing: it needs only a
// pid's maps and memory, so it lives in ljmm-core.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ljmm/export.hpp"
#include "ljmm/maps.hpp"

namespace ljmm {

// The file a stack frame's code is mapped from, as the kernel saw it at the call, so a frame
// can be named after its process is gone. inode 0: not known.
struct LJMM_API FrameFile {
  uint64_t offset = 0;  // of the address in the file
  uint64_t inode = 0;
  uint32_t dev_major = 0;
  uint32_t dev_minor = 0;
  // The inode's generation when the kernel gave it (BPF), else 0: a SysV segment's inode number
  // is its shm id, which a memfd's on the same device can equal.
  uint32_t generation = 0;
};

// Resolves user addresses to "symbol+0x12 (libc.so.6)" from the process's maps and ELF symbols.
class LJMM_API Symbolizer {
 public:
  // debug_root: where separate debug files are, by build ID (.build-id/ab/cdef.debug). Copies
  // share what was read (files, maps).
  explicit Symbolizer(std::string debug_root = "/usr/lib/debug");
  // frame_file: where the kernel saw the address mapped from at the call (BPF), or null.
  std::string symbolize(uint32_t pid, uint64_t address, const FrameFile* frame_file = nullptr);
  // `address` named in a layout that is not a live process's (a recording's, at the instant of a
  // call), from the files its regions name as they are on disk now.
  std::string symbolize_in(const std::vector<Region>& regions, uint64_t address);
  // The process exec'd or exited: its maps as read so far describe nothing any more.
  void forget(uint32_t pid);

 private:
  struct Cache;
  const std::vector<Region>& read_maps(uint32_t pid);
  std::string name_in_file(const std::string& path, const std::function<std::string()>& open_as, uint64_t address,
                           uint64_t file_offset);
  // open_as: where to read a region's file from (through a live process's root, or as named).
  std::string name_in_regions(const std::vector<Region>& regions, const Region* region, uint64_t address,
                              const std::function<std::string(const Region&)>& open_as);
  std::string debug_root_;
  std::shared_ptr<Cache> cache_;
};

}  // namespace ljmm
