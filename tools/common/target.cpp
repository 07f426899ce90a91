#include "target.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <fmt/format.h>
#include <unistd.h>

#include "decompress.hpp"
#include "ljmm/json.hpp"
#include "ljmm/postmortem.hpp"
#include "ljmm/proc.hpp"
#include "ljmm/recording.hpp"

namespace ljmm::cli {

void declare_target_options(CLI::App& app, TargetOptions& options) {
  app.add_option("target", options.targets, "PID of a live process, or \"self\"");
  // Files are checked when read, so an unreadable one gets the same exit code as a dead pid.
  auto* maps = app.add_option("--maps", options.maps_file, "Read a saved /proc/PID/maps or smaps file");
  auto* snapshot = app.add_option("--snapshot", options.snapshot_file, "Read a saved ljmm.snapshot/v1 JSON file");
  auto* core = app.add_option("--core", options.core_file,
                               "Read the core file of a process that crashed (the kernel's or gcore's; "
                               "systemd-coredump's .zst, .xz, .lz4 too)");
  auto* recording = app.add_option("--recording", options.recording_file,
                                    "Read a recording (ljmm-trace --record): the layout at --at");
  maps->excludes(snapshot)->excludes(core)->excludes(recording);
  snapshot->excludes(core)->excludes(recording);
  core->excludes(recording);
  app.add_option("--pid", options.recording_pid, "With --recording: the process (default: the first one recorded)")
      ->needs(recording)
      ->check(CLI::PositiveNumber);
  app.add_option("--at", options.at,
                 "With --recording: the instant, on the recording's clock (1.5s, 250ms, 123456789ns; default: its "
                 "end)")
      ->needs(recording);
  app.add_flag("--smaps", options.smaps, "Also read /proc/PID/smaps (RSS, swap per region)");
}

Result<Snapshot> load_recording(const std::string& path, int pid, const std::string& at) {
  auto recording = film::read_recording(path);
  if (!recording) return recording.error();
  if (recording->cut_off_line)
    fmt::print(stderr, "{}: warning: {}: line {} is cut off (the trace was stopped while writing it): read up to "
               "the line before\n", program_invocation_short_name, path, *recording->cut_off_line);
  std::optional<uint32_t> process = pid > 0 ? static_cast<uint32_t>(pid) : film::first_process(*recording);
  if (!process) return make_error(Errc::malformed, fmt::format("{}: no process layout in the recording", path));
  uint64_t time = UINT64_MAX;
  if (!at.empty()) {
    auto parsed = film::parse_duration_ns(at);
    if (!parsed) return make_error(Errc::invalid_argument, "--at: " + parsed.error().message);
    time = *parsed;
  }
  std::string note;
  auto snapshot = film::replay(*recording, *process, time, note);
  if (snapshot && !note.empty() && !at.empty())
    fmt::print(stderr, "{}: warning: {}\n", program_invocation_short_name, note);
  return snapshot;
}

Result<Snapshot> load_target(const TargetOptions& options) {
  if (!options.maps_file.empty()) return snapshot_maps_file(options.maps_file);
  if (!options.snapshot_file.empty()) return load_snapshot_file(options.snapshot_file);
  if (!options.core_file.empty()) return load_core(options.core_file);
  if (!options.recording_file.empty())
    return load_recording(options.recording_file, options.recording_pid, options.at);
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
  if (numeric || spec == "self") return load_target(pid_target(spec, smaps));
  // REC@TIME: a recording at an instant (a file name may hold '@' too: the last one splits).
  if (size_t at = spec.rfind('@'); at != std::string::npos && ::access(spec.c_str(), F_OK) != 0)
    return load_recording(spec.substr(0, at), 0, spec.substr(at + 1));
  auto text = read_text_file(spec, spec);
  if (!text) return text.error();
  if (looks_like_core(*text)) return core_from_bytes(std::move(text).value(), spec);
  size_t first = text->find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (*text)[first] == '{') return snapshot_from_json(*text, spec);
  return snapshot_maps_text(*text, Source{SourceKind::maps_file, 0, spec});
}

}  // namespace ljmm::cli
