// A snapshot from systemd-coredump's journal entry: the maps text it saved at the crash, with
// the facts of its status and auxv fields.
#include <elf.h>
#include <fmt/format.h>

#include <cstring>

#include "ljmm/postmortem.hpp"
#include "ljmm/process.hpp"
#include "ljmm/units.hpp"
#include "postmortem/unseen.hpp"

namespace ljmm {

namespace {

// /proc/PID/auxv is pairs of words of the process's own size: try 64-bit first, and take
// 32-bit when that gives no page size.
void read_auxv(std::string_view raw, PostMortem& facts) {
  for (size_t word : {size_t{8}, size_t{4}}) {
    PostMortem found;
    for (size_t at = 0; at + 2 * word <= raw.size(); at += 2 * word) {
      uint64_t type = 0, value = 0;
      std::memcpy(&type, raw.data() + at, word);
      std::memcpy(&value, raw.data() + at + word, word);
      if (type == AT_NULL) break;
      if (type == AT_PHDR) found.at_phdr = value;
      if (type == AT_BASE) found.at_base = value;
      if (type == AT_SYSINFO_EHDR) found.at_sysinfo_ehdr = value;
      if (type == AT_PAGESZ) found.at_pagesz = value;
    }
    if (found.at_pagesz == 4096 || found.at_pagesz == 2 * MiB || found.at_pagesz == 64 * KiB) {
      facts.at_phdr = found.at_phdr;
      facts.at_base = found.at_base;
      facts.at_sysinfo_ehdr = found.at_sysinfo_ehdr;
      facts.at_pagesz = found.at_pagesz;
      return;
    }
  }
}

void add(std::vector<Unseen>& unseen, std::string id, uint64_t count, std::string text) {
  unseen.push_back(Unseen{std::move(id), count, std::move(text)});
}

}  // namespace

Result<Snapshot> snapshot_crash(const CrashRecord& record) {
  std::string what = fmt::format("the crash of pid {} ({})", record.pid, record.exe);
  if (!record.proc_maps)
    return make_error(Errc::not_found, what + ": its entry has no COREDUMP_PROC_MAPS field (systemd before 248, "
                                              "or a process whose maps could not be read)");
  // A field cut short ends in the middle of a line: keep the whole lines, say where it stops.
  std::string_view maps = *record.proc_maps;
  size_t whole = maps.rfind('\n');
  bool cut = !maps.empty() && maps.back() != '\n';
  if (cut) maps = maps.substr(0, whole == std::string_view::npos ? 0 : whole + 1);
  Source source{SourceKind::journal, record.pid, record.cursor};
  Snapshot snapshot;
  if (!maps.empty()) {
    auto parsed = snapshot_maps_text(maps, source);
    if (!parsed) return with_context(parsed.error(), what);
    snapshot = std::move(parsed).value();
  }
  if (snapshot.regions.empty()) return make_error(Errc::malformed, what + ": its COREDUMP_PROC_MAPS field is empty");
  snapshot.source = source;
  snapshot.process.pid = record.pid;
  snapshot.process.comm = record.comm;
  if (!record.exe.empty()) snapshot.process.exe = record.exe;
  infer_process_facts(snapshot);

  PostMortem& facts = snapshot.post_mortem.emplace();
  facts.writer = "systemd-coredump";
  facts.signal = record.signal;
  facts.crashed_at_unix_ms = record.time_unix_ms;
  facts.command_line = record.command_line;
  facts.thread_count = parse_status_field(record.proc_status, "Threads").value_or(0);
  read_auxv(record.proc_auxv, facts);
  if (facts.at_pagesz != 0) snapshot.system.page_size = facts.at_pagesz;
  if (cut)
    add(facts.unseen, "maps-truncated", 0,
        fmt::format("the COREDUMP_PROC_MAPS field is cut off after {} whole lines ({}): the mappings above {:#x} "
                    "are missing",
                    snapshot.regions.size(), format_size(record.proc_maps->size()), snapshot.regions.back().end));
  add(facts.unseen, "break-unknown", 0,
      "a journal entry keeps no memory: the break is taken from [heap], not from glibc's __curbrk");
  add(facts.unseen, "machine-settings-unknown", 0, detail::machine_settings_text(snapshot.system, "the entry"));
  if (record.core_truncated)
    add(facts.unseen, "core-truncated", 0, "the stored core was cut at systemd-coredump's size limit");
  return snapshot;
}

}  // namespace ljmm
