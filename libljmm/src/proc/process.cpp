#include "ljmm/proc.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstring>
#include <memory>
#include <vector>

#include "elf/elf_file.hpp"
#include "sys/fd.hpp"

namespace ljmm {

namespace {

Errc errc_from_errno(int error) {
  switch (error) {
    case ENOENT: return Errc::not_found;
    case ESRCH: return Errc::vanished;
    case EACCES:
    case EPERM: return Errc::permission_denied;
    default: return Errc::io_error;
  }
}

bool process_exists(int pid) { return ::access(fmt::format("/proc/{}", pid).c_str(), F_OK) == 0; }

uint64_t read_number(const char* path, uint64_t fallback) {
  auto text = read_text_file(path, path);
  if (!text) return fallback;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  return ec == std::errc() ? value : fallback;
}

}  // namespace

Status read_file_pieces(const std::string& path, std::string_view what, const PieceReader& piece) {
  detail::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    int error = errno;
    return make_error(errc_from_errno(error), fmt::format("{}: {}", what, std::strerror(error)));
  }
  // /proc files report size 0, so read until EOF. The buffer is not initialised (zero-filling
  // it cost more than reading a 65k-line maps file) and small enough to come from the heap:
  // the kernel hands out maps a page at a time anyway.
  constexpr size_t chunk_size = 64 * 1024;
  std::unique_ptr<char[]> chunk(new char[chunk_size]);
  for (;;) {
    ssize_t got = ::read(fd.get(), chunk.get(), chunk_size);
    if (got < 0) {
      if (errno == EINTR) continue;
      int error = errno;
      return make_error(errc_from_errno(error), fmt::format("{}: {}", what, std::strerror(error)));
    }
    if (got == 0) return {};
    if (Status status = piece(std::string_view(chunk.get(), static_cast<size_t>(got))); !status) return status;
  }
}

namespace {

// The pieces `read` hands out, joined.
Result<std::string> whole_text(const std::function<Status(const PieceReader&)>& read) {
  std::string text;
  Status status = read([&](std::string_view piece) -> Status {
    text.append(piece);
    return {};
  });
  if (!status) return status.error();
  return text;
}

// What a failed read of /proc/PID/FILE says about the process.
Error proc_read_error(int pid, std::string_view file, const Error& error) {
  switch (error.code) {
    case Errc::not_found: return make_error(Errc::not_found, fmt::format("pid {}: no such process", pid));
    case Errc::vanished: return make_error(Errc::vanished, fmt::format("pid {}: process exited while being read", pid));
    case Errc::permission_denied:
      return make_error(
          Errc::permission_denied,
          fmt::format("pid {}: permission denied reading {} (needs the same user or CAP_SYS_PTRACE)", pid, file));
    default:
      if (!process_exists(pid))
        return make_error(Errc::vanished, fmt::format("pid {}: process exited while being read", pid));
      return with_context(error, fmt::format("pid {}", pid));
  }
}

}  // namespace

Result<std::string> read_text_file(const std::string& path, std::string_view what) {
  return whole_text([&](const PieceReader& piece) { return read_file_pieces(path, what, piece); });
}

Status read_proc_pieces(int pid, std::string_view file, const PieceReader& piece) {
  size_t bytes = 0;
  Status refused;  // what `piece` said, returned as it is
  Status status = read_file_pieces(fmt::format("/proc/{}/{}", pid, file), file, [&](std::string_view text) {
    bytes += text.size();
    refused = piece(text);
    return refused;
  });
  if (!refused) return refused;
  if (!status) return proc_read_error(pid, file, status.error());
  // A zombie or exited process has an empty maps file: say so instead of showing nothing.
  if (bytes == 0 && (file == "maps" || file == "smaps") && !process_exists(pid))
    return make_error(Errc::vanished, fmt::format("pid {}: process exited while being read", pid));
  return {};
}

Result<std::string> read_proc_file(int pid, std::string_view file) {
  return whole_text([&](const PieceReader& piece) { return read_proc_pieces(pid, file, piece); });
}

Result<std::string> read_comm(int pid) {
  auto text = read_proc_file(pid, "comm");
  if (!text) return text.error();
  std::string comm = std::move(text).value();
  while (!comm.empty() && (comm.back() == '\n' || comm.back() == '\r')) comm.pop_back();
  return comm;
}

Result<ProcessInfo> read_process_info(int pid) {
  ProcessInfo info;
  info.pid = pid;
  auto stat = read_proc_file(pid, "stat");
  if (!stat) return stat.error();
  if (Status parsed = parse_stat(*stat, info); !parsed) return parsed.error();
  if (info.kernel_thread) return info;  // no executable, no address space: nothing more to read

  char target[PATH_MAX];
  ssize_t length = ::readlink(fmt::format("/proc/{}/exe", pid).c_str(), target, sizeof target - 1);
  if (length > 0) {
    info.exe.assign(target, static_cast<size_t>(length));
    // Match the maps pathname, which carries the deletion as a separate flag.
    constexpr std::string_view deleted = " (deleted)";
    if (info.exe.size() > deleted.size() && info.exe.ends_with(deleted))
      info.exe.resize(info.exe.size() - deleted.size());
    // Reading through /proc/PID/exe works even when the file was deleted or replaced.
    if (auto elf = detail::read_elf_file(fmt::format("/proc/{}/exe", pid), detail::ElfParts::header))
      info.pie = elf->position_independent;
  }
  if (auto personality = read_proc_file(pid, "personality")) {
    uint64_t value = 0;
    if (std::from_chars(personality->data(), personality->data() + personality->size(), value, 16).ec == std::errc())
      info.addr_no_randomize = (value & 0x0040000) != 0;  // ADDR_NO_RANDOMIZE
  }
  return info;
}

Result<std::vector<int>> read_thread_ids(int pid) {
  std::unique_ptr<DIR, int (*)(DIR*)> directory(::opendir(fmt::format("/proc/{}/task", pid).c_str()), ::closedir);
  if (!directory) {
    int error = errno;
    if (error == ENOENT) return make_error(Errc::not_found, fmt::format("pid {}: no such process", pid));
    return make_error(errc_from_errno(error),
                      fmt::format("pid {}: listing its threads: {}", pid, std::strerror(error)));
  }
  std::vector<int> threads;
  while (dirent* entry = ::readdir(directory.get())) {
    int tid = 0;
    std::string_view name = entry->d_name;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), tid);
    if (ec == std::errc() && end == name.data() + name.size() && tid > 0) threads.push_back(tid);
  }
  std::sort(threads.begin(), threads.end());
  return threads;
}

SystemInfo read_system_info() {
  SystemInfo system;
  if (long page = ::sysconf(_SC_PAGESIZE); page > 0) system.page_size = static_cast<uint64_t>(page);
  system.mmap_min_addr = read_number("/proc/sys/vm/mmap_min_addr", system.mmap_min_addr);
  system.max_map_count = read_number("/proc/sys/vm/max_map_count", system.max_map_count);
  uint64_t aslr = read_number("/proc/sys/kernel/randomize_va_space", UINT64_MAX);
  system.randomize_va_space = aslr == UINT64_MAX ? -1 : static_cast<int>(aslr);
  struct utsname name {};
  if (::uname(&name) == 0) system.kernel = name.release;
  return system;
}

}  // namespace ljmm
