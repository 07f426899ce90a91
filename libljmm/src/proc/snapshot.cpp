#include "ljmm/snapshot.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "ljmm/proc.hpp"
#include "ljmm/units.hpp"
#include "proc/library_bss.hpp"
#include "proc/memory.hpp"
#include "proc/snapshot_process.hpp"

namespace ljmm {

std::string Source::description() const {
  switch (kind) {
    case SourceKind::pid: return fmt::format("pid {}", pid);
    case SourceKind::maps_file: return fmt::format("maps file {}", path);
    case SourceKind::snapshot_file: return fmt::format("snapshot {}", path);
    case SourceKind::recording: return fmt::format("recording {}, pid {}", path, pid);
    case SourceKind::core_file: return fmt::format("core file {}", path);
    case SourceKind::journal: return fmt::format("crash of pid {} in the journal", pid);
  }
  return "unknown source";
}

Result<int> parse_pid(std::string_view text) {
  if (text == "self") return static_cast<int>(::getpid());
  int pid = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pid);
  if (ec != std::errc() || end != text.data() + text.size() || pid <= 0)
    return make_error(Errc::invalid_argument, fmt::format("\"{}\" is not a pid (a positive number or \"self\")", text));
  return pid;
}

namespace {

int64_t now_unix_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

bool looks_like_smaps(std::string_view text) {
  return text.find("\nSize:") != std::string_view::npos || text.find("\nRss:") != std::string_view::npos;
}

Result<std::vector<Region>> parse_regions(std::string_view text) {
  return looks_like_smaps(text) ? parse_smaps(text) : parse_maps(text);
}

Error kernel_thread_error(int pid) {
  return make_error(Errc::not_found, fmt::format("pid {} is a kernel thread: it has no user address space", pid));
}

// An empty maps file for a pid that exists means there is no user address space to show.
Error explain_empty_maps(int pid) {
  auto info = read_process_info(pid);
  if (!info) return info.error();
  if (info->kernel_thread) return kernel_thread_error(pid);
  if (info->state == 'Z' || info->state == 'X')
    return make_error(Errc::vanished, fmt::format("pid {}: process has exited (zombie): no address space left", pid));
  return make_error(Errc::vanished, fmt::format("pid {}: process exited while being read", pid));
}

// How far above the end of the program x86-64 puts the break: arch_randomize_brk() picks a page
// in [end, end + 1 GiB) (32 MiB for 32-bit tasks); without randomization it is the end itself.
constexpr uint64_t brk_randomization_range = 1 * GiB;

// A maps file does not say where the break is, and without [heap] (the heap never grew) nothing
// in it shows. The mmap area lies far above the program, so a mapping within the range the
// kernel draws the break from was put there on purpose, and the brk-hole story (a low-address
// mmap placed at sbrk(0)) puts one exactly at the break: presume it is there.
std::optional<uint64_t> presume_start_brk(const std::vector<Region>& regions, const std::string& exe) {
  size_t next = regions.size();
  for (size_t i = 0; i < regions.size(); ++i)
    if (regions[i].kind == RegionKind::file && regions[i].path == exe) next = i + 1;
  if (next == regions.size()) return std::nullopt;
  uint64_t program_end = regions[next - 1].end;
  const Region& after = regions[next];
  if (after.kind == RegionKind::anonymous && after.start == program_end && next + 1 < regions.size()) {
    program_end = after.end;  // the bss
    ++next;
  }
  const Region& candidate = regions[next];
  if (candidate.kind == RegionKind::heap || candidate.start - program_end >= brk_randomization_range)
    return std::nullopt;
  return candidate.start;
}

}  // namespace

void infer_process_facts(Snapshot& snapshot) {
  ProcessInfo& process = snapshot.process;
  const std::vector<Region>& regions = snapshot.regions;

  if (process.exe.empty()) {
    // Without /proc/PID/exe, the executable is the lowest file mapped from offset 0.
    auto exe = std::find_if(regions.begin(), regions.end(),
                            [](const Region& r) { return r.kind == RegionKind::file && r.offset == 0; });
    if (exe != regions.end()) process.exe = exe->path;
  }

  auto heap = std::find_if(regions.begin(), regions.end(), [](const Region& r) { return r.kind == RegionKind::heap; });
  if (heap != regions.end() && process.start_brk == 0) process.start_brk = heap->start;
  if (process.brk_source == BrkSource::unknown || process.brk_source == BrkSource::heap_end ||
      process.brk_source == BrkSource::start_brk || process.brk_source == BrkSource::presumed) {
    if (heap != regions.end()) {
      process.brk = heap->end;
      process.brk_source = BrkSource::heap_end;
    } else if (process.start_brk != 0 && process.brk_source != BrkSource::presumed) {
      process.brk = process.start_brk;
      process.brk_source = BrkSource::start_brk;
    } else if (auto presumed = presume_start_brk(regions, process.exe)) {
      process.start_brk = process.brk = *presumed;
      process.brk_source = BrkSource::presumed;
    }
  }
  if (!process.pie && !process.exe.empty()) {
    auto exe = std::find_if(regions.begin(), regions.end(),
                            [&](const Region& r) { return r.kind == RegionKind::file && r.path == process.exe; });
    // Non-PIE executables are linked at low fixed addresses (0x400000 by default); PIEs load high.
    if (exe != regions.end()) process.pie = exe->start >= 4 * GiB;
  }
}

