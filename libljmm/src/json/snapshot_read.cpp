// Reads an "ljmm.snapshot/v1" document back into a Snapshot.
#include <cstdio>

#include "json/fields.hpp"
#include "json/parts.hpp"
#include "json/post_mortem.hpp"
#include "ljmm/json.hpp"
#include "ljmm/proc.hpp"

namespace ljmm {

namespace {

using namespace detail::json_fields;

// Shorthands that keep the field readers below one line per field.
#define LJMM_TRY_ASSIGN(target, expression) \
  do {                                      \
    auto value_ = (expression);             \
    if (!value_) return value_.error();     \
    target = std::move(value_).value();     \
  } while (0)

Result<uint64_t> address_member(const json& object, std::string_view key, const std::string& where) {
  auto value = member(object, key, where);
  if (!value) return value.error();
  return as_address(**value, child(where, key));
}

Result<uint64_t> uint_member(const json& object, std::string_view key, const std::string& where) {
  auto value = member(object, key, where);
  if (!value) return value.error();
  return as_uint(**value, child(where, key));
}

std::string string_or_empty(const json& object, std::string_view key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<bool> optional_bool(const json& object, std::string_view key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

Result<RegionKind> parse_kind(const std::string& text, const std::string& where) {
  static constexpr RegionKind kinds[] = {RegionKind::anonymous,  RegionKind::file,         RegionKind::heap,
                                         RegionKind::stack,      RegionKind::thread_stack, RegionKind::vdso,
                                         RegionKind::vvar,       RegionKind::vsyscall,     RegionKind::anon_named,
                                         RegionKind::anon_shmem, RegionKind::special};
  for (RegionKind kind : kinds)
    if (text == region_kind_name(kind)) return kind;
  return bad(where, fmt::format("\"{}\" is not a region kind", text));
}

}  // namespace

Result<Region> detail::read_region(const json& object, const std::string& where) {
  if (!object.is_object()) return bad(where, "not an object");
  Region region;
  LJMM_TRY_ASSIGN(region.start, address_member(object, "start", where));
  LJMM_TRY_ASSIGN(region.end, address_member(object, "end", where));
  if (region.end <= region.start) return bad(where, "end is not above start");
  std::string perms;
  LJMM_TRY_ASSIGN(perms, as_string(object.value("perms", json()), child(where, "perms")));
  if (perms.size() != 4) return bad(child(where, "perms"), fmt::format("\"{}\" is not like \"rw-p\"", perms));
  region.perms = Perms{perms[0] == 'r', perms[1] == 'w', perms[2] == 'x', perms[3] == 's'};
  LJMM_TRY_ASSIGN(region.offset, uint_member(object, "offset", where));
  LJMM_TRY_ASSIGN(region.inode, uint_member(object, "inode", where));
  unsigned major = 0, minor = 0;
  if (std::sscanf(string_or_empty(object, "dev").c_str(), "%x:%x", &major, &minor) == 2) {
    region.dev_major = major;
    region.dev_minor = minor;
  }
  std::string kind;
  LJMM_TRY_ASSIGN(kind, as_string(object.value("kind", json()), child(where, "kind")));
  LJMM_TRY_ASSIGN(region.kind, parse_kind(kind, child(where, "kind")));
  region.path = string_or_empty(object, "path");
  region.deleted = optional_bool(object, "deleted").value_or(false);
  region.thread_id = object.value("thread_id", 0);
  if (object.contains("declared_bss")) {
    LJMM_TRY_ASSIGN(region.declared_bss, uint_member(object, "declared_bss", where));
  }
  if (auto smaps = object.find("smaps"); smaps != object.end() && smaps->is_object()) {
    for (const auto& [name, value] : smaps->items()) {
      SmapsField field{name, 0};
      LJMM_TRY_ASSIGN(field.value, as_uint(value, child(child(where, "smaps"), name)));
      region.smaps.add(std::move(field));
    }
  }
  if (std::string flags = string_or_empty(object, "vm_flags"); !flags.empty()) region.smaps.set_vm_flags(flags);
  return region;
}

Status detail::read_process(const json& document, ProcessInfo& process) {
  auto object = member(document, "process", "");
  if (!object) return object.error();
  const json& p = **object;
  if (!p.is_object()) return bad("process", "not an object");
  process.pid = p.value("pid", 0);
  process.comm = string_or_empty(p, "comm");
  process.exe = string_or_empty(p, "exe");
  process.pie = optional_bool(p, "pie");
  process.addr_no_randomize = optional_bool(p, "addr_no_randomize");
  std::string state = string_or_empty(p, "state");
  process.state = state.empty() ? '?' : state[0];
  process.brk_source = parse_brk_source(string_or_empty(p, "brk_source")).value_or(BrkSource::unknown);
  struct {
    const char* key;
    uint64_t* target;
  } addresses[] = {{"start_code", &process.start_code},  {"end_code", &process.end_code},
                   {"start_data", &process.start_data},  {"end_data", &process.end_data},
                   {"start_brk", &process.start_brk},    {"brk", &process.brk},
                   {"start_stack", &process.start_stack}};
  for (auto& [key, target] : addresses)
    if (p.contains(key)) LJMM_TRY_ASSIGN(*target, address_member(p, key, "process"));
  return {};
}

Status detail::read_system(const json& document, SystemInfo& system) {
  auto it = document.find("system");
  if (it == document.end()) return {};
  const json& s = *it;
  if (!s.is_object()) return bad("system", "not an object");
  if (s.contains("page_size")) LJMM_TRY_ASSIGN(system.page_size, uint_member(s, "page_size", "system"));
  if (system.page_size == 0) return bad("system.page_size", "0 is not a page size");
  if (s.contains("mmap_min_addr")) LJMM_TRY_ASSIGN(system.mmap_min_addr, address_member(s, "mmap_min_addr", "system"));
  if (s.contains("max_map_count")) LJMM_TRY_ASSIGN(system.max_map_count, uint_member(s, "max_map_count", "system"));
  system.randomize_va_space = s.value("randomize_va_space", -1);
  system.kernel = string_or_empty(s, "kernel");
  return {};
}

namespace {

Result<std::optional<RuntimeStats>> read_runtime(const json& document) {
  auto it = document.find("runtime");
  if (it == document.end() || it->is_null()) return std::optional<RuntimeStats>();
  if (!it->is_object()) return bad("runtime", "not an object");
  RuntimeStats runtime;
  LJMM_TRY_ASSIGN(runtime.window_start, address_member(*it, "window_start", "runtime"));
  LJMM_TRY_ASSIGN(runtime.window_end, address_member(*it, "window_end", "runtime"));
  runtime.reserve_mode = parse_reserve_mode(string_or_empty(*it, "reserve_mode")).value_or(LJMM_RESERVE_NONE);
  for (const RuntimeFlag& flag : runtime_flags())
    if (optional_bool(*it, flag.name).value_or(false)) runtime.flags |= flag.flag;
  auto counters = member(*it, "counters", "runtime");
  if (!counters) return counters.error();
  for (const RuntimeCounter& counter : runtime_counters()) {
    if ((*counters)->contains(counter.name))
      LJMM_TRY_ASSIGN(runtime.counters.*counter.member, uint_member(**counters, counter.name, "runtime.counters"));
  }
  return std::optional<RuntimeStats>(runtime);
}

Result<Snapshot> read_document(const json& document) {
  if (!document.is_object()) return bad("(document)", "not a JSON object");
  auto schema = document.find("schema");
  if (schema == document.end() || !schema->is_string() || *schema != snapshot_schema)
    return bad("schema", fmt::format("expected \"{}\"", snapshot_schema));
  Snapshot snapshot;
  if (Status status = detail::read_process(document, snapshot.process); !status) return status.error();
  if (Status status = detail::read_system(document, snapshot.system); !status) return status.error();
  snapshot.has_smaps = optional_bool(document, "has_smaps").value_or(false);
  LJMM_TRY_ASSIGN(snapshot.runtime, read_runtime(document));
  LJMM_TRY_ASSIGN(snapshot.post_mortem, detail::read_post_mortem(document));
  snapshot.taken_at_unix_ms = document.value("taken_at_unix_ms", int64_t{0});
  if (auto source = document.find("source"); source != document.end() && source->is_object())
    snapshot.source.pid = source->value("pid", 0);
  auto regions = member(document, "regions", "");
  if (!regions) return regions.error();
  if (!(*regions)->is_array()) return bad("regions", "not an array");
  for (size_t i = 0; i < (*regions)->size(); ++i) {
    auto region = detail::read_region((**regions)[i], element("regions", i));
    if (!region) return region.error();
    if (!snapshot.regions.empty() && region->start < snapshot.regions.back().end)
      return bad(element("regions", i), "overlaps or precedes the region before");
    snapshot.regions.push_back(std::move(region).value());
  }
  return snapshot;
}

#undef LJMM_TRY_ASSIGN

}  // namespace

Result<Snapshot> snapshot_from_json(std::string_view text, const std::string& origin) {
  auto document = parse_document(text, origin);
  if (!document) return document.error();
  Result<Snapshot> snapshot = make_error(Errc::malformed, "");
  try {
    snapshot = read_document(*document);
  } catch (const json::exception& error) {  // a field of the wrong type deep inside
    snapshot = make_error(Errc::malformed, error.what());
  }
  if (!snapshot) return with_context(snapshot.error(), origin, Errc::malformed);
  snapshot->source.kind = SourceKind::snapshot_file;
  snapshot->source.path = origin;
  return snapshot;
}

Result<Snapshot> load_snapshot_file(const std::string& path) {
  auto text = read_text_file(path, path);
  if (!text) return text.error();
  return snapshot_from_json(*text, path);
}

}  // namespace ljmm
