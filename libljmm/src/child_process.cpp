#include "ljmm/child_process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ljmm {

int exit_status_of(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 255;
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept { *this = std::move(other); }

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
  if (this != &other) {
    kill_and_reap();
    pid_ = std::exchange(other.pid_, -1);
    stdin_fd_ = std::exchange(other.stdin_fd_, -1);
    stdout_fd_ = std::exchange(other.stdout_fd_, -1);
    buffered_ = std::move(other.buffered_);
  }
  return *this;
}

ChildProcess::~ChildProcess() { kill_and_reap(); }

void ChildProcess::close_stdin() {
  if (stdin_fd_ >= 0) ::close(std::exchange(stdin_fd_, -1));
}

void ChildProcess::kill_and_reap() {
  close_stdin();
  if (stdout_fd_ >= 0) ::close(std::exchange(stdout_fd_, -1));
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
}

Result<std::string> ChildProcess::read_line(int timeout_ms) {
  for (;;) {
    size_t newline = buffered_.find('\n');
    if (newline != std::string::npos) {
      std::string line = buffered_.substr(0, newline);
      buffered_.erase(0, newline + 1);
      return line;
    }
    if (stdout_fd_ < 0) return make_error(Errc::invalid_argument, "child stdout is not a pipe");
    pollfd waiting{stdout_fd_, POLLIN, 0};
    int ready = ::poll(&waiting, 1, timeout_ms);
    if (ready == 0) return make_error(Errc::io_error, fmt::format("pid {}: no output within {} ms", pid_, timeout_ms));
    if (ready < 0 && errno != EINTR) return make_error(Errc::io_error, std::strerror(errno));
    char chunk[4096];
    ssize_t got = ::read(stdout_fd_, chunk, sizeof chunk);
    if (got == 0) return make_error(Errc::vanished, fmt::format("pid {}: exited before printing a line", pid_));
    if (got > 0) buffered_.append(chunk, static_cast<size_t>(got));
  }
}

Result<int> ChildProcess::wait() {
  close_stdin();
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0) {
    if (errno != EINTR) return make_error(Errc::io_error, fmt::format("waitpid {}: {}", pid_, std::strerror(errno)));
  }
  pid_ = -1;
  return exit_status_of(status);
}

std::optional<int> ChildProcess::poll() {
  int status = 0;
  if (pid_ <= 0 || ::waitpid(pid_, &status, WNOHANG) != pid_) return std::nullopt;
  pid_ = -1;
  return exit_status_of(status);
}

Result<ChildProcess> spawn(const std::vector<std::string>& argv, const SpawnOptions& options) {
  if (argv.empty()) return make_error(Errc::invalid_argument, "no command given");
  int stdin_pipe[2] = {-1, -1}, stdout_pipe[2] = {-1, -1}, exec_error[2] = {-1, -1};
  auto close_all = [&] {
    for (int fd : {stdin_pipe[0], stdin_pipe[1], stdout_pipe[0], stdout_pipe[1], exec_error[0], exec_error[1]})
      if (fd >= 0) ::close(fd);
  };
  if ((options.pipe_stdin && ::pipe2(stdin_pipe, O_CLOEXEC) < 0) ||
      (options.pipe_stdout && ::pipe2(stdout_pipe, O_CLOEXEC) < 0) || ::pipe2(exec_error, O_CLOEXEC) < 0) {
    int error = errno;
    close_all();
    return make_error(Errc::io_error, fmt::format("pipe: {}", std::strerror(error)));
  }
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid < 0) {
    int error = errno;
    close_all();
    return make_error(Errc::io_error, fmt::format("fork: {}", std::strerror(error)));
  }
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec.
    if (options.pipe_stdin) ::dup2(stdin_pipe[0], 0);
    if (options.pipe_stdout) ::dup2(stdout_pipe[1], 1);
    if (options.stop_before_exec) {
      ::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
      ::raise(SIGSTOP);
    }
    ::execvp(args[0], args.data());
    int error = errno;
    [[maybe_unused]] ssize_t written = ::write(exec_error[1], &error, sizeof error);
    ::_exit(127);
  }
  ::close(exec_error[1]);
  exec_error[1] = -1;
  if (options.pipe_stdin) ::close(std::exchange(stdin_pipe[0], -1));
  if (options.pipe_stdout) ::close(std::exchange(stdout_pipe[1], -1));
  ChildProcess child(pid, stdin_pipe[1], stdout_pipe[0]);
  stdin_pipe[1] = stdout_pipe[0] = -1;

  // A tracer must resume a stopped child before exec can report; it checks exec itself.
  if (options.stop_before_exec) {
    ::close(exec_error[0]);
    return child;
  }
  int error = 0;
  ssize_t got;
  while ((got = ::read(exec_error[0], &error, sizeof error)) < 0 && errno == EINTR) {
  }
  ::close(exec_error[0]);
  if (got == static_cast<ssize_t>(sizeof error)) {
    child.kill_and_reap();
    Errc code = error == ENOENT ? Errc::not_found : error == EACCES ? Errc::permission_denied : Errc::io_error;
    return make_error(code, fmt::format("cannot run \"{}\": {}", argv[0], std::strerror(error)));
  }
  return child;
}

}  // namespace ljmm