struct SnapshotCache::Impl {
  detail::BreakSymbolCache breaks;
  detail::DeclaredBssCache bss;
};

SnapshotCache::SnapshotCache() : impl_(std::make_unique<Impl>()) {}
SnapshotCache::~SnapshotCache() = default;

namespace {

// The regions of a live process. Errc::malformed means what was read did not parse: the
// process changed its mappings while the kernel was listing them.
Result<std::vector<Region>> read_regions(int pid, bool read_smaps, uint64_t max_map_count) {
  Status read;
  if (read_smaps) {
    auto text = read_proc_file(pid, "smaps");
    if (text) return parse_smaps(*text);
    read = text.error();
  } else {
    // Room for as many regions as the kernel allows a process (capped): it costs address
    // space, not memory, and the regions are never copied while the list grows.
    MapsParser parser(static_cast<size_t>(std::min<uint64_t>(max_map_count, 65536)));
    read = read_proc_pieces(pid, "maps", [&](std::string_view piece) { return parser.feed(piece); });
    if (read) return parser.finish();
  }
  if (read.error().code == Errc::not_found)
    return make_error(Errc::vanished, fmt::format("pid {}: process exited while being read", pid));
  return read.error();
}

}  // namespace

Result<Snapshot> snapshot_pid(int pid, const SnapshotOptions& options) {
  auto info = read_process_info(pid);
  if (!info) return info.error();
  if (info->kernel_thread) return kernel_thread_error(pid);
  return detail::snapshot_process(pid, std::move(info).value(), options);
}

Result<Snapshot> detail::snapshot_process(int pid, ProcessInfo info, const SnapshotOptions& options) {
  Snapshot snapshot;
  snapshot.source = Source{SourceKind::pid, pid, {}};
  snapshot.taken_at_unix_ms = now_unix_ms();
  snapshot.system = options.system ? *options.system : read_system_info();
  snapshot.process = std::move(info);

  // The kernel writes the maps in pieces, one read(2) of about a page at a time: a process that
  // maps, execs or exits meanwhile can leave lines of two address spaces, or none. Such a read
  // does not parse (regions out of order); read again before saying the process kept changing.
  // Three reads were not enough for test/progs/churn (mapping as fast as it can) once, on a
  // loaded 2-core host: each read of its smaps spans forty read(2) calls.
  constexpr int reads = 10;
  Result<std::vector<Region>> regions = make_error(Errc::malformed, "");
  for (int attempt = 0; attempt < reads; ++attempt) {
    regions = read_regions(pid, options.read_smaps, snapshot.system.max_map_count);
    if (regions || regions.error().code != Errc::malformed) break;
  }
  if (!regions && regions.error().code == Errc::malformed)
    return with_context(regions.error(), fmt::format("pid {}: its maps kept changing while being read", pid),
                        Errc::vanished);
  if (!regions) return regions.error();
  if (regions->empty()) return explain_empty_maps(pid);
  snapshot.regions = std::move(regions).value();
  snapshot.has_smaps = options.read_smaps;
  snapshot.runtime = read_runtime_stats(pid, snapshot.regions);
  SnapshotCache::Impl* cache = options.cache ? &options.cache->impl() : nullptr;
  detail::read_declared_bss(pid, snapshot.regions, snapshot.system.page_size, cache ? &cache->bss : nullptr);
  if (auto brk =
          detail::read_glibc_break(pid, snapshot.regions, snapshot.process.exe, cache ? &cache->breaks : nullptr)) {
    snapshot.process.brk = *brk;
    snapshot.process.brk_source = BrkSource::glibc;
  }
  infer_process_facts(snapshot);
  return snapshot;
}

Result<Snapshot> snapshot_maps_text(std::string_view text, Source source) {
  auto regions = parse_regions(text);
  if (!regions) {
    return with_context(regions.error(), source.path);
  }
  if (regions->empty()) return make_error(Errc::malformed, fmt::format("{}: no regions in file", source.path));
  Snapshot snapshot;
  snapshot.source = std::move(source);
  snapshot.has_smaps = looks_like_smaps(text);
  snapshot.regions = std::move(regions).value();
  infer_process_facts(snapshot);
  return snapshot;
}

Result<Snapshot> snapshot_maps_file(const std::string& path) {
  auto text = read_text_file(path, path);
  if (!text) return text.error();
  Source source{SourceKind::maps_file, 0, path};
  auto snapshot = snapshot_maps_text(*text, source);
  if (snapshot) snapshot->system = SystemInfo{};  // the reader's machine says nothing about the file's
  return snapshot;
}

}  // namespace ljmm
