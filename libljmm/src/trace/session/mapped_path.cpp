#include "trace/session/mapped_path.hpp"

#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <climits>

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

// The file mapped at [start, start + length) from `offset`, from /proc/PID/maps. Read after the
// call, the range may have been unmapped and reused (ld.so unmaps its cache, and the next file
// lands at the same address): the path is given only when every page of the range is still
// mapped from one file at the offsets the call asked for. Missing beats wrong.
std::string mapping_path(uint32_t pid, uint64_t start, uint64_t length, uint64_t offset) {
  auto text = read_proc_file(static_cast<int>(pid), "maps");
  if (!text) return {};
  auto regions = parse_maps(*text);
  if (!regions) return {};
  uint64_t end = start + page_round(length), covered = start;
  std::string path;
  for (const Region& region : *regions) {
    if (region.end <= start || region.start >= end) continue;
    bool same = region.start == covered && region.kind == RegionKind::file &&
                region.offset == offset + (region.start - start) && (path.empty() || region.label() == path);
    if (!same) return {};
    path = region.label();
    covered = std::min(region.end, end);
  }
  return covered == end ? path : std::string();
}

}  // namespace

std::string mapped_path(const Event& event, PathSource source) {
  if (!event.is(Syscall::mmap) || event.failed() || event.unfinished) return {};
  if ((event.args[3] & MAP_ANONYMOUS) || static_cast<int>(event.args[4]) < 0) return {};
  if (source == PathSource::fd_now) return fd_path(event.pid, static_cast<int>(event.args[4]));
  // Not the fd: by now the process may have closed it, or opened another file under its number.
  uint64_t offset = event.ia32_syscall == ia32_mmap2 ? event.args[5] * ia32_mmap2_offset_unit : event.args[5];
  return mapping_path(event.pid, static_cast<uint64_t>(event.ret), event.args[1], offset);
}

}  // namespace ljmm::trace::detail
