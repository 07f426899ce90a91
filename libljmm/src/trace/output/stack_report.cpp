#include "trace/output/stack_report.hpp"

#include <fmt/format.h>

namespace ljmm::trace::detail {

std::string stack_stats_text(const StackStats& stats) {
  if (stats.unwound == 0 && stats.unreadable == 0) return {};
  std::string text = fmt::format("  stacks: {} unwound with the CFI, {} complete", stats.unwound, stats.complete);
  if (stats.copy_short)
    text += fmt::format(", {} cut where the copied stack ends (--stack-size copies more)", stats.copy_short);
  if (stats.failed) text += fmt::format(", {} cut early (last: {})", stats.failed, stats.last_failure);
  if (stats.unreadable) text += fmt::format(", {} calls without a stack (the kernel could not read it)", stats.unreadable);
  return text + "\n";
}

void write_stack_stats(ljmm::detail::JsonWriter& json, const StackStats& stats) {
  json.key("stacks").begin_object().field("unwound", stats.unwound).field("complete", stats.complete);
  json.field("copy_short", stats.copy_short).field("failed", stats.failed).field("unreadable", stats.unreadable);
  json.field("last_failure", stats.last_failure).end_object();
}

}  // namespace ljmm::trace::detail
