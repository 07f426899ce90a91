// Events as people read them: names of system calls, flags and errors.
#include <fmt/format.h>
#include <linux/mman.h>
#include <sys/mman.h>

#include <cstring>

#include "film/arguments.hpp"
#include "film/calls.hpp"
#include "ljmm/event_text.hpp"
#include "ljmm/units.hpp"

namespace ljmm::trace {

std::string describe_prot(uint64_t prot) {
  std::string text = "---";
  if (prot & PROT_READ) text[0] = 'r';
  if (prot & PROT_WRITE) text[1] = 'w';
  if (prot & PROT_EXEC) text[2] = 'x';
  uint64_t rest = prot & ~static_cast<uint64_t>(PROT_READ | PROT_WRITE | PROT_EXEC);
  if (rest) text += fmt::format("|{:#x}", rest);
  return text;
}

std::string describe_mmap_flags(uint64_t flags) {
  // The low four bits are one map type, not flags (as strace prints them).
  constexpr uint64_t map_type = 0x0f, map_droppable = 0x08, huge_shift = 26, huge_mask = 0x3f;
  std::string text;
  switch (flags & map_type) {
    case MAP_SHARED: text = "MAP_SHARED"; break;
    case MAP_PRIVATE: text = "MAP_PRIVATE"; break;
    case MAP_SHARED_VALIDATE: text = "MAP_SHARED_VALIDATE"; break;
    case map_droppable: text = "MAP_DROPPABLE"; break;
    default: text = fmt::format("{:#x} /* MAP_??? */", flags & map_type);
  }
  // The huge page size, log2, in bits 26-31 with MAP_HUGETLB.
  uint64_t huge = (flags >> huge_shift) & huge_mask;
  flags &= ~(map_type | (huge_mask << huge_shift));
  static constexpr detail::FlagName names[] = {
      {MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE"},
      {MAP_FIXED, "MAP_FIXED"},
      {MAP_ANONYMOUS, "MAP_ANONYMOUS"},
      {MAP_32BIT, "MAP_32BIT"},
      {MAP_GROWSDOWN, "MAP_GROWSDOWN"},
      {MAP_DENYWRITE, "MAP_DENYWRITE"},
      {MAP_EXECUTABLE, "MAP_EXECUTABLE"},
      {MAP_LOCKED, "MAP_LOCKED"},
      {MAP_NORESERVE, "MAP_NORESERVE"},
      {MAP_POPULATE, "MAP_POPULATE"},
      {MAP_NONBLOCK, "MAP_NONBLOCK"},
      {MAP_STACK, "MAP_STACK"},
      {MAP_HUGETLB, "MAP_HUGETLB"},
      {MAP_SYNC, "MAP_SYNC"},
  };
  if (flags) text += "|" + detail::describe_flags(flags, names, "0");
  if (huge == 21)
    text += "|MAP_HUGE_2MB";
  else if (huge == 30)
    text += "|MAP_HUGE_1GB";
  else if (huge)
    text += fmt::format("|{}<<MAP_HUGE_SHIFT", huge);
  return text;
}

std::string describe_mremap_flags(uint64_t flags) {
  static constexpr detail::FlagName names[] = {
      {MREMAP_MAYMOVE, "MREMAP_MAYMOVE"}, {MREMAP_FIXED, "MREMAP_FIXED"}, {MREMAP_DONTUNMAP, "MREMAP_DONTUNMAP"}};
  return detail::describe_flags(flags, names, "0");
}

std::string errno_name(int64_t error) {
  const char* name = strerrorname_np(static_cast<int>(error));
  return name ? name : fmt::format("E{}", error);
}

std::string describe_arguments(const Event& event) {
  switch (event.kind) {
    case EventKind::fork: return fmt::format("parent {}", event.ppid);
    case EventKind::exec: return fmt::format("now {}", event.comm);
    case EventKind::exit: return "";
    case EventKind::syscall: break;
  }
  std::string text;
  for (const detail::Argument& argument : detail::decode_arguments(event)) {
    if (!argument.in_line) continue;
    if (!text.empty()) text += ", ";
    text += argument.text;
  }
  return text;
}

std::string describe_result(const Event& event) {
  if (event.kind != EventKind::syscall) return event_kind_name(event.kind);
  if (event.unfinished) return "? (unfinished: the thread ended in the call)";
  if (event.is(Syscall::brk)) {
    std::string now = format_address_short(static_cast<uint64_t>(event.ret));
    return event.failed() ? now + " FAILED" : now;
  }
  if (event.failed()) return "-" + errno_name(-event.ret);
  if (event.returns_address()) return format_address_short(static_cast<uint64_t>(event.ret));
  return std::to_string(event.ret);
}

}  // namespace ljmm::trace
