#include "postmortem/unseen.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "ljmm/units.hpp"

namespace ljmm::detail {

namespace {

void add(std::vector<Unseen>& unseen, std::string id, uint64_t count, std::string text) {
  unseen.push_back(Unseen{std::move(id), count, std::move(text)});
}

void add_file_note(const CoreFile& core, const CoreGaps& gaps, const Snapshot& snapshot, std::vector<Unseen>& unseen) {
  uint64_t mappings = core.loads.size();
  if (!core.has_file_note) {
    uint64_t needed = mappings * file_note_bytes_per_mapping;
    std::string why =
        core.written_by_gdb || needed < default_file_note_limit
            ? "the core has no NT_FILE note"
            : fmt::format("the kernel left NT_FILE out: {} mappings need {} of note, at or over "
                          "kernel.core_file_note_size_limit ({} unless raised)",
                          mappings, format_size(needed), format_size(default_file_note_limit));
    add(unseen, "file-note-missing", snapshot.regions.size(),
        why + fmt::format("; none of the {} mappings has a path, and file mappings cannot be told from anonymous ones",
                          snapshot.regions.size()));
  } else if (core.unreadable_notes > 0) {
    add(unseen, "notes-unreadable", core.unreadable_notes,
        fmt::format("{} note{} of the core could not be read: mappings may lack a path", core.unreadable_notes,
                    core.unreadable_notes == 1 ? "" : "s"));
  }
  if (gaps.file_note_only > 0)
    add(unseen, "permissions-from-files", gaps.file_note_only,
        fmt::format("{} file mappings are in NT_FILE but have no segment (gdb dumps only some): their permissions "
                    "come from the files on this machine{}",
                    gaps.file_note_only,
                    gaps.perms_unknown ? fmt::format(", {} stayed unknown (---p)", gaps.perms_unknown) : ""));
  if (core.written_by_gdb)
    add(unseen, "permissions-readable", gaps.guards_restored,
        fmt::format("gdb marks every segment readable, so ---p mappings show as r--p; {} guard pages below thread "
                    "stacks and arena reserves were taken back as ---p",
                    gaps.guards_restored));
  if (core.written_by_gdb)
    add(unseen, "mappings-left-out", 0,
        "gdb writes no segment for mappings it does not dump ([vvar], [vvar_vclock], untouched anonymous "
        "memory): they are missing, and not counted");
}

}  // namespace

std::string machine_settings_text(const SystemInfo& system, std::string_view source) {
  return fmt::format("vm.max_map_count and vm.mmap_min_addr of the machine that crashed are not in {}: taken as {} "
                     "and {:#x}, the kernel's defaults",
                     source, system.max_map_count, system.mmap_min_addr);
}

std::vector<Unseen> core_unseen(const CoreFile& core, const CoreGaps& gaps, const Snapshot& snapshot) {
  std::vector<Unseen> unseen;
  if (gaps.not_dumped > 0)
    add(unseen, "pages-not-dumped", gaps.not_dumped,
        fmt::format("{} mappings ({}) were not dumped, or only in part (coredump_filter, or a core cut short): "
                    "where they are is known, what they held is not",
                    gaps.not_dumped, format_size(gaps.not_dumped_bytes)));
  if (gaps.overlapping > 0)
    add(unseen, "segments-overlapping", gaps.overlapping,
        fmt::format("{} segments or NT_FILE entries overlap others and were left out: the core is damaged",
                    gaps.overlapping));
  add_file_note(core, gaps, snapshot, unseen);
  if (!gaps.break_unknown_because.empty())
    add(unseen, "break-unknown", 0,
        fmt::format("the break is not known: {}{}", gaps.break_unknown_because,
                    gaps.heap_named ? "; [heap] is presumed from where the kernel puts it" : ""));
  uint64_t anonymous = std::count_if(snapshot.regions.begin(), snapshot.regions.end(),
                                     [](const Region& r) { return r.kind == RegionKind::anonymous; });
  add(unseen, "names-and-sharing", anonymous,
      "a core keeps no names of anonymous mappings ([anon:NAME]) and does not say which mappings are "
      "shared: all are shown private");
  add(unseen, "machine-settings-unknown", 0, machine_settings_text(snapshot.system, "the core"));
  return unseen;
}

}  // namespace ljmm::detail
