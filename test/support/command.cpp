#include "command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace ljmm::test {

CommandResult run_command(const std::vector<std::string>& argv, const std::string& stdin_text) {
  int out_pipe[2], err_pipe[2], in_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) || ::pipe2(err_pipe, O_CLOEXEC) || ::pipe2(in_pipe, O_CLOEXEC)) std::abort();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ::close(in_pipe[0]);
  if (!stdin_text.empty()) {
    [[maybe_unused]] ssize_t written = ::write(in_pipe[1], stdin_text.data(), stdin_text.size());
  }
  ::close(in_pipe[1]);

  CommandResult result;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_count = 2;
  while (open_count > 0) {
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      char buffer[65536];
      ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
      if (got > 0) {
        sinks[i]->append(buffer, static_cast<size_t>(got));
      } else {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
      }
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

CommandResult validate_json(const std::string& schema, const std::string& text, bool lines) {
  std::vector<std::string> argv = {system_python, source_dir() + "/test/support/validate_json.py",
                                   source_dir() + "/docs/schema/" + schema};
  if (lines) argv.push_back("--lines");
  return run_command(argv, text);
}

std::vector<std::string> without_library(const std::string& soname, const std::vector<std::string>& argv) {
  // The file the dynamic loader's cache names for the soname is covered: dlopen then reads an
  // empty file and fails, as it would where the package is not installed.
  const char* script =
      "path=$(/sbin/ldconfig -p | awk -v name=\"$1\" '$1 == name && /x86-64/ { print $NF; exit }'); shift; "
      "[ -n \"$path\" ] || { echo \"without_library: no $1 in the loader's cache\" >&2; exit 99; }; "
      "mount --bind /dev/null \"$path\" && exec \"$@\"";
  std::vector<std::string> wrapped = {"unshare", "--mount", "/bin/sh", "-c", script, "sh", soname};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

std::string test_progs_dir() { return LJMM_TEST_PROGS_DIR; }
std::string source_dir() { return LJMM_SOURCE_DIR; }

}  // namespace ljmm::test
