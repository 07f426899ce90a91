#include "film/line_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace ljmm::film::detail {

bool is_gzip_name(const std::string& path) { return path.size() > 3 && path.ends_with(".gz"); }

Result<LineWriter> LineWriter::open(const std::string& path) {
  LineWriter writer;
  writer.path_ = path;
  if (is_gzip_name(path))
    writer.gzip_.reset(gzopen(path.c_str(), "wbe"));
  else
    writer.plain_.reset(std::fopen(path.c_str(), "we"));
  if (!writer.gzip_ && !writer.plain_)
    return make_error(Errc::io_error, fmt::format("{}: {}", path, std::strerror(errno)));
  return writer;
}

void LineWriter::write(const std::string& line) {
  if (gzip_) {
    failed_ |= gzwrite(gzip_.get(), line.data(), static_cast<unsigned>(line.size())) != static_cast<int>(line.size());
  } else if (plain_) {
    failed_ |= std::fwrite(line.data(), 1, line.size(), plain_.get()) != line.size();
  }
}

void LineWriter::flush() {
  if (gzip_) failed_ |= gzflush(gzip_.get(), Z_SYNC_FLUSH) != Z_OK;
  if (plain_) failed_ |= std::fflush(plain_.get()) != 0;
}

Status LineWriter::close() {
  flush();
  bool closed = gzip_ ? gzclose(gzip_.release()) == Z_OK : std::fclose(plain_.release()) == 0;
  if (failed_ || !closed) return make_error(Errc::io_error, fmt::format("{}: writing failed", path_));
  return {};
}

Result<LineReader> LineReader::open(const std::string& path) {
  LineReader reader;
  reader.file_.reset(gzopen(path.c_str(), "rbe"));
  if (!reader.file_) return make_error(Errc::not_found, fmt::format("{}: {}", path, std::strerror(errno)));
  gzbuffer(reader.file_.get(), 256 * 1024);
  return reader;
}

std::optional<std::string> LineReader::next(bool& cut_off) {
  std::string line;
  char buffer[64 * 1024];
  while (gzgets(file_.get(), buffer, sizeof buffer) != nullptr) {
    line += buffer;
    if (!line.empty() && line.back() == '\n') {
      line.pop_back();
      return line;
    }
  }
  // The end, or a gzip stream cut off (its last block is lost; what came before was flushed).
  if (line.empty()) return std::nullopt;
  cut_off = true;
  return std::nullopt;
}

}  // namespace ljmm::film::detail
