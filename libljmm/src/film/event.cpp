// What an event is, apart from how it is printed: its call's name, whether it failed, and which
// calls a --calls list selects.
#include "ljmm/event.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace ljmm::trace {

const char* syscall_name(int syscall) {
  for (const TracedSyscall& traced : traced_syscalls)
    if (static_cast<int>(traced.id) == syscall) return traced.name;
  return "?";
}

std::optional<Syscall> syscall_named(std::string_view name) {
  for (const TracedSyscall& traced : traced_syscalls)
    if (name == traced.name) return traced.id;
  return std::nullopt;
}

const Ia32Syscall* find_ia32_syscall(int number) {
  for (const Ia32Syscall& call : ia32_syscalls)
    if (call.number == number) return &call;
  return nullptr;
}

const char* Event::call_name() const {
  if (ia32_syscall != 0)
    if (const Ia32Syscall* call = find_ia32_syscall(ia32_syscall)) return call->name;
  return syscall_name(syscall);
}

const char* event_kind_name(EventKind kind) {
  switch (kind) {
    case EventKind::syscall: return "syscall";
    case EventKind::fork: return "fork";
    case EventKind::exec: return "exec";
    case EventKind::exit: return "exit";
  }
  return "?";
}

bool Event::failed() const {
  if (kind != EventKind::syscall || unfinished) return false;
  if (is(Syscall::brk)) return args[0] != 0 && static_cast<uint64_t>(ret) != args[0];
  return ret < 0 && ret >= -max_errno;
}

namespace {

std::string known_names() {
  std::string names;
  for (const TracedSyscall& traced : traced_syscalls) names += fmt::format("{}{}", names.empty() ? "" : ", ", traced.name);
  for (const CallClassName& named : call_class_names) names += fmt::format(", %{}", named.name);
  return names + fmt::format(", %{}", every_call_class);
}

// One item of a --calls list: a call's name or a %class.
Result<CallSet> parse_call_item(std::string_view item) {
  CallSet calls;
  if (item == fmt::format("%{}", every_call_class) || item == "%memory") return every_call();
  for (const CallClassName& named : call_class_names) {
    if (item != fmt::format("%{}", named.name)) continue;
    for (size_t i = 0; i < traced_syscalls.size(); ++i)
      if (traced_syscalls[i].call_class == named.call_class) calls.set(i);
    return calls;
  }
  if (std::optional<Syscall> call = syscall_named(item)) return calls.set(call_index(*call));
  return make_error(Errc::invalid_argument,
                    fmt::format("--calls: unknown call \"{}\"; known: {}", item, known_names()));
}

}  // namespace

Result<CallSet> parse_calls(std::string_view text) {
  CallSet calls;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (item.empty()) continue;
    auto parsed = parse_call_item(item);
    if (!parsed) return parsed.error();
    calls |= *parsed;
  }
  if (calls.none()) return make_error(Errc::invalid_argument, "--calls: no call named; known: " + known_names());
  return calls;
}

std::string describe_calls(const CallSet& calls) {
  if (calls.all()) return fmt::format("%{}", every_call_class);
  std::string text;
  for (size_t i = 0; i < traced_syscalls.size(); ++i)
    if (calls.test(i)) text += fmt::format("{}{}", text.empty() ? "" : ",", traced_syscalls[i].name);
  return text;
}

}  // namespace ljmm::trace
