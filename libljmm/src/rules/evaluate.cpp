// Checking rules against an analysed snapshot: every limit of every rule becomes one Check with
// the measured value and the limit, so a failure says what was seen and what was wanted.
#include <fmt/format.h>

#include <algorithm>

#include "ljmm/rules.hpp"
#include "ljmm/units.hpp"

namespace ljmm {

namespace {

class Checker {
 public:
  Checker(const Rule& rule, std::vector<Check>& out) : rule_(rule), out_(out) {}

  void at_least(std::string_view check, uint64_t measured, std::optional<uint64_t> limit, bool bytes = true) {
    if (limit) numbers(check, measured >= *limit, measured, *limit, ">= ", bytes ? "bytes" : "count");
  }
  void at_most(std::string_view check, uint64_t measured, std::optional<uint64_t> limit, bool bytes = true) {
    if (limit) numbers(check, measured <= *limit, measured, *limit, "<= ", bytes ? "bytes" : "count");
  }
  void add(std::string_view check, bool passed, std::string measured, std::string limit) {
    Check result;
    result.rule_index = rule_.index;
    result.rule_name = rule_.name;
    result.check = check;
    result.passed = passed;
    result.measured = std::move(measured);
    result.limit = std::move(limit);
    out_.push_back(std::move(result));
  }
  // A comparison of two numbers: the words for people and the numbers for scripts.
  void numbers(std::string_view check, bool passed, uint64_t measured, uint64_t limit, std::string_view relation,
               std::string_view unit) {
    auto show = [&](uint64_t value) {
      return unit == "bytes"     ? format_size(value)
             : unit == "address" ? format_address_short(value)
                                 : std::to_string(value);
    };
    add(check, passed, show(measured), std::string(relation) + show(limit));
    out_.back().measured_value = measured;
    out_.back().limit_value = limit;
    out_.back().unit = unit;
  }

 private:
  const Rule& rule_;
  std::vector<Check>& out_;
};

std::string region_text(const Region& region) {
  std::string label = region.label();
  return fmt::format("{} at {}", label.empty() ? "[anon]" : label, format_address_short(region.start));
}

void check_region(const Rule& rule, const Analysis& analysis, Checker& checker) {
  std::vector<const Region*> matching;
  for (const Region& region : analysis.snapshot.regions)
    if (region.label().find(rule.region) != std::string::npos) matching.push_back(&region);
  if (rule.must_exist)
    checker.add(
        "must_exist", !matching.empty(),
        matching.empty() ? "absent" : fmt::format("{} region{}", matching.size(), matching.size() == 1 ? "" : "s"),
        "present");
  if (matching.empty()) {
    if (rule.below) checker.add("below", !rule.must_exist, "absent", "< " + format_address_short(*rule.below));
    if (rule.above) checker.add("above", !rule.must_exist, "absent", ">= " + format_address_short(*rule.above));
    return;
  }
  auto highest = std::max_element(matching.begin(), matching.end(), [](auto a, auto b) { return a->end < b->end; });
  auto lowest = std::min_element(matching.begin(), matching.end(), [](auto a, auto b) { return a->start < b->start; });
  if (rule.below)
    checker.numbers("below", (*highest)->end <= *rule.below, (*highest)->end, *rule.below, "<= ", "address");
  if (rule.above)
    checker.numbers("above", (*lowest)->start >= *rule.above, (*lowest)->start, *rule.above, ">= ", "address");
}

void check_segment(const Rule& rule, const Analysis& analysis, Checker& checker) {
  const SegmentTotal& total = analysis.layout.total(rule.segment);
  checker.at_most("max_bytes", total.bytes, rule.max_bytes);
  if ((rule.max_rss || rule.max_anon) && !analysis.snapshot.has_smaps) {
    if (rule.max_rss)
      checker.add("max_rss", false, "unknown: no smaps in this snapshot", "<= " + format_size(*rule.max_rss));
    if (rule.max_anon)
      checker.add("max_anon", false, "unknown: no smaps in this snapshot", "<= " + format_size(*rule.max_anon));
    return;
  }
  uint64_t anon = 0;
  for (size_t i = 0; i < analysis.snapshot.regions.size(); ++i)
    if (analysis.layout.segment_of[i] == rule.segment) anon += analysis.snapshot.regions[i].smaps_value("Anonymous");
  checker.at_most("max_rss", total.rss, rule.max_rss);
  checker.at_most("max_anon", anon, rule.max_anon);
}

void check_rule(const Rule& rule, const Analysis& analysis, std::vector<Check>& out) {
  Checker checker(rule, out);
  const Snapshot& snapshot = analysis.snapshot;
  switch (rule.kind) {
    case RuleKind::window: {
      WindowBudget budget = measure_window(snapshot, analysis.layout, rule.start, rule.end);
      checker.at_least("min_free", budget.free_bytes, rule.min_free);
      checker.at_least("min_largest_gap", budget.largest_gap, rule.min_largest_gap);
      checker.at_most("max_gaps", budget.gap_count, rule.max_gaps, false);
      break;
    }
    case RuleKind::brk_room: {
      const BrkRoom& brk = analysis.diagnosis.brk;
      if (!brk.known) {
        checker.add("min_brk_room", false, "unknown: the break is not known", ">= " + format_size(*rule.min_brk_room));
      } else {
        checker.at_least("min_brk_room", brk.room, rule.min_brk_room);
      }
      break;
    }
    case RuleKind::fallbacks:
      checker.at_most("max_fallback_arenas", analysis.diagnosis.fallbacks.count, rule.max_fallback_arenas, false);
      checker.at_most("max_fallback_bytes", analysis.diagnosis.fallbacks.bytes, rule.max_fallback_bytes);
      break;
    case RuleKind::malloc:
      checker.at_most("max_malloc_bytes", analysis.diagnosis.malloc.total(), rule.max_malloc_bytes);
      break;
    case RuleKind::forbidden_range: {
      std::vector<const Region*> inside;
      for (const Region& region : snapshot.regions)
        if (region.start < rule.end && region.end > rule.start) inside.push_back(&region);
      checker.add("forbidden_range", inside.empty(),
                  inside.empty() ? "nothing mapped"
                                 : fmt::format("{} mapping{}, first {}", inside.size(), inside.size() == 1 ? "" : "s",
                                               region_text(*inside.front())),
                  "nothing mapped");
      break;
    }
    case RuleKind::mappings: checker.at_most("max_mappings", snapshot.regions.size(), rule.max_mappings, false); break;
    case RuleKind::region: check_region(rule, analysis, checker); break;
    case RuleKind::segment: check_segment(rule, analysis, checker); break;
    case RuleKind::findings:
      for (const std::string& id : rule.absent_findings) {
        const Finding* found = analysis.finding(id);
        checker.add(id, found == nullptr, found ? "present: " + found->summary : "absent", "absent");
      }
      break;
  }
}

}  // namespace

std::vector<Check> evaluate(const std::vector<Rule>& rules, const Analysis& analysis) {
  std::vector<Check> checks;
  for (const Rule& rule : rules) check_rule(rule, analysis, checks);
  return checks;
}

bool all_passed(const std::vector<Check>& checks) {
  return std::all_of(checks.begin(), checks.end(), [](const Check& check) { return check.passed; });
}

}  // namespace ljmm
