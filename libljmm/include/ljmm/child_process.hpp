// Starting a program as a child with pipes, and knowing at once whether exec worked.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "ljmm/result.hpp"

namespace ljmm {

struct SpawnOptions {
  bool pipe_stdin = false;   // the child's stdin is a pipe we hold (closing it tells it to finish)
  bool pipe_stdout = false;  // we read the child's stdout
  bool stop_before_exec = false;  // PTRACE_TRACEME + SIGSTOP before exec, for a tracer
};

// A started child. The destructor kills (SIGKILL) and reaps it if it still runs.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(pid_t pid, int stdin_fd, int stdout_fd) : pid_(pid), stdin_fd_(stdin_fd), stdout_fd_(stdout_fd) {}
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  // One line of stdout without its newline; an error after timeout_ms or at EOF.
  Result<std::string> read_line(int timeout_ms);
  void close_stdin();
  // Waits for exit; returns the exit status as a shell shows it (128+signal when killed).
  Result<int> wait();
  // Exit status if it has exited, without blocking.
  std::optional<int> poll();
  void kill_and_reap();
  // Forgets the child without killing it (someone else reaps it).
  void release() { pid_ = -1; }

 private:
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  std::string buffered_;
};

// Starts argv[0] (searched in PATH). "no such command" and exec errors come back as errors
// here rather than as a child that exits 127.
Result<ChildProcess> spawn(const std::vector<std::string>& argv, const SpawnOptions& options = {});

// Shell-style exit status from a waitpid status.
int exit_status_of(int wait_status);

}  // namespace ljmm
