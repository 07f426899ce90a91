// The BPF program's ring-buffer records (bpf/mmaptrace.h): events (struct mmt_event) and the
// paths of mapped files (struct mmt_file_path).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "ljmm/trace.hpp"

namespace ljmm::trace::detail {

// Whether a record is a file's path rather than an event (records begin with their kind).
bool is_file_path_record(const void* data, size_t size);

// A file's path record as the file (device and inode) and its path ("/usr/lib/.../libc.so.6",
// "/memfd:x (deleted)"); nullopt when the kernel could not name it whole.
std::optional<std::pair<FrameFile, std::string>> decode_file_path(const void* data, size_t size);

// Decodes one record (with or without its stack) into an Event timed from start_ns. Errors on a
// record too short to be one.
Result<Event> decode_bpf_event(const void* data, size_t size, uint64_t start_ns);

}  // namespace ljmm::trace::detail
