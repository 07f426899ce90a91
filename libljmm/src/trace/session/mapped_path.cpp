#include "trace/session/mapped_path.hpp"

#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <optional>
#include <vector>

#include "ljmm/maps.hpp"
#include "ljmm/proc.hpp"
#include "trace/session/fallback.hpp"

namespace ljmm::trace::detail {

namespace {

std::string fd_path(uint32_t pid, int fd) {
  std::string link = fmt::format("/proc/{}/fd/{}", pid, fd);
  char target[PATH_MAX];
  ssize_t length = ::readlink(link.c_str(), target, sizeof target - 1);
  return length > 0 ? std::string(target, static_cast<size_t>(length)) : std::string();
}

// The device and inode of the file behind a process's fd (stat follows the /proc link).
FrameFile fd_file(uint32_t pid, int fd) {
  struct stat status {};
  if (::stat(fmt::format("/proc/{}/fd/{}", pid, fd).c_str(), &status) != 0) return {};
  return FrameFile{0, status.st_ino, major(status.st_dev), minor(status.st_dev)};
}

std::vector<Region> current_regions(uint32_t pid) {
  auto text = read_proc_file(static_cast<int>(pid), "maps");
  if (!text) return {};
  auto regions = parse_maps(*text);
  return regions ? std::move(regions).value() : std::vector<Region>();
}

// The file mapped at [start, start + length) from `offset`. Read after the call, the range may
// have been unmapped and reused (ld.so unmaps its cache, and the next file lands at the same
// address): the path is given only when every page of the range is still mapped from one file
// at the offsets the call asked for. Missing beats wrong.
std::string mapping_path(const std::vector<Region>& regions, uint64_t start, uint64_t length, uint64_t offset) {
  uint64_t end = start + page_round(length), covered = start;
  std::string path;
  for (const Region& region : regions) {
    if (region.end <= start || region.start >= end) continue;
    bool same = region.start == covered && region.kind == RegionKind::file &&
                region.offset == offset + (region.start - start) && (path.empty() || region.label() == path);
    if (!same) return {};
    path = region.label();
    covered = std::min(region.end, end);
  }
  return covered == end ? path : std::string();
}

// Any mapping of the file with this device and inode names it, wherever it is now.
std::string path_of_file(const std::vector<Region>& regions, const FrameFile& file) {
  for (const Region& region : regions)
    if (region.kind == RegionKind::file && region.inode == file.inode && region.dev_major == file.dev_major &&
        region.dev_minor == file.dev_minor)
      return region.label();
  return {};
}

void note_shm(Event& event, const std::vector<Region>& regions) {
  for (const Region& region : regions) {
    if (region.start != static_cast<uint64_t>(event.ret)) continue;
    event.path = region.label();
    if (event.shm_size == 0) event.shm_size = region.size();
    if (event.mapped_file.inode == 0)
      event.mapped_file = FrameFile{0, region.inode, region.dev_major, region.dev_minor};
  }
}

}  // namespace

void note_mapped_file(Event& event, PathSource source, const FileNames* names) {
  if (event.failed() || event.unfinished) return;
  if (names && event.mapped_file.inode != 0) {
    if (const std::string* path = names->find(event.mapped_file)) {  // the kernel's own, at the call
      event.path = *path;
      return;
    }
  }
  if (event.is(Syscall::shmat)) return note_shm(event, current_regions(event.pid));
  if (!event.is(Syscall::mmap)) return;
  if ((event.args[3] & MAP_ANONYMOUS) || static_cast<int>(event.args[4]) < 0) return;
  auto fd = static_cast<int>(event.args[4]);
  if (source == PathSource::fd_now) {
    event.path = fd_path(event.pid, fd);
    event.mapped_file = fd_file(event.pid, fd);
    return;
  }
  // Not the fd: by now the process may have closed it, or opened another file under its number.
  uint64_t offset = event.ia32_syscall == ia32_mmap2 ? event.args[5] * ia32_mmap2_offset_unit : event.args[5];
  std::vector<Region> regions = current_regions(event.pid);
  event.path = mapping_path(regions, static_cast<uint64_t>(event.ret), event.args[1], offset);
  if (event.path.empty() && event.mapped_file.inode != 0) event.path = path_of_file(regions, event.mapped_file);
}

}  // namespace ljmm::trace::detail
