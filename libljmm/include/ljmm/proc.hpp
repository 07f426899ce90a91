// Reading /proc: whole files, a process's facts, its threads, the machine's settings. The
// types and the pure parsers of what is read are in process.hpp.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ljmm/export.hpp"
#include "ljmm/process.hpp"
#include "ljmm/result.hpp"

namespace ljmm {

// Reads a whole /proc (or any) file with read(2). Errors name `what` and say why.
LJMM_API Result<std::string> read_text_file(const std::string& path, std::string_view what);

// Receives a file as read(2) returns it, piece by piece; an error stops the read.
using PieceReader = std::function<Status(std::string_view piece)>;

// Reads a file until EOF, handing each piece to `piece` and keeping none: a maps file of
// 65,000 mappings is parsed as it comes instead of being held whole. An error `piece` returns
// is returned as it is; errors of the read name `what`.
LJMM_API Status read_file_pieces(const std::string& path, std::string_view what, const PieceReader& piece);

// Reads /proc/PID/FILE and turns errno into a message about the process:
// "pid 123: no such process", "pid 1: permission denied reading maps (need ptrace access)".
LJMM_API Result<std::string> read_proc_file(int pid, std::string_view file);
// The same, piece by piece (see read_file_pieces), with the same errors about the process.
LJMM_API Status read_proc_pieces(int pid, std::string_view file, const PieceReader& piece);

// /proc/PID/comm without its newline.
LJMM_API Result<std::string> read_comm(int pid);

// Fills everything but `brk` (which needs the regions) from /proc/PID. Fields the kernel
// refuses to show (exe, personality) stay empty rather than failing the whole read.
LJMM_API Result<ProcessInfo> read_process_info(int pid);

// Reads the machine-wide settings. Never fails: unreadable values keep their defaults.
LJMM_API SystemInfo read_system_info();

// The thread ids of a process (/proc/PID/task), ascending.
LJMM_API Result<std::vector<int>> read_thread_ids(int pid);

}  // namespace ljmm
