// strace's output as tests read it: `strace -f -qq -e trace=all -e raw=all -o FILE`, the calls
// ljmm-trace traces kept and grouped by thread. The reference the trace tests compare it with.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "ljmm/event.hpp"

namespace ljmm::test {

// strace's name for a call ljmm-trace traces, as ljmm-trace names it; empty for any other call.
// A strace older than the call prints its number ("syscall_0x1ce" for mseal in strace 6.1).
inline std::string traced_name(const std::string& strace_name) {
  for (const trace::TracedSyscall& call : trace::traced_syscalls)
    if (strace_name == call.name) return call.name;
  for (const trace::Ia32Syscall& call : trace::ia32_syscalls)
    if (strace_name == call.name) return call.name;
  if (strace_name.rfind("syscall_0x", 0) == 0) {
    int number = std::stoi(strace_name.substr(10), nullptr, 16);
    for (const trace::TracedSyscall& call : trace::traced_syscalls)
      if (static_cast<int>(call.id) == number) return call.name;
  }
  return {};
}

struct Call {
  std::string name;
  std::vector<uint64_t> args;  // as many as strace prints
  std::string result;          // "0x7f..." (hex), "-ENOMEM", or "?" when the thread ended in it
  bool old_mmap = false;       // i386's old mmap: ljmm shows the argument block, strace its address
  std::string describe() const {
    std::string text = name + "(";
    for (size_t i = 0; i < args.size(); ++i) text += (i ? ", " : "") + fmt_hex(args[i]);
    return text + ") = " + result;
  }
  static std::string fmt_hex(uint64_t value) {
    std::ostringstream out;
    out << "0x" << std::hex << value;
    return out.str();
  }
};

// The calls of each thread, threads in the order they first made a traced call (thread ids
// differ between two runs; the order does not).
using Threads = std::vector<std::vector<Call>>;

inline uint64_t parse_number(const std::string& text) {
  if (text == "NULL") return 0;
  return std::stoull(text, nullptr, text.rfind("0x", 0) == 0 ? 16 : 10);
}

inline std::vector<uint64_t> parse_args(const std::string& text) {
  std::vector<uint64_t> args;
  std::stringstream list(text);
  for (std::string item; std::getline(list, item, ',');) {
    item.erase(0, item.find_first_not_of(' '));
    args.push_back(parse_number(item));
  }
  return args;
}

inline std::string strace_result(const std::string& text) {
  static const std::regex error(R"(^-1 (E[A-Z0-9]+) .*)");
  std::smatch match;
  if (std::regex_match(text, match, error)) return "-" + match[1].str();
  if (text.rfind('?', 0) == 0) return "?";
  return Call::fmt_hex(parse_number(text.substr(0, text.find(' '))));
}

// strace -f -e raw=all: "TID  name(args) = result", or split in "<unfinished ...>" and
// "<... name resumed>) = result" when threads interleave.
inline Threads read_strace(const std::string& path) {
  static const std::regex whole(R"(^(\d+) +(\w+)\((.*)\) += (.*)$)");
  static const std::regex begun(R"(^(\d+) +(\w+)\((.*) <unfinished \.\.\.>$)");
  static const std::regex resumed(R"(^(\d+) +<\.\.\. (\w+) resumed>(.*)\) += (.*)$)");
  std::map<std::string, size_t> thread_index;
  std::map<std::string, std::string> pending_args;
  Threads threads;
  auto thread = [&](const std::string& tid) -> std::vector<Call>& {
    auto [it, inserted] = thread_index.try_emplace(tid, threads.size());
    if (inserted) threads.emplace_back();
    return threads[it->second];
  };
  std::ifstream file(path);
  std::smatch m;
  for (std::string line; std::getline(file, line);) {
    if (std::regex_match(line, m, whole)) {
      if (std::string name = traced_name(m[2]); !name.empty())
        thread(m[1]).push_back({name, parse_args(m[3]), strace_result(m[4])});
    } else if (std::regex_match(line, m, begun)) {
      if (traced_name(m[2]).empty()) continue;
      thread(m[1]);
      pending_args[m[1]] = m[3];
    } else if (std::regex_match(line, m, resumed)) {
      if (std::string name = traced_name(m[2]); !name.empty())
        thread(m[1]).push_back({name, parse_args(pending_args[m[1]] + m[3].str()), strace_result(m[4])});
    } else if (line.find("<unfinished ...>") != std::string::npos && line.find(" = ?") == std::string::npos) {
      ADD_FAILURE() << "strace line not understood: " << line;
    }
  }
  return threads;
}

}  // namespace ljmm::test
