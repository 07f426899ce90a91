// A snapshot from an ELF core: its regions, the process facts its notes keep, glibc's break read
// from the dumped memory, and what the core cannot tell.
#include <elf.h>
#include <fmt/format.h>

#include <map>

#include "elf/core_file.hpp"
#include "elf/elf_file.hpp"
#include "ljmm/postmortem.hpp"
#include "ljmm/proc.hpp"
#include "postmortem/core_regions.hpp"
#include "postmortem/unseen.hpp"
#include "proc/library_bss.hpp"
#include "proc/memory.hpp"

namespace ljmm {

namespace {

using detail::CoreFile;

PostMortem core_facts(const CoreFile& core, std::string_view bytes) {
  PostMortem facts;
  facts.writer = core.written_by_gdb ? "gdb" : "kernel";
  facts.signal = core.signal;
  for (const detail::CoreThread& thread : core.threads) facts.thread_ids.push_back(thread.tid);
  facts.thread_count = facts.thread_ids.size();
  facts.command_line = core.arguments.substr(0, core.arguments.find_last_not_of(' ') + 1);  // the kernel pads it
  facts.at_phdr = core.auxv_value(AT_PHDR).value_or(0);
  facts.at_base = core.auxv_value(AT_BASE).value_or(0);
  facts.at_sysinfo_ehdr = core.auxv_value(AT_SYSINFO_EHDR).value_or(0);
  facts.at_pagesz = core.auxv_value(AT_PAGESZ).value_or(0);
  if (auto execfn = core.auxv_value(AT_EXECFN)) facts.at_execfn = detail::read_core_string(core, bytes, *execfn);
  return facts;
}

// The executable is the file mapped where its program headers are (AT_PHDR); AT_EXECFN is the
// name execve() was given, which may be relative.
std::string executable(const std::vector<Region>& regions, const PostMortem& facts) {
  for (const Region& region : regions)
    if (region.kind == RegionKind::file && region.contains(facts.at_phdr)) return region.path;
  return facts.at_execfn;
}

// gdb leaves out the file pages it did not dump, and with them their permissions: the file's
// own load segment that maps the same offset has them. Returns how many stayed unknown.
uint64_t permissions_from_files(std::vector<Region>& regions, const std::vector<size_t>& unknown) {
  std::map<std::string, std::optional<detail::ElfFile>> files;
  uint64_t left = 0;
  for (size_t i : unknown) {
    Region& region = regions[i];
    auto [entry, inserted] = files.try_emplace(region.path);
    if (inserted) {
      auto file = detail::read_elf_file(region.path, detail::ElfParts::header);
      if (file) entry->second = std::move(file).value();
    }
    bool found = false;
    for (const detail::ElfLoadSegment& load : entry->second ? entry->second->loads : std::vector<detail::ElfLoadSegment>{})
      if (region.offset >= (load.offset & ~uint64_t{0xfff}) && region.offset < load.offset + load.file_size) {
        region.perms = Perms{load.readable, load.writable, load.executable, false};
        found = true;
        break;
      }
    left += !found;
  }
  return left;
}

// The bss each library declares, from its program headers: the dumped first page of the file
// (the kernel dumps every ELF header), else the file on this machine.
void read_core_declared_bss(const CoreFile& core, std::string_view bytes, std::vector<Region>& regions,
                            uint64_t page_size, bool read_files) {
  std::map<std::string, std::optional<detail::ElfFile>> files;
  detail::set_declared_bss(regions, page_size, [&](const std::vector<Region>& all, const Region& data) {
    auto [entry, inserted] = files.try_emplace(data.path);
    for (const Region& region : all) {
      if (!inserted || region.kind != RegionKind::file || region.path != data.path || region.offset != 0) continue;
      std::string head(std::min<uint64_t>(region.size(), detail::elf_head_bytes), '\0');
      if (!detail::read_core_memory(core, bytes, region.start, head.data(), head.size())) break;
      if (auto file = detail::parse_elf(head, region.path, detail::ElfParts::header); file && !file->loads.empty())
        entry->second = std::move(file).value();
      break;
    }
    if (inserted && !entry->second && read_files)
      if (auto file = detail::read_elf_file(data.path, detail::ElfParts::header)) entry->second = std::move(file).value();
    return entry->second ? &*entry->second : nullptr;
  });
}

struct CoreBreak {
  std::optional<uint64_t> brk;
  std::string unknown_because;  // when brk is nullopt
};

// glibc's __curbrk, where the file on this machine says it is, read from the dumped memory.
CoreBreak read_core_break(const CoreFile& core, std::string_view bytes, const std::vector<Region>& regions,
                          const std::string& exe, const CoreOptions& options) {
  if (!options.read_mapped_files) return {std::nullopt, "the files the core names were not read"};
  // The first file that has the symbol is the one the program's malloc uses (curbrk_holders).
  for (const Region* holder : detail::curbrk_holders(regions, exe)) {
    const Region& region = *holder;
    auto curbrk = detail::find_curbrk(region.path, region.path == exe);
    if (!curbrk) continue;
    std::string dumped = detail::core_build_id(core, bytes, region.start);
    if (!dumped.empty() && !curbrk->build_id.empty() && dumped != curbrk->build_id)
      return {std::nullopt,
              fmt::format("{} on this machine is not the file the process mapped (build IDs differ)", region.path)};
    uint64_t address = curbrk->position_independent ? region.start + curbrk->value : curbrk->value;
    uint64_t value = 0;
    if (!detail::read_core_memory(core, bytes, address, &value, core.is_64 ? 8 : 4))
      return {std::nullopt, fmt::format("glibc's __curbrk at {:#x} was not dumped (coredump_filter)", address)};
    if (value == 0) return {std::nullopt, "glibc had not asked for the break yet (__curbrk is 0)"};
    return {value, {}};
  }
  return {std::nullopt, "no mapped file holds glibc's __curbrk (no glibc, or it is not on this machine)"};
}

}  // namespace

Result<Snapshot> snapshot_core_bytes(std::string_view bytes, Source source, const CoreOptions& options) {
  auto core = detail::parse_core(bytes, source.path);
  if (!core) return core.error();
  detail::CoreRegions found = detail::core_regions(*core);
  if (found.regions.empty()) return make_error(Errc::malformed, fmt::format("{}: a core without mappings", source.path));
  Snapshot snapshot;
  snapshot.source = std::move(source);
  snapshot.post_mortem = core_facts(*core, bytes);
  PostMortem& facts = *snapshot.post_mortem;
  if (facts.at_pagesz >= 4096 && (facts.at_pagesz & (facts.at_pagesz - 1)) == 0)
    snapshot.system.page_size = facts.at_pagesz;
  ProcessInfo& process = snapshot.process;
  process.pid = core->pid;
  process.comm = core->command;
  process.exe = executable(found.regions, facts);
  uint64_t perms_unknown = options.read_mapped_files ? permissions_from_files(found.regions, found.from_file_note_only)
                                                     : found.from_file_note_only.size();
  CoreBreak brk = read_core_break(*core, bytes, found.regions, process.exe, options);
  std::optional<size_t> heap = detail::name_heap(found.regions, process.exe, brk.brk, core->is_64);
  if (brk.brk) {
    process.brk = *brk.brk;
    process.brk_source = BrkSource::glibc;
    process.start_brk = heap ? found.regions[*heap].start : *brk.brk;
  }
  read_core_declared_bss(*core, bytes, found.regions, snapshot.system.page_size, options.read_mapped_files);
  snapshot.regions = std::move(found.regions);
  infer_process_facts(snapshot);
  detail::CoreGaps gaps{found.not_dumped,     found.not_dumped_bytes, found.overlapping,
                        found.from_file_note_only.size(), perms_unknown, brk.unknown_because,
                        heap.has_value(),  found.guards_restored};
  facts.unseen = detail::core_unseen(*core, gaps, snapshot);
  return snapshot;
}

Result<Snapshot> snapshot_core_file(const std::string& path, const CoreOptions& options) {
  auto bytes = read_text_file(path, path);
  if (!bytes) return bytes.error();
  return snapshot_core_bytes(*bytes, Source{SourceKind::core_file, 0, path}, options);
}

}  // namespace ljmm
