#include "ljmm/finding.hpp"

namespace ljmm {

const char* severity_name(Severity severity) {
  switch (severity) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "info";
}

std::optional<Severity> parse_severity(std::string_view text) {
  for (Severity severity : {Severity::info, Severity::warning, Severity::error})
    if (text == severity_name(severity)) return severity;
  return std::nullopt;
}

std::optional<uint64_t> Finding::metric(std::string_view name) const {
  for (const Metric& m : metrics)
    if (m.name == name) return m.value;
  return std::nullopt;
}

}  // namespace ljmm
