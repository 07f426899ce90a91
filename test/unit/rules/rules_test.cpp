#include "ljmm/rules.hpp"
#include "ljmm/render.hpp"

#include <gtest/gtest.h>

#include "../test_data.hpp"
#include "ljmm/units.hpp"

namespace ljmm {
namespace {

std::string rules_with(const std::string& rule) { return R"({"schema": "ljmm.rules/v1", "rules": [)" + rule + "]}"; }

TEST(RulesParse, EveryKind) {
  auto rules = parse_rules(rules_with(R"(
      {"name": "low", "window": ["0x10000", "2GiB"], "min_free": "1GiB", "min_largest_gap": 268435456, "max_gaps": 3},
      {"min_brk_room": "64MiB"},
      {"max_fallback_arenas": 0, "max_fallback_bytes": "1MiB"},
      {"forbidden_range": [0, "0x10000"]},
      {"max_mappings": 60000},
      {"region": "libc.so.6", "must_exist": true, "below": "0x800000000000", "above": "4GiB"},
      {"segment": "heap", "max_bytes": "1GiB", "max_rss": "512MiB", "max_anon": "4k"},
      {"absent_findings": ["brk-blocked"]})"),
                           "test.json");
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  ASSERT_EQ(rules->size(), 8u);
  const Rule& window = (*rules)[0];
  EXPECT_EQ(window.kind, RuleKind::window);
  EXPECT_EQ(window.name, "low");
  EXPECT_EQ(window.start, 0x10000u);
  EXPECT_EQ(window.end, 2 * GiB);
  EXPECT_EQ(window.min_free, GiB);
  EXPECT_EQ(window.min_largest_gap, 256 * MiB);
  EXPECT_EQ((*rules)[1].kind, RuleKind::brk_room);
  EXPECT_EQ((*rules)[1].name, "brk room") << "a name is made when none is given";
  EXPECT_EQ((*rules)[2].max_fallback_arenas, 0u);
  EXPECT_EQ((*rules)[3].end, 0x10000u);
  EXPECT_EQ((*rules)[5].above, 4 * GiB);
  EXPECT_EQ((*rules)[6].segment, Segment::heap);
  EXPECT_EQ((*rules)[6].max_anon, 4096u);
  EXPECT_TRUE((*rules)[6].needs_smaps());
  EXPECT_EQ((*rules)[7].absent_findings, std::vector<std::string>{"brk-blocked"});
}

struct BadRules {
  const char* text;
  const char* message;
};

// Each malformed file gives one error naming where and why.
TEST(RulesParse, MalformedFilesNameThePathAndTheCause) {
  const BadRules cases[] = {
      {"", "not valid JSON"},
      {"{", "not valid JSON"},
      {"[]", "(document): not a JSON object"},
      {R"({"rules": []})", "schema: missing or not \"ljmm.rules/v1\""},
      {R"({"schema": "ljmm.rules/v2", "rules": [{"max_mappings": 1}]})", "schema: missing or not"},
      {R"({"schema": "ljmm.rules/v1"})", "rules: missing or empty"},
      {R"({"schema": "ljmm.rules/v1", "rules": []})", "rules: missing or empty"},
      {R"({"schema": "ljmm.rules/v1", "rules": {}})", "rules: missing or empty"},
      {R"({"schema": "ljmm.rules/v1", "rules": [1]})", "rules[0]: 1 is not an object"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{}]})", "rules[0]: not a rule: it needs one of window"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{"name": "x"}]})", "rules[0]: not a rule"},
      {R"({"schema": "ljmm.rules/v1", "extra": 1, "rules": [{"max_mappings": 1}]})", "extra: unknown key"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{"max_mappings": 1}, {"window": ["0x0", "2GiB"], "min_free": "1GB"}]})",
       "rules[1].min_free: \"1GB\" is not a size; use 1GiB or bytes"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{"window": ["0x0", "2GiB"], "min_fre": "1GiB"}]})",
       "rules[0].min_fre: not a key of a window rule"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{"window": ["0x0", "2GiB"]}]})",
       "rules[0]: a window rule needs min_free, min_largest_gap or max_gaps"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{"window": ["2GiB", "0x0"], "min_free": 1}]})",
       "rules[0].window: the range is empty"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{"window": ["0x0"], "min_free": 1}]})",
       "rules[0].window: [\"0x0\"] is not a range"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{"window": ["0xzz", "2GiB"], "min_free": 1}]})",
       "rules[0].window[0]: \"0xzz\" is not an address"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{"window": [true, "2GiB"], "min_free": 1}]})",
       "rules[0].window[0]: true is not an address"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{"window": ["0x0", "2GiB"], "max_mappings": 3, "min_free": 1}]})",
       "rules[0]: \"window\" and \"max_mappings\" belong to different rules"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{"max_mappings": -1}]})",
       "rules[0].max_mappings: -1 is not a non-negative"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{"max_mappings": "many"}]})",
       "rules[0].max_mappings: \"many\" is not a size"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{"max_mappings": null}]})",
       "rules[0].max_mappings: null is not a size"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{"region": ""}]})", "rules[0].region: is empty"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{"region": 5}]})", "rules[0].region: 5 is not a string"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{"region": "x", "must_exist": "yes"}]})",
       "rules[0].must_exist: \"yes\" is not true or false"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{"region": "x", "below": "high"}]})",
       "rules[0].below: \"high\" is not an address"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{"segment": "s9", "max_bytes": 1}]})",
       "rules[0].segment: \"s9\" is not a segment"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{"segment": "heap"}]})", "rules[0]: a segment rule needs max_bytes"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{"absent_findings": []}]})", "rules[0].absent_findings: is not a list"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{"absent_findings": [7]}]})",
       "rules[0].absent_findings[0]: 7 is not a string"},
      {R"({"schema": "ljmm.rules/v1", "rules": [{"max_mappings": 1, "name": 3}]})", "rules[0].name: 3 is not a string"},
      // Found by fuzz_rules: a number too large for a double made the JSON library throw.
      {"{\n  \"schema\": 11E11111111}", "not valid JSON"},
  };
  for (const BadRules& bad : cases) {
    auto rules = parse_rules(bad.text, "rules.json");
    ASSERT_FALSE(rules.ok()) << bad.text;
    EXPECT_EQ(rules.error().code, Errc::malformed) << bad.text;
    EXPECT_NE(rules.error().message.find(bad.message), std::string::npos)
        << "text: " << bad.text << "\nmessage: " << rules.error().message;
    EXPECT_EQ(rules.error().message.rfind("rules.json: ", 0), 0u) << rules.error().message;
    EXPECT_EQ(rules.error().message.find('\n'), std::string::npos) << "one line";
  }
}

