// A traced call's arguments as data, decoded once per call as strace does (one decoder per
// system call, in one table), then written by the text and the JSON output alike.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <span>

#include "film/calls.hpp"
#include "ljmm/event.hpp"

namespace ljmm::trace::detail {

using film::detail::FlagName;

// Flags as their names joined by '|', unknown bits in hex; `none` when there are none.
std::string describe_flags(uint64_t flags, std::span<const FlagName> names, const char* none);

struct Argument {
  enum class Json { address, number, signed_number, text };
  const char* name;    // the JSON key: the parameter's name in the call's man page
  std::string text;    // as a person reads it in an event line
  Json json;           // how the JSON output writes it
  uint64_t value = 0;  // for address and numbers; text is written as `text`
  bool in_line = true;  // false: JSON only (the event line says it inside another argument)
};

// The arguments of a system call event, in the call's order. Empty for other events.
std::vector<Argument> decode_arguments(const Event& event);

}  // namespace ljmm::trace::detail
