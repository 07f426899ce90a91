#include "json/findings.hpp"
#include "json/parts.hpp"
#include "json/post_mortem.hpp"
#include "json/writer.hpp"
#include "ljmm/json.hpp"
#include "ljmm/version.hpp"

namespace ljmm {

using detail::JsonWriter;

namespace {

const char* source_kind_name(SourceKind kind) {
  switch (kind) {
    case SourceKind::pid: return "pid";
    case SourceKind::maps_file: return "maps_file";
    case SourceKind::snapshot_file: return "snapshot_file";
    case SourceKind::recording: return "recording";
    case SourceKind::core_file: return "core_file";
    case SourceKind::journal: return "journal";
  }
  return "pid";
}

// "fe:00": two hex digits at least, as the kernel prints it (snprintf costs more than the rest).
std::string device_text(uint32_t major, uint32_t minor) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string text;
  auto append = [&](uint32_t number) {
    char digits[8];
    int count = 0;
    do {
      digits[count++] = hex[number & 0xf];
      number >>= 4;
    } while (number != 0);
    if (count < 2) digits[count++] = '0';
    while (count > 0) text.push_back(digits[--count]);
  };
  append(major);
  text.push_back(':');
  append(minor);
  return text;
}

template <class T>
void optional_field(JsonWriter& json, std::string_view name, const std::optional<T>& value) {
  json.key(name);
  if (value) {
    json.value(*value);
  } else {
    json.null();
  }
}

void write_region(JsonWriter& json, const Region& region, Segment segment, RegionRole role) {
  json.begin_object(true);
  detail::write_region_fields(json, region);
  json.plain_field("segment", segment_id(segment)).plain_field("role", region_role_name(role));
  if (!region.smaps.empty()) {
    json.key("smaps").begin_object();
    for (const SmapsField& field : region.smaps) json.field(field.name, field.value);
    json.end_object();
  }
  json.end_object();
}

void write_gap(JsonWriter& json, const Gap& gap) {
  json.begin_object(true);
  json.address_field("start", gap.start).address_field("end", gap.end).field("size", gap.size());
  json.field("segment", segment_id(gap.segment));
  json.key("below");
  gap.below ? json.value(segment_id(*gap.below)) : json.null();
  json.key("above");
  gap.above ? json.value(segment_id(*gap.above)) : json.null();
  json.end_object();
}

void write_segments(JsonWriter& json, const Layout& layout) {
  json.key("segments").begin_array();
  for (Segment segment : all_segments) {
    const SegmentTotal& total = layout.total(segment);
    json.begin_object(true).field("id", segment_id(segment)).field("name", segment_name(segment));
    json.field("regions", total.regions).field("bytes", total.bytes).field("rss", total.rss).field("pss", total.pss);
    json.field("swap", total.swap).field("free_bytes", total.free_bytes).end_object();
  }
  json.end_array();
}

void write_runtime(JsonWriter& json, const std::optional<RuntimeStats>& runtime) {
  json.key("runtime");
  if (!runtime) {
    json.null();
    return;
  }
  json.begin_object()
      .address_field("window_start", runtime->window_start)
      .address_field("window_end", runtime->window_end);
  json.field("reserve_mode", reserve_mode_name(runtime->reserve_mode));
  for (const RuntimeFlag& flag : runtime_flags()) json.field(flag.name, (runtime->flags & flag.flag) != 0);
  json.key("counters").begin_object(true);
  for (const RuntimeCounter& counter : runtime_counters()) json.field(counter.name, runtime->counters.*counter.member);
  json.end_object().end_object();
}

void write_brk_blocker(JsonWriter& json, const Snapshot& snapshot, const Diagnosis& diagnosis) {
  json.key("brk_blocker");
  if (!diagnosis.blocker) {
    json.null();
    return;
  }
  const Region& region = snapshot.regions[*diagnosis.brk.blocker];
  json.begin_object(true).address_field("start", region.start).address_field("end", region.end);
  json.field("size", region.size()).field("perms", region.perms.str());
  json.field("owner", blocker_owner_name(diagnosis.blocker->owner)).field("name", diagnosis.blocker->name);
  json.field("description", diagnosis.blocker->description).end_object();
}

}  // namespace

