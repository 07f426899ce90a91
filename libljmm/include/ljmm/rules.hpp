// Layout assertions for CI: an "ljmm.rules/v1" file, checked against an analysed snapshot.
// The rule kinds and their keys are described in docs/rules.md and docs/schema/rules.schema.json.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ljmm/analysis.hpp"
#include "ljmm/export.hpp"
#include "ljmm/result.hpp"

namespace ljmm {

inline constexpr std::string_view rules_schema = "ljmm.rules/v1";
inline constexpr std::string_view check_schema = "ljmm.check/v1";

enum class RuleKind {
  window,           // {"window": [start, end], "min_free": size, "min_largest_gap": size, "max_gaps": n}
  brk_room,         // {"min_brk_room": size}
  fallbacks,        // {"max_fallback_arenas": n, "max_fallback_bytes": size}
  malloc,           // {"max_malloc_bytes": size}: the brk heap plus the fallback regions
  forbidden_range,  // {"forbidden_range": [start, end]}: no mapping may overlap it
  mappings,         // {"max_mappings": n}
  region,           // {"region": "libc.so.6", "must_exist": bool, "below": address, "above": address}
  segment,          // {"segment": "s5", "max_bytes": size, "max_rss": size, "max_anon": size}
  findings,         // {"absent_findings": ["brk-blocked", ...]}
};
LJMM_API const char* rule_kind_name(RuleKind kind);

struct LJMM_API Rule {
  size_t index = 0;  // position in the file: rules[index]
  std::string name;  // "name" or a description made from the rule
  RuleKind kind = RuleKind::window;
  // Each kind uses some of these; which ones is checked when the file is read.
  uint64_t start = 0, end = 0;  // window, forbidden_range
  std::optional<uint64_t> min_free, min_largest_gap, max_gaps;
  std::optional<uint64_t> min_brk_room;
  std::optional<uint64_t> max_fallback_arenas, max_fallback_bytes;
  std::optional<uint64_t> max_malloc_bytes;
  std::optional<uint64_t> max_mappings;
  std::string region;  // substring of the mapping's name
  bool must_exist = true;
  std::optional<uint64_t> below, above;
  Segment segment = Segment::heap;
  std::optional<uint64_t> max_bytes, max_rss, max_anon;
  std::vector<std::string> absent_findings;

  bool needs_smaps() const { return kind == RuleKind::segment && (max_rss || max_anon); }
};

// Reads a rules document. Errors name the JSON path and why:
// "rules[3].min_free: \"1GB\" is not a size; use 1GiB or bytes". Every bad rule is named, one
// per line, not only the first.
LJMM_API Result<std::vector<Rule>> parse_rules(std::string_view text, const std::string& origin);
LJMM_API Result<std::vector<Rule>> load_rules_file(const std::string& path);

// One measured limit of one rule.
struct LJMM_API Check {
  size_t rule_index = 0;
  std::string rule_name;
  std::string check;  // "min_free", "max_mappings", ...
  bool passed = false;
  std::string measured;  // "1.9 GiB", "0x7f12... libc.so.6", "present"
  std::string limit;     // ">= 1 GiB", "absent", ...
  // The same as numbers, for scripts, when the check compares numbers.
  std::optional<uint64_t> measured_value, limit_value;
  std::string unit;  // "bytes", "count", "address"; empty when not a number
};

LJMM_API std::vector<Check> evaluate(const std::vector<Rule>& rules, const Analysis& analysis);
LJMM_API bool all_passed(const std::vector<Check>& checks);

}  // namespace ljmm
