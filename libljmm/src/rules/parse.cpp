// Reading an "ljmm.rules/v1" document. A rule's kind is the one kind key it has; every other key
// must belong to that kind. Errors name the JSON path and say what was expected.
#include <fmt/format.h>

#include <algorithm>

#include "json/fields.hpp"
#include "ljmm/proc.hpp"
#include "ljmm/rules.hpp"

namespace ljmm {

const char* rule_kind_name(RuleKind kind) {
  switch (kind) {
    case RuleKind::window: return "window";
    case RuleKind::brk_room: return "brk_room";
    case RuleKind::fallbacks: return "fallbacks";
    case RuleKind::malloc: return "malloc";
    case RuleKind::forbidden_range: return "forbidden_range";
    case RuleKind::mappings: return "mappings";
    case RuleKind::region: return "region";
    case RuleKind::segment: return "segment";
    case RuleKind::findings: return "findings";
  }
  return "?";
}

namespace {

using namespace detail::json_fields;

struct KindKeys {
  RuleKind kind;
  std::vector<std::string_view> identifying;  // any one of these makes a rule of this kind
  std::vector<std::string_view> allowed;      // the keys it may have besides "name"
};

const std::vector<KindKeys>& kinds() {
  static const std::vector<KindKeys> table = {
      {RuleKind::window, {"window"}, {"window", "min_free", "min_largest_gap", "max_gaps"}},
      {RuleKind::brk_room, {"min_brk_room"}, {"min_brk_room"}},
      {RuleKind::fallbacks,
       {"max_fallback_arenas", "max_fallback_bytes"},
       {"max_fallback_arenas", "max_fallback_bytes"}},
      {RuleKind::malloc, {"max_malloc_bytes"}, {"max_malloc_bytes"}},
      {RuleKind::forbidden_range, {"forbidden_range"}, {"forbidden_range"}},
      {RuleKind::mappings, {"max_mappings"}, {"max_mappings"}},
      {RuleKind::region, {"region"}, {"region", "must_exist", "below", "above"}},
      {RuleKind::segment, {"segment"}, {"segment", "max_bytes", "max_rss", "max_anon"}},
      {RuleKind::findings, {"absent_findings"}, {"absent_findings"}},
  };
  return table;
}

std::string list(const std::vector<std::string_view>& names) {
  std::string text;
  for (std::string_view name : names) text += (text.empty() ? "" : ", ") + std::string(name);
  return text;
}

Result<const KindKeys*> kind_of(const json& rule, const std::string& where) {
  const KindKeys* found = nullptr;
  std::string first_key;
  std::vector<std::string_view> every;
  for (const KindKeys& kind : kinds()) {
    for (std::string_view key : kind.identifying) {
      every.push_back(key);
      if (!rule.contains(key)) continue;
      if (found && found != &kind)
        return bad(where, fmt::format("\"{}\" and \"{}\" belong to different rules; write two rules", first_key, key));
      found = &kind;
      if (first_key.empty()) first_key = key;
    }
  }
  if (!found) return bad(where, fmt::format("not a rule: it needs one of {}", list(every)));
  return found;
}

Result<std::pair<uint64_t, uint64_t>> range(const json& value, const std::string& where) {
  if (!value.is_array() || value.size() != 2)
    return bad(where, fmt::format("{} is not a range; use [\"0x10000\", \"2GiB\"]", describe(value)));
  uint64_t ends[2];
  for (size_t i = 0; i < 2; ++i) {
    auto address =
        value[i].is_number() ? as_uint(value[i], element(where, i)) : as_address(value[i], element(where, i));
    if (!address) return address.error();
    ends[i] = *address;
  }
  if (ends[0] >= ends[1]) return bad(where, "the range is empty: its end is not above its start");
  return std::pair(ends[0], ends[1]);
}

// Reads an optional size/count member into `target`.
Status optional_size(const json& rule, std::string_view key, const std::string& where,
                     std::optional<uint64_t>& target) {
  auto it = rule.find(key);
  if (it == rule.end()) return {};
  auto value = as_size(*it, child(where, key));
  if (!value) return value.error();
  target = *value;
  return {};
}

Status optional_address(const json& rule, std::string_view key, const std::string& where,
                        std::optional<uint64_t>& target) {
  auto it = rule.find(key);
  if (it == rule.end()) return {};
  auto value = it->is_number() ? as_uint(*it, child(where, key)) : as_address(*it, child(where, key));
  if (!value) return value.error();
  target = *value;
  return {};
}

Status read_limits(const json& object, Rule& rule, const std::string& where) {
  for (auto [key, target] : {std::pair<std::string_view, std::optional<uint64_t>*>{"min_free", &rule.min_free},
                             {"min_largest_gap", &rule.min_largest_gap},
                             {"max_gaps", &rule.max_gaps},
                             {"min_brk_room", &rule.min_brk_room},
                             {"max_fallback_arenas", &rule.max_fallback_arenas},
                             {"max_fallback_bytes", &rule.max_fallback_bytes},
                             {"max_malloc_bytes", &rule.max_malloc_bytes},
                             {"max_mappings", &rule.max_mappings},
                             {"max_bytes", &rule.max_bytes},
                             {"max_rss", &rule.max_rss},
                             {"max_anon", &rule.max_anon}}) {
    if (Status read = optional_size(object, key, where, *target); !read) return read;
  }
  if (Status read = optional_address(object, "below", where, rule.below); !read) return read;
  return optional_address(object, "above", where, rule.above);
}

Status read_kind_fields(const json& object, Rule& rule, const std::string& where) {
  switch (rule.kind) {
    case RuleKind::window:
    case RuleKind::forbidden_range: {
      std::string key = rule.kind == RuleKind::window ? "window" : "forbidden_range";
      auto bounds = range(object[key], child(where, key));
      if (!bounds) return bounds.error();
      std::tie(rule.start, rule.end) = *bounds;
      if (rule.kind == RuleKind::window && !rule.min_free && !rule.min_largest_gap && !rule.max_gaps)
        return bad(where, "a window rule needs min_free, min_largest_gap or max_gaps");
      return {};
    }
    case RuleKind::region: {
      auto name = as_string(object["region"], child(where, "region"));
      if (!name) return name.error();
      if (name->empty()) return bad(child(where, "region"), "is empty; give part of a mapping's name");
      rule.region = *name;
      if (object.contains("must_exist")) {
        auto must = as_bool(object["must_exist"], child(where, "must_exist"));
        if (!must) return must.error();
        rule.must_exist = *must;
      }
      return {};
    }
    case RuleKind::segment: {
      auto name = as_string(object["segment"], child(where, "segment"));
      if (!name) return name.error();
      std::optional<Segment> segment = parse_segment(*name);
      if (!segment)
        return bad(child(where, "segment"),
                   fmt::format("\"{}\" is not a segment; use s1..s8 or a name such as heap", *name));
      rule.segment = *segment;
      if (!rule.max_bytes && !rule.max_rss && !rule.max_anon)
        return bad(where, "a segment rule needs max_bytes, max_rss or max_anon");
      return {};
    }
    case RuleKind::findings: {
      const json& ids = object["absent_findings"];
      std::string key = child(where, "absent_findings");
      if (!ids.is_array() || ids.empty()) return bad(key, "is not a list of finding ids such as [\"brk-blocked\"]");
      for (size_t i = 0; i < ids.size(); ++i) {
        auto id = as_string(ids[i], element(key, i));
        if (!id) return id.error();
        rule.absent_findings.push_back(*id);
      }
      return {};
    }
    case RuleKind::brk_room:
    case RuleKind::fallbacks:
    case RuleKind::malloc:
    case RuleKind::mappings: return {};
  }
  return {};
}

std::string default_name(const Rule& rule) {
  switch (rule.kind) {
    case RuleKind::window: return fmt::format("window [{:#x}, {:#x})", rule.start, rule.end);
    case RuleKind::forbidden_range: return fmt::format("nothing mapped in [{:#x}, {:#x})", rule.start, rule.end);
    case RuleKind::brk_room: return "brk room";
    case RuleKind::fallbacks: return "malloc fallbacks";
    case RuleKind::malloc: return "malloc memory (heap and fallbacks)";
    case RuleKind::mappings: return "mapping count";
    case RuleKind::region: return fmt::format("region {}", rule.region);
    case RuleKind::segment: return fmt::format("segment {} {}", segment_id(rule.segment), segment_name(rule.segment));
    case RuleKind::findings: return "absent findings";
  }
  return "rule";
}

Result<Rule> read_rule(const json& object, size_t index) {
  std::string where = element("rules", index);
  if (!object.is_object()) return bad(where, fmt::format("{} is not an object", describe(object)));
  auto kind = kind_of(object, where);
  if (!kind) return kind.error();
  for (const auto& [key, value] : object.items()) {
    if (key == "name") continue;
    const auto& allowed = (*kind)->allowed;
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      return bad(child(where, key), fmt::format("not a key of a {} rule; it takes name, {}",
                                                rule_kind_name((*kind)->kind), list(allowed)));
  }
  Rule rule;
  rule.index = index;
  rule.kind = (*kind)->kind;
  if (Status limits = read_limits(object, rule, where); !limits) return limits.error();
  if (Status fields = read_kind_fields(object, rule, where); !fields) return fields.error();
  rule.name = default_name(rule);
  if (object.contains("name")) {
    auto name = as_string(object["name"], child(where, "name"));
    if (!name) return name.error();
    rule.name = *name;
  }
  return rule;
}

}  // namespace

Result<std::vector<Rule>> parse_rules(std::string_view text, const std::string& origin) {
  auto document = parse_document(text, origin);
  if (!document) return document.error();
  auto prefixed = [&](const Error& error) {
    return make_error(error.code, fmt::format("{}: {}", origin, error.message));
  };
  if (!document->is_object()) return prefixed(bad("(document)", "not a JSON object"));
  auto schema = document->find("schema");
  if (schema == document->end() || *schema != rules_schema)
    return prefixed(bad("schema", fmt::format("missing or not \"{}\"", rules_schema)));
  for (const auto& [key, value] : document->items())
    if (key != "schema" && key != "rules") return prefixed(bad(key, "unknown key; a rules file has schema and rules"));
  auto rules = document->find("rules");
  if (rules == document->end() || !rules->is_array() || rules->empty())
    return prefixed(bad("rules", "missing or empty; give a list of rules"));
  std::vector<Rule> parsed;
  std::vector<std::string> errors;  // every bad rule, so one run shows all there is to fix
  for (size_t i = 0; i < rules->size(); ++i) {
    Result<Rule> rule = bad(element("rules", i), "unreadable");
    try {
      rule = read_rule((*rules)[i], i);
    } catch (const json::exception& error) {  // a value of a type no check expected
      rule = bad(element("rules", i), error.what());
    }
    if (rule)
      parsed.push_back(std::move(rule).value());
    else
      errors.push_back(rule.error().message);
  }
  if (errors.size() == 1) return prefixed(make_error(Errc::malformed, errors.front()));
  if (!errors.empty()) {
    std::string message = fmt::format("{} bad rules:", errors.size());
    for (const std::string& error : errors) message += "\n  " + error;
    return prefixed(make_error(Errc::malformed, message));
  }
  return parsed;
}

Result<std::vector<Rule>> load_rules_file(const std::string& path) {
  auto text = read_text_file(path, path);
  if (!text) return text.error();
  return parse_rules(*text, path);
}

}  // namespace ljmm
