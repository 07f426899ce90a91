// The process facts that come from text: /proc/PID/stat, the brk source names, ASLR in words.
#include <fmt/format.h>
#include <string.h>

#include <algorithm>
#include <charconv>
#include <vector>

#include "ljmm/process.hpp"

namespace ljmm {

const char* brk_source_name(BrkSource source) {
  switch (source) {
    case BrkSource::unknown: return "unknown";
    case BrkSource::start_brk: return "start_brk";
    case BrkSource::heap_end: return "heap_end";
    case BrkSource::glibc: return "glibc";
    case BrkSource::presumed: return "presumed";
  }
  return "unknown";
}

std::optional<BrkSource> parse_brk_source(std::string_view text) {
  for (BrkSource source :
       {BrkSource::unknown, BrkSource::start_brk, BrkSource::heap_end, BrkSource::glibc, BrkSource::presumed})
    if (text == brk_source_name(source)) return source;
  return std::nullopt;
}

Status parse_stat(std::string_view stat_text, ProcessInfo& info) {
  // "PID (comm) S ..." where comm may hold spaces and parentheses: fields start after the last ')'.
  size_t close = stat_text.rfind(')');
  if (close == std::string_view::npos) return make_error(Errc::malformed, "malformed /proc/PID/stat: no ')'");
  // The same task name /proc/PID/comm shows, unescaped: one file fewer to read per process.
  if (size_t open = stat_text.find('('); open < close) info.comm.assign(stat_text.substr(open + 1, close - open - 1));
  std::vector<uint64_t> fields;  // fields[0] is field 3 (state, stored as 0)
  std::string_view rest = stat_text.substr(close + 1);
  while (!rest.empty()) {
    size_t start = rest.find_first_not_of(" \n");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    size_t end = rest.find_first_of(" \n");
    std::string_view token = rest.substr(0, end);
    uint64_t value = 0;
    std::from_chars(token.data(), token.data() + token.size(), value);  // the state letter stays 0
    fields.push_back(value);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  }
  auto field = [&](size_t number) -> uint64_t { return number - 3 < fields.size() ? fields[number - 3] : 0; };
  size_t state_at = stat_text.find_first_not_of(' ', close + 1);
  if (state_at != std::string_view::npos) info.state = stat_text[state_at];
  info.kernel_thread = (field(9) & 0x00200000) != 0;  // PF_KTHREAD
  info.start_code = field(26);
  info.end_code = field(27);
  info.start_stack = field(28);
  info.start_data = field(45);
  info.end_data = field(46);
  info.start_brk = field(47);
  return {};
}

std::string signal_name(int signal) {
  const char* name = signal > 0 ? ::sigabbrev_np(signal) : nullptr;  // glibc 2.32
  return name ? fmt::format("SIG{}", name) : fmt::format("signal {}", signal);
}

std::string aslr_description(int randomize_va_space, std::optional<bool> addr_no_randomize) {
  if (addr_no_randomize.value_or(false)) return "off for this process (ADDR_NO_RANDOMIZE)";
  switch (randomize_va_space) {
    case 0: return "off (0)";
    case 1: return "conservative (1: no brk randomization)";
    case 2: return "full (2)";
    default: return "unknown";
  }
}

std::optional<uint64_t> parse_status_field(std::string_view status_text, std::string_view name) {
  for (size_t at = 0; at < status_text.size();) {
    size_t end = status_text.find('\n', at);
    std::string_view line = status_text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    at = end == std::string_view::npos ? status_text.size() : end + 1;
    if (!line.starts_with(name) || line.size() <= name.size() || line[name.size()] != ':') continue;
    std::string_view value = line.substr(name.size() + 1);
    value.remove_prefix(std::min(value.find_first_not_of(" \t"), value.size()));
    uint64_t number = 0;
    auto [rest, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (ec != std::errc() || rest == value.data()) return std::nullopt;
    return number;
  }
  return std::nullopt;
}

}  // namespace ljmm
