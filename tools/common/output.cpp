#include "output.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ljmm::cli {

namespace {

Error failed(const std::string& path, std::string_view step) {
  int error = errno;
  return make_error(error == EACCES || error == EPERM ? Errc::permission_denied : Errc::io_error,
                    fmt::format("{}: {}: {}", path, step, std::strerror(error)));
}

}  // namespace

Status write_atomically(const std::string& path, std::string_view text) {
  std::string temporary = path + ".XXXXXX";
  int fd = ::mkostemp(temporary.data(), O_CLOEXEC);
  if (fd < 0) return failed(path, "creating a temporary file beside it");
  for (size_t written = 0; written < text.size();) {
    ssize_t got = ::write(fd, text.data() + written, text.size() - written);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      Error error = failed(path, "writing");
      ::close(fd);
      ::unlink(temporary.c_str());
      return error;
    }
    written += static_cast<size_t>(got);
  }
  // Readable by the collector (mkostemp makes it 0600), and on disk before it replaces the old one.
  if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0 || ::close(fd) != 0) {
    Error error = failed(path, "writing");
    ::unlink(temporary.c_str());
    return error;
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    Error error = failed(path, "renaming the temporary file over it");
    ::unlink(temporary.c_str());
    return error;
  }
  return {};
}

void write_stdout(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stdout); }

Status write_output(const std::string& path, std::string_view text) {
  if (!path.empty()) return write_atomically(path, text);
  write_stdout(text);
  return {};
}

}  // namespace ljmm::cli
