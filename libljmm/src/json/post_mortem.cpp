#include "json/post_mortem.hpp"

#include "ljmm/process.hpp"

namespace ljmm::detail {

using namespace json_fields;

void write_post_mortem(JsonWriter& json, const std::optional<PostMortem>& post_mortem) {
  json.key("post_mortem");
  if (!post_mortem) {
    json.null();
    return;
  }
  const PostMortem& facts = *post_mortem;
  json.begin_object().field("writer", facts.writer).field("signal", facts.signal);
  json.field("signal_name", facts.signal ? signal_name(facts.signal) : std::string());
  json.field("crashed_at_unix_ms", facts.crashed_at_unix_ms).field("command_line", facts.command_line);
  json.field("thread_count", facts.thread_count).key("thread_ids").begin_array();
  for (int tid : facts.thread_ids) json.value(tid);
  json.end_array();
  json.key("auxv").begin_object(true).address_field("at_phdr", facts.at_phdr).address_field("at_base", facts.at_base);
  json.address_field("at_sysinfo_ehdr", facts.at_sysinfo_ehdr).field("at_pagesz", facts.at_pagesz);
  json.field("at_execfn", facts.at_execfn).end_object();
  json.key("unseen").begin_array();
  for (const Unseen& unseen : facts.unseen)
    json.begin_object(true).field("id", unseen.id).field("count", unseen.count).field("text", unseen.text).end_object();
  json.end_array().end_object();
}

namespace {

std::string text_of(const json& object, std::string_view key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

uint64_t address_of(const json& object, std::string_view key, const std::string& where, Status& status) {
  auto it = object.find(key);
  if (it == object.end()) return 0;
  auto value = as_address(*it, child(where, key));
  if (!value) status = value.error();
  return value ? *value : 0;
}

}  // namespace

Result<std::optional<PostMortem>> read_post_mortem(const json& document) {
  auto it = document.find("post_mortem");
  if (it == document.end() || it->is_null()) return std::optional<PostMortem>();
  if (!it->is_object()) return bad("post_mortem", "not an object");
  PostMortem facts;
  facts.writer = text_of(*it, "writer");
  facts.signal = it->value("signal", 0);
  facts.crashed_at_unix_ms = it->value("crashed_at_unix_ms", int64_t{0});
  facts.command_line = text_of(*it, "command_line");
  facts.thread_count = it->value("thread_count", uint64_t{0});
  if (auto ids = it->find("thread_ids"); ids != it->end() && ids->is_array())
    for (const json& id : *ids) facts.thread_ids.push_back(id.get<int>());
  Status status;
  if (auto auxv = it->find("auxv"); auxv != it->end() && auxv->is_object()) {
    facts.at_phdr = address_of(*auxv, "at_phdr", "post_mortem.auxv", status);
    facts.at_base = address_of(*auxv, "at_base", "post_mortem.auxv", status);
    facts.at_sysinfo_ehdr = address_of(*auxv, "at_sysinfo_ehdr", "post_mortem.auxv", status);
    facts.at_pagesz = auxv->value("at_pagesz", uint64_t{0});
    facts.at_execfn = text_of(*auxv, "at_execfn");
  }
  if (!status) return status.error();
  if (auto unseen = it->find("unseen"); unseen != it->end() && unseen->is_array())
    for (const json& entry : *unseen)
      facts.unseen.push_back(Unseen{text_of(entry, "id"), entry.value("count", uint64_t{0}), text_of(entry, "text")});
  return std::optional<PostMortem>(std::move(facts));
}

}  // namespace ljmm::detail