std::vector<Check> check(const std::string& rule, const Analysis& analysis) {
  auto rules = parse_rules(rules_with(rule), "inline");
  EXPECT_TRUE(rules.ok()) << (rules.ok() ? "" : rules.error().message);
  return rules.ok() ? evaluate(*rules, analysis) : std::vector<Check>{};
}

TEST(RulesEvaluate, EveryKindPassesAndFails) {
  Analysis analysis = analyze(test::snapshot_from_data_file("threads-pie.smaps"));
  struct Case {
    std::string rule;
    bool passes;
  };
  const Case cases[] = {
      {R"({"window": ["0x10000", "2GiB"], "min_free": "1GiB"})", true},
      {R"({"window": ["0x10000", "2GiB"], "min_free": "3GiB"})", false},
      {R"({"window": ["0x10000", "2GiB"], "max_gaps": 0})", false},
      {R"({"min_brk_room": "1GiB"})", true},
      {R"({"min_brk_room": "1000TiB"})", false},
      {R"({"max_fallback_arenas": 0, "max_fallback_bytes": 0})", true},
      {R"({"forbidden_range": ["0x0", "0x10000"]})", true},
      {R"({"forbidden_range": ["0x7f0000000000", "0x7fffffffffff"]})", false},
      {R"({"max_mappings": 1000})", true},
      {R"({"max_mappings": 10})", false},
      {R"({"region": "libc.so.6", "below": "0x800000000000"})", true},
      {R"({"region": "libc.so.6", "below": "0x400000"})", false},
      {R"({"region": "libc.so.6", "above": "0x800000000000"})", false},
      {R"({"region": "no-such-library.so"})", false},
      {R"({"region": "no-such-library.so", "must_exist": false, "below": "0x1000"})", true},
      {R"({"segment": "s1", "max_bytes": "1MiB", "max_rss": "1MiB", "max_anon": "1MiB"})", true},
      {R"({"segment": "heap", "max_rss": 0})", false},
      {R"({"absent_findings": ["brk-blocked", "map-count-near-limit"]})", true},
      {R"({"absent_findings": ["thread-stacks"]})", false},
  };
  for (const Case& c : cases) {
    std::vector<Check> checks = check(c.rule, analysis);
    ASSERT_FALSE(checks.empty()) << c.rule;
    EXPECT_EQ(all_passed(checks), c.passes) << c.rule << "\n" << checks_text(checks, analysis, false);
  }
}

TEST(RulesEvaluate, SmapsLimitsWithoutSmapsFailSayingWhy) {
  Analysis analysis = analyze(test::snapshot_from_data_file("nonpie.maps"));
  std::vector<Check> checks = check(R"({"segment": "heap", "max_rss": "1GiB"})", analysis);
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_FALSE(checks[0].passed);
  EXPECT_NE(checks[0].measured.find("no smaps"), std::string::npos);
}

TEST(RulesParse, EveryBadRuleIsNamedNotOnlyTheFirst) {
  auto rules = parse_rules(rules_with(R"({"min_brk_room": "1GB"}, {"max_mappings": 5}, {"nothing": 1})"), "bad.json");
  ASSERT_FALSE(rules.ok());
  const std::string& message = rules.error().message;
  EXPECT_NE(message.find("2 bad rules"), std::string::npos) << message;
  EXPECT_NE(message.find("rules[0].min_brk_room"), std::string::npos) << message;
  EXPECT_NE(message.find("rules[2]"), std::string::npos) << message;
  EXPECT_EQ(message.find("rules[1]"), std::string::npos) << message;
}

// A heap rule passes at 0 B when all of malloc's memory sits in fallback regions; this one does not.
TEST(RulesEvaluate, MallocMemoryIsTheHeapPlusTheFallbacks) {
  Analysis analysis = analyze(test::snapshot_from_data_file("nginx-master-brk-hole.maps"));
  uint64_t malloc_bytes = analysis.layout.total(Segment::heap).bytes + analysis.diagnosis.fallbacks.bytes;
  ASSERT_GT(analysis.diagnosis.fallbacks.bytes, 100 * MiB);
  auto rules = parse_rules(rules_with(R"({"max_malloc_bytes": "64MiB"}, {"segment": "heap", "max_bytes": "64MiB"})"),
                           "malloc.json");
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  auto checks = evaluate(*rules, analysis);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_FALSE(checks[0].passed);
  EXPECT_EQ(checks[0].measured_value, malloc_bytes);
  EXPECT_EQ(checks[0].limit_value, 64 * MiB);
  EXPECT_EQ(checks[0].unit, "bytes");
  EXPECT_TRUE(checks[1].passed) << "the heap alone looks fine: that is the trap";
}

}  // namespace
}  // namespace ljmm
