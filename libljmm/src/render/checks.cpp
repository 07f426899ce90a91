// Check results as PASS/FAIL lines, as an ljmm.check/v1 document, and as JUnit XML for CI systems.
#include <fmt/format.h>

#include <algorithm>

#include "json/writer.hpp"
#include "ljmm/rules.hpp"
#include "ljmm/version.hpp"
#include "render/style.hpp"
#include "render/xml_escape.hpp"

namespace ljmm {

using detail::xml_escape;

namespace {

size_t failures(const std::vector<Check>& checks) {
  return static_cast<size_t>(std::count_if(checks.begin(), checks.end(), [](const Check& c) { return !c.passed; }));
}

std::string target_description(const Analysis& analysis) {
  const Snapshot& snapshot = analysis.snapshot;
  std::string text = snapshot.source.description();
  if (!snapshot.process.exe.empty()) text += " " + snapshot.process.exe;
  return text;
}

}  // namespace

std::string checks_text(const std::vector<Check>& checks, const Analysis& analysis, bool color) {
  detail::TextStyle style(color);
  std::string out = fmt::format("ljmm-check: {}\n", target_description(analysis));
  for (const Check& check : checks) {
    std::string verdict = style.verdict(check.passed, check.passed ? "PASS" : "FAIL");
    out += fmt::format("{} rules[{}] {}: {}: {} (limit {})\n", verdict, check.rule_index, check.rule_name, check.check,
                       check.measured, check.limit);
  }
  size_t failed = failures(checks);
  out += fmt::format("{} of {} checks passed{}\n", checks.size() - failed, checks.size(),
                     failed ? fmt::format(", {} failed", failed) : "");
  return out;
}

std::string checks_json(const std::vector<Check>& checks, const Analysis& analysis) {
  detail::JsonWriter json;
  json.begin_object().field("schema", check_schema);
  json.key("tool").begin_object().field("name", "ljmm").field("version", version()).end_object();
  json.key("target").begin_object().field("description", target_description(analysis));
  json.field("pid", analysis.snapshot.process.pid).field("exe", analysis.snapshot.process.exe).end_object();
  json.field("passed", all_passed(checks)).field("total", static_cast<uint64_t>(checks.size()));
  json.field("failed", static_cast<uint64_t>(failures(checks)));
  json.key("checks").begin_array();
  for (const Check& check : checks) {
    json.begin_object(true).field("rule", static_cast<uint64_t>(check.rule_index)).field("name", check.rule_name);
    json.field("check", check.check).field("passed", check.passed).field("measured", check.measured);
    json.field("limit", check.limit);
    bool address = check.unit == "address";
    json.key("measured_value");
    !check.measured_value ? json.null()
    : address             ? json.address(*check.measured_value)
                          : json.value(*check.measured_value);
    json.key("limit_value");
    !check.limit_value ? json.null() : address ? json.address(*check.limit_value) : json.value(*check.limit_value);
    json.key("unit");
    check.unit.empty() ? json.null() : json.value(check.unit);
    json.end_object();
  }
  json.end_array().end_object();
  return json.take();
}

std::string checks_junit(const std::vector<Check>& checks, const Analysis& analysis, const std::string& suite_name) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out +=
      fmt::format("<testsuites name=\"ljmm-check\" tests=\"{}\" failures=\"{}\">\n", checks.size(), failures(checks));
  out += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n",
                     xml_escape(suite_name), checks.size(), failures(checks));
  out += fmt::format("    <properties><property name=\"target\" value=\"{}\"/></properties>\n",
                     xml_escape(target_description(analysis)));
  for (const Check& check : checks) {
    std::string name = fmt::format("rules[{}] {}: {}", check.rule_index, check.rule_name, check.check);
    out += fmt::format("    <testcase classname=\"ljmm.rules\" name=\"{}\"", xml_escape(name));
    if (check.passed) {
      out += fmt::format("><system-out>{} (limit {})</system-out></testcase>\n", xml_escape(check.measured),
                         xml_escape(check.limit));
    } else {
      out += fmt::format("><failure message=\"{} (limit {})\" type=\"{}\"/></testcase>\n", xml_escape(check.measured),
                         xml_escape(check.limit), xml_escape(check.check));
    }
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace ljmm
