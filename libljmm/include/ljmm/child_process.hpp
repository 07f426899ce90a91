// Starting a program as a child with pipes, and knowing at once whether exec worked.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ljmm/export.hpp"
#include "ljmm/result.hpp"

namespace ljmm {

struct LJMM_API SpawnOptions {
  bool pipe_stdin = false;        // the child's stdin is a pipe we hold (closing it tells it to finish)
  bool pipe_stdout = false;       // we read the child's stdout
  bool hold_before_exec = false;  // the child waits for release() before exec (a tracer registers it first)
  bool stop_before_exec = false;  // PTRACE_TRACEME + SIGSTOP before exec, for a ptrace tracer
  // A seccomp filter installed before exec that makes these system calls (x86-64 numbers) stop
  // for a ptrace tracer (SECCOMP_RET_TRACE) and lets every other call run without stopping.
  std::vector<int> seccomp_trace_syscalls{};
  // ... and these i386 calls (i386 programs, int $0x80), which the filter tells apart by arch.
  std::vector<int> seccomp_trace_ia32_syscalls{};
};

// A started child. The destructor kills (SIGKILL) and reaps it if it still runs.
class LJMM_API ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  // One line of stdout without its newline; an error after timeout_ms or at EOF.
  Result<std::string> read_line(int timeout_ms);
  void close_stdin();
  // Writes to the child's stdin (pipe_stdin).
  Status write_stdin(std::string_view text);
  // Waits for exit; returns the exit status as a shell shows it (128+signal when killed).
  Result<int> wait();
  // Exit status if it has exited, without blocking.
  std::optional<int> poll();
  void kill_and_reap();
  // Forgets the child without killing it (someone else reaps it).
  void forget() { pid_ = -1; }
  // hold_before_exec: lets the child exec, then waits to learn whether exec worked.
  Status release();
  // hold_before_exec: lets the child exec without waiting (a tracer must keep serving it).
  void open_gate();
  // stop_before_exec: after the child exited, why exec failed ("cannot run X: ..."), if it did.
  std::optional<Error> exec_error();

 private:
  friend Result<ChildProcess> spawn(const std::vector<std::string>& argv, const SpawnOptions& options);
  ChildProcess(pid_t pid, int stdin_fd, int stdout_fd, int gate_fd, int exec_error_fd, std::string program)
      : pid_(pid),
        stdin_fd_(stdin_fd),
        stdout_fd_(stdout_fd),
        gate_fd_(gate_fd),
        exec_error_fd_(exec_error_fd),
        program_(std::move(program)) {}

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int gate_fd_ = -1;        // write end: one byte lets a held child exec
  int exec_error_fd_ = -1;  // read end: errno of a failed exec, EOF when exec worked
  std::string program_;
  std::string buffered_;
};

// Starts argv[0] (searched in PATH). "no such command" and exec errors come back as errors
// here rather than as a child that exits 127.
LJMM_API Result<ChildProcess> spawn(const std::vector<std::string>& argv, const SpawnOptions& options = {});

// Shell-style exit status from a waitpid status.
LJMM_API int exit_status_of(int wait_status);

}  // namespace ljmm
