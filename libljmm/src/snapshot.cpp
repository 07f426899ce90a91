#include "ljmm/snapshot.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "ljmm/elf_symbols.hpp"
#include "ljmm/units.hpp"

namespace ljmm {

std::string Source::description() const {
  switch (kind) {
    case SourceKind::pid: return fmt::format("pid {}", pid);
    case SourceKind::maps_file: return fmt::format("maps file {}", path);
    case SourceKind::snapshot_file: return fmt::format("snapshot {}", path);
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

// An empty maps file for a pid that exists means there is no user address space to show.
Error explain_empty_maps(int pid) {
  auto info = read_process_info(pid);
  if (!info) return info.error();
  if (info->kernel_thread)
    return make_error(Errc::not_found, fmt::format("pid {} is a kernel thread: it has no user address space", pid));
  if (info->state == 'Z' || info->state == 'X')
    return make_error(Errc::vanished, fmt::format("pid {}: process has exited (zombie): no address space left", pid));
  return make_error(Errc::vanished, fmt::format("pid {}: process exited while being read", pid));
}

}  // namespace

void infer_process_facts(Snapshot& snapshot) {
  ProcessInfo& process = snapshot.process;
  const std::vector<Region>& regions = snapshot.regions;

  auto heap = std::find_if(regions.begin(), regions.end(), [](const Region& r) { return r.kind == RegionKind::heap; });
  if (heap != regions.end() && process.start_brk == 0) process.start_brk = heap->start;
  if (process.brk_source == BrkSource::unknown || process.brk_source == BrkSource::heap_end ||
      process.brk_source == BrkSource::start_brk) {
    if (heap != regions.end()) {
      process.brk = heap->end;
      process.brk_source = BrkSource::heap_end;
    } else if (process.start_brk != 0) {
      process.brk = process.start_brk;
      process.brk_source = BrkSource::start_brk;
    }
  }

  if (process.exe.empty()) {
    // Without /proc/PID/exe, the executable is the lowest file mapped from offset 0.
    auto exe = std::find_if(regions.begin(), regions.end(),
                            [](const Region& r) { return r.kind == RegionKind::file && r.offset == 0; });
    if (exe != regions.end()) process.exe = exe->path;
  }
  if (!process.pie && !process.exe.empty()) {
    auto exe = std::find_if(regions.begin(), regions.end(),
                            [&](const Region& r) { return r.kind == RegionKind::file && r.path == process.exe; });
    // Non-PIE executables are linked at low fixed addresses (0x400000 by default); PIEs load high.
    if (exe != regions.end()) process.pie = exe->start >= 4 * GiB;
  }
}

Result<Snapshot> snapshot_pid(int pid, const SnapshotOptions& options) {
  Snapshot snapshot;
  snapshot.source = Source{SourceKind::pid, pid, {}};
  snapshot.taken_at_unix_ms = now_unix_ms();
  snapshot.system = read_system_info();

  auto info = read_process_info(pid);
  if (!info) return info.error();
  snapshot.process = std::move(info).value();

  // The kernel writes the maps in pieces, one read(2) at a time: a process that execs or
  // exits meanwhile can leave lines of two address spaces, or none. Such a read does not parse
  // (regions out of order); read again a few times before saying the process kept changing.
  Result<std::vector<Region>> regions = make_error(Errc::malformed, "");
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto text = read_proc_file(pid, options.read_smaps ? "smaps" : "maps");
    if (!text) {
      if (text.error().code == Errc::not_found)
        return make_error(Errc::vanished, fmt::format("pid {}: process exited while being read", pid));
      return text.error();
    }
    regions = options.read_smaps ? parse_smaps(*text) : parse_maps(*text);
    if (regions) break;
  }
  if (!regions)
    return make_error(Errc::vanished, fmt::format("pid {}: its maps kept changing while being read: {}", pid,
                                                  regions.error().message));
  if (regions->empty()) return explain_empty_maps(pid);
  snapshot.regions = std::move(regions).value();
  snapshot.has_smaps = options.read_smaps;
  snapshot.runtime = read_runtime_stats(pid, snapshot.regions);
  if (auto brk = read_glibc_break(pid, snapshot.regions, snapshot.process.exe)) {
    snapshot.process.brk = *brk;
    snapshot.process.brk_source = BrkSource::glibc;
  }
  infer_process_facts(snapshot);
  return snapshot;
}

Result<Snapshot> snapshot_maps_text(std::string_view text, Source source) {
  auto regions = parse_regions(text);
  if (!regions) {
    return make_error(regions.error().code, fmt::format("{}: {}", source.path, regions.error().message));
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
