// A Debian nginx master with the lua module and a hundred locations that each load the CA
// bundle (lua_ssl_trusted_certificate), optionally started with ljmm's shim placing a block right
// after sbrk(0) (a brk hole): each reload then falls back to mmap for its memory.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "command.hpp"

namespace ljmm::test {

// Each load takes about 0.86 MB: a reload maps 86 MB in 637 fallback chunks here. The tests'
// floors (50 MiB, 100 failed brk calls, 1,000 stacks) hold with room; 300 locations took three
// times as long (the nginx tests were half of the suite's time) and told the same story.
inline constexpr int locations = 100;
inline const std::string nginx = "/usr/sbin/nginx";

class NginxMaster {
 public:
  NginxMaster(const std::string& name, bool brk_hole) {
    dir_ = ::testing::TempDir() + "/nginx-" + name + "-" + std::to_string(::getpid());
    run_command({"rm", "-rf", dir_});
    run_command({"mkdir", "-p", dir_});
    static int instances = 0;
    int port = 20000 + (::getpid() * 8 + instances++ * 2 + (brk_hole ? 1 : 0)) % 20000;
    std::ofstream conf(config());
    conf << "load_module /usr/lib/nginx/modules/ndk_http_module.so;\n"
            "load_module /usr/lib/nginx/modules/ngx_http_lua_module.so;\n"
         << "pid " << dir_ << "/nginx.pid;\nerror_log " << dir_ << "/error.log notice;\n"
         << "worker_processes 1;\nevents { worker_connections 64; }\nhttp {\n  access_log off;\n";
    for (const char* temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
      conf << "  " << temp << "_temp_path " << dir_ << "/" << temp << ";\n";
    conf << "  server {\n    listen 127.0.0.1:" << port << ";\n";
    for (int i = 0; i < locations; ++i)
      conf << "    location /l" << i
           << " { lua_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt; return 200; }\n";
    conf << "  }\n}\n";
    conf.close();
    std::vector<std::string> start = {nginx, "-c", config()};
    if (brk_hole)
      start.insert(start.begin(), {"env", "LD_PRELOAD=" + std::string(LJMM_LIB_DIR) + "/libljmm_preload.so",
                                   "LJMM_RESERVE=brk-block"});
    CommandResult started = run_command(start);
    EXPECT_EQ(started.exit_code, 0) << started.err;
    pid_ = read_pid();
  }

  ~NginxMaster() {
    // Stopped by its pid file; SIGKILL if it does not go.
    int pid = read_pid();
    if (pid > 0) {
      ::kill(pid, SIGQUIT);
      for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (::kill(pid, 0) == 0) ::kill(pid, SIGKILL);
    }
    run_command({"rm", "-rf", dir_});
  }

  int pid() const { return pid_; }
  std::string config() const { return dir_ + "/nginx.conf"; }
  std::string dir() const { return dir_; }

 private:
  int read_pid() const {
    for (int i = 0; i < 300; ++i) {
      std::ifstream file(dir_ + "/nginx.pid");
      int pid = 0;
      if (file >> pid && pid > 0) return pid;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return 0;
  }

  std::string dir_;
  int pid_ = 0;
};

}  // namespace ljmm::test
