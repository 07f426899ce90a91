// A file of lines, plain or gzip (by the name's .gz), written as it goes and read back: the
// recordings' storage. A gzip stream is flushed to a point a reader can decode up to, so a
// recording cut off by a crash is readable to its last flush.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "ljmm/result.hpp"

namespace ljmm::film::detail {

bool is_gzip_name(const std::string& path);  // ends in ".gz"

class LineWriter {
 public:
  static Result<LineWriter> open(const std::string& path);
  void write(const std::string& line);  // a whole line, its newline included
  void flush();                         // what is written so far can be read back
  Status close();                       // flushed and closed; says a write error if there was one

 private:
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> plain_{nullptr, &std::fclose};
  std::unique_ptr<gzFile_s, int (*)(gzFile)> gzip_{nullptr, &gzclose};
  std::string path_;
  bool failed_ = false;
};

class LineReader {
 public:
  // Plain or gzip, told by the file's first bytes (zlib reads plain files through).
  static Result<LineReader> open(const std::string& path);
  // The next line without its newline. nullopt at the end; `cut_off` is set when the last line
  // has no newline (the writer was stopped in the middle of it).
  std::optional<std::string> next(bool& cut_off);

 private:
  std::unique_ptr<gzFile_s, int (*)(gzFile)> file_{nullptr, &gzclose};
};

}  // namespace ljmm::film::detail