namespace detail {

void write_process(JsonWriter& json, const ProcessInfo& process) {
  json.key("process").begin_object();
  json.field("pid", process.pid).field("comm", process.comm).field("exe", process.exe);
  optional_field(json, "pie", process.pie);
  json.field("state", std::string_view(&process.state, 1));
  json.address_field("start_code", process.start_code).address_field("end_code", process.end_code);
  json.address_field("start_data", process.start_data).address_field("end_data", process.end_data);
  json.address_field("start_brk", process.start_brk).address_field("brk", process.brk);
  json.field("brk_source", brk_source_name(process.brk_source));
  json.address_field("start_stack", process.start_stack);
  optional_field(json, "addr_no_randomize", process.addr_no_randomize);
  json.end_object();
}

void write_system(JsonWriter& json, const SystemInfo& system) {
  json.key("system").begin_object();
  json.field("page_size", system.page_size).address_field("mmap_min_addr", system.mmap_min_addr);
  json.field("randomize_va_space", system.randomize_va_space).field("max_map_count", system.max_map_count);
  json.field("kernel", system.kernel).end_object();
}

void write_region_fields(JsonWriter& json, const Region& region) {
  json.address_field("start", region.start).address_field("end", region.end).field("size", region.size());
  json.plain_field("perms", region.perms.str()).field("offset", region.offset);
  json.plain_field("dev", device_text(region.dev_major, region.dev_minor)).field("inode", region.inode);
  json.plain_field("kind", region_kind_name(region.kind)).field("path", region.path).field("deleted", region.deleted);
  if (region.kind == RegionKind::thread_stack) json.field("thread_id", region.thread_id);
  if (region.declared_bss) json.field("declared_bss", *region.declared_bss);
  if (!region.smaps.vm_flags().empty()) json.field("vm_flags", region.smaps.vm_flags());
}

}  // namespace detail

namespace {

void write_snapshot(JsonWriter& json, const Analysis& analysis, bool with_regions) {
  const Snapshot& snapshot = analysis.snapshot;
  const Layout& layout = analysis.layout;
  json.begin_object();
  json.field("schema", snapshot_schema);
  json.key("tool").begin_object().field("name", "ljmm").field("version", version()).end_object();
  json.field("taken_at_unix_ms", snapshot.taken_at_unix_ms);
  json.key("source").begin_object().field("kind", source_kind_name(snapshot.source.kind));
  json.field("pid", snapshot.source.pid).field("path", snapshot.source.path).end_object();
  detail::write_process(json, snapshot.process);
  detail::write_system(json, snapshot.system);
  json.field("has_smaps", snapshot.has_smaps);
  json.address_field("user_top", layout.user_top);
  write_runtime(json, snapshot.runtime);
  detail::write_post_mortem(json, snapshot.post_mortem);
  write_brk_blocker(json, snapshot, analysis.diagnosis);
  json.field("regions_left_out", !with_regions);
  json.key("regions").begin_array();
  for (size_t i = 0; with_regions && i < snapshot.regions.size(); ++i)
    write_region(json, snapshot.regions[i], layout.segment_of[i], analysis.diagnosis.role_of[i]);
  json.end_array();
  json.key("gaps").begin_array();
  if (with_regions)
    for (const Gap& gap : layout.gaps) write_gap(json, gap);
  json.end_array();
  write_segments(json, layout);
  detail::write_findings(json, analysis.findings());
  json.end_object();
}

}  // namespace

std::string snapshot_to_json(const Analysis& analysis, int indent, bool with_regions) {
  JsonWriter json(indent);
  // About 230 bytes a region without smaps, 650 with: one allocation instead of many copies.
  json.reserve(analysis.snapshot.regions.size() * (analysis.snapshot.has_smaps ? 700 : 256) + 64 * 1024);
  write_snapshot(json, analysis, with_regions);
  return json.take();
}

void write_snapshot_json(const Analysis& analysis, const TextSink& sink, int indent, bool with_regions) {
  JsonWriter json(indent, sink);
  write_snapshot(json, analysis, with_regions);
}

}  // namespace ljmm
