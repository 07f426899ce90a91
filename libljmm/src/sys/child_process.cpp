#include "ljmm/child_process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ljmm {

namespace {

void close_fd(int& fd) {
  if (fd >= 0) ::close(std::exchange(fd, -1));
}

Error exec_failure(const std::string& program, int error) {
  Errc code = error == ENOENT ? Errc::not_found : error == EACCES ? Errc::permission_denied : Errc::io_error;
  return make_error(code, fmt::format("cannot run \"{}\": {}", program, std::strerror(error)));
}

// Reads the errno a failed exec wrote; nullopt at EOF (exec worked, the pipe closed with it).
std::optional<int> read_exec_errno(int fd) {
  int error = 0;
  ssize_t got;
  while ((got = ::read(fd, &error, sizeof error)) < 0 && errno == EINTR) {
  }
  if (got == static_cast<ssize_t>(sizeof error)) return error;
  return std::nullopt;
}

// The calls of one arch: load the number, stop at each listed one, allow the rest.
void append_checks(std::vector<sock_filter>& program, const std::vector<int>& syscalls) {
  program.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
  for (int nr : syscalls) {
    program.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(nr), 0, 1));
    program.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE));
  }
  program.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
}

// A classic BPF program for seccomp: stop (SECCOMP_RET_TRACE) at the given calls, allow the rest.
// The arch comes first: i386 and x86-64 numbers overlap (i386 chdir is x86-64 brk).
// Built in the parent, since the child may only make async-signal-safe calls before exec.
std::vector<sock_filter> seccomp_trace_filter(const std::vector<int>& syscalls, const std::vector<int>& ia32) {
  auto native_block = static_cast<uint8_t>(2 * syscalls.size() + 2);  // load, checks, allow
  std::vector<sock_filter> program = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, static_cast<uint8_t>(native_block + 1), 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, static_cast<uint8_t>(native_block - 1)),
  };
  append_checks(program, syscalls);
  append_checks(program, ia32);
  return program;
}

}  // namespace

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
    gate_fd_ = std::exchange(other.gate_fd_, -1);
    exec_error_fd_ = std::exchange(other.exec_error_fd_, -1);
    program_ = std::move(other.program_);
    buffered_ = std::move(other.buffered_);
  }
  return *this;
}

ChildProcess::~ChildProcess() { kill_and_reap(); }

void ChildProcess::close_stdin() { close_fd(stdin_fd_); }

Status ChildProcess::write_stdin(std::string_view text) {
  if (stdin_fd_ < 0) return make_error(Errc::invalid_argument, "child stdin is not a pipe");
  while (!text.empty()) {
    ssize_t written = ::write(stdin_fd_, text.data(), text.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0)
      return make_error(Errc::io_error, fmt::format("pid {}: writing to stdin: {}", pid_, std::strerror(errno)));
    text.remove_prefix(static_cast<size_t>(written));
  }
  return {};
}

void ChildProcess::kill_and_reap() {
  close_stdin();
  close_fd(stdout_fd_);
  close_fd(gate_fd_);
  close_fd(exec_error_fd_);
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, nullptr, __WALL) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
}

void ChildProcess::open_gate() {
  if (gate_fd_ < 0) return;
  char go = 1;
  [[maybe_unused]] ssize_t written = ::write(gate_fd_, &go, 1);
  close_fd(gate_fd_);
}

Status ChildProcess::release() {
  if (gate_fd_ < 0) return make_error(Errc::invalid_argument, "the child is not held");
  open_gate();
  std::optional<int> error = read_exec_errno(exec_error_fd_);
  close_fd(exec_error_fd_);
  if (error) {
    kill_and_reap();
    return exec_failure(program_, *error);
  }
  return {};
}

std::optional<Error> ChildProcess::exec_error() {
  if (exec_error_fd_ < 0) return std::nullopt;
  std::optional<int> error = read_exec_errno(exec_error_fd_);
  close_fd(exec_error_fd_);
  if (error) return exec_failure(program_, *error);
  return std::nullopt;
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
  int stdin_pipe[2] = {-1, -1}, stdout_pipe[2] = {-1, -1}, exec_error[2] = {-1, -1}, gate[2] = {-1, -1};
  auto close_all = [&] {
    for (int* fd : {&stdin_pipe[0], &stdin_pipe[1], &stdout_pipe[0], &stdout_pipe[1], &exec_error[0], &exec_error[1],
                    &gate[0], &gate[1]})
      close_fd(*fd);
  };
  if ((options.pipe_stdin && ::pipe2(stdin_pipe, O_CLOEXEC) < 0) ||
      (options.pipe_stdout && ::pipe2(stdout_pipe, O_CLOEXEC) < 0) ||
      (options.hold_before_exec && ::pipe2(gate, O_CLOEXEC) < 0) || ::pipe2(exec_error, O_CLOEXEC) < 0) {
    int error = errno;
    close_all();
    return make_error(Errc::io_error, fmt::format("pipe: {}", std::strerror(error)));
  }
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<sock_filter> filter = seccomp_trace_filter(options.seccomp_trace_syscalls, options.seccomp_trace_ia32_syscalls);
  sock_fprog filter_program{static_cast<unsigned short>(filter.size()), filter.data()};

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
    if (options.hold_before_exec) {
      char go;
      if (::read(gate[0], &go, 1) != 1) ::_exit(127);  // the parent gave up
    }
    if (options.stop_before_exec) {
      ::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
      ::raise(SIGSTOP);
    }
    if (!options.seccomp_trace_syscalls.empty()) {
      // no_new_privs is what lets an unprivileged process install a filter; strace does the same.
      if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
          ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &filter_program) != 0) {
        int error = errno;
        [[maybe_unused]] ssize_t written = ::write(exec_error[1], &error, sizeof error);
        ::_exit(127);
      }
    }
    ::execvp(args[0], args.data());
    int error = errno;
    [[maybe_unused]] ssize_t written = ::write(exec_error[1], &error, sizeof error);
    ::_exit(127);
  }
  close_fd(exec_error[1]);
  close_fd(gate[0]);
  if (options.pipe_stdin) close_fd(stdin_pipe[0]);
  if (options.pipe_stdout) close_fd(stdout_pipe[1]);
  ChildProcess child(pid, stdin_pipe[1], stdout_pipe[0], gate[1], exec_error[0], argv[0]);

  // A held or traced child cannot report its exec yet: release() or exec_error() will.
  if (options.hold_before_exec || options.stop_before_exec) return child;
  std::optional<Error> failed = child.exec_error();  // waits until exec happened or failed
  if (failed) return *failed;
  return child;
}

}  // namespace ljmm
