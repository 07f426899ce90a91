#include "target.hpp"

#include <algorithm>
#include <cctype>

#include "decompress.hpp"
#include "ljmm/json.hpp"
#include "ljmm/postmortem.hpp"
#include "ljmm/proc.hpp"

namespace ljmm::cli {

void declare_target_options(CLI::App& app, TargetOptions& options) {
  app.add_option("target", options.targets, "PID of a live process, or \"self\"");
  // Files are checked when read, so an unreadable one gets the same exit code as a dead pid.
  auto* maps = app.add_option("--maps", options.maps_file, "Read a saved /proc/PID/maps or smaps file");
  auto* snapshot = app.add_option("--snapshot", options.snapshot_file, "Read a saved ljmm.snapshot/v1 JSON file");
  auto* core = app.add_option("--core", options.core_file,
                               "Read the core file of a process that crashed (the kernel's or gcore's; "
                               "systemd-coredump's .zst, .xz, .lz4 too)");
  maps->excludes(snapshot)->excludes(core);
  snapshot->excludes(core);
  app.add_flag("--smaps", options.smaps, "Also read /proc/PID/smaps (RSS, swap per region)");
}

Result<Snapshot> load_target(const TargetOptions& options) {
  if (!options.maps_file.empty()) return snapshot_maps_file(options.maps_file);
  if (!options.snapshot_file.empty()) return load_snapshot_file(options.snapshot_file);
  if (!options.core_file.empty()) return load_core(options.core_file);
  auto pid = parse_pid(options.targets.empty() ? std::string() : options.targets.front());
  if (!pid) return pid.error();
  return snapshot_pid(*pid, SnapshotOptions{.read_smaps = options.smaps});
}

namespace {

Result<Snapshot> core_from_bytes(std::string bytes, const std::string& path) {
  auto inflated = decompress(std::move(bytes), path);
  if (!inflated) return inflated.error();
  return snapshot_core_bytes(*inflated, Source{SourceKind::core_file, 0, path});
}

bool looks_like_core(std::string_view bytes) {  // ELF, or as systemd-coredump compresses it
  return bytes.starts_with("\x7f" "ELF") || is_compressed(bytes);
}

}  // namespace

Result<Snapshot> load_core(const std::string& path) {
  auto bytes = read_text_file(path, path);
  if (!bytes) return bytes.error();
  return core_from_bytes(std::move(bytes).value(), path);
}

Result<Snapshot> load_any(const std::string& spec, bool smaps) {
  bool numeric = !spec.empty() && std::all_of(spec.begin(), spec.end(), [](char c) { return std::isdigit(c); });
  if (numeric || spec == "self") return load_target(TargetOptions{{spec}, {}, {}, {}, smaps});
  auto text = read_text_file(spec, spec);
  if (!text) return text.error();
  if (looks_like_core(*text)) return core_from_bytes(std::move(text).value(), spec);
  size_t first = text->find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (*text)[first] == '{') return snapshot_from_json(*text, spec);
  return snapshot_maps_text(*text, Source{SourceKind::maps_file, 0, spec});
}

}  // namespace ljmm::cli
