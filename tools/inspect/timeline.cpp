#include "timeline.hpp"

#include <fmt/format.h>

#include "ljmm/recording.hpp"

namespace ljmm::inspect {

void declare_timeline_options(CLI::App& app, Options& options) {
  auto* timeline = app.add_flag("--timeline", options.timeline,
                                "With --recording: the map count, accessible and reserved bytes over time, and "
                                "where each warning or error first appears");
  app.add_option("--interval", options.interval, "With --timeline: one row per this long (250ms, 1s; default: about "
                                                 "twenty rows)")
      ->needs(timeline);
}

int run_timeline(const Options& options) {
  const cli::TargetOptions& target = options.target;
  if (target.recording_file.empty() || target.sources() != 1)
    return cli::report(tool, "--timeline needs --recording FILE (and no other source)", cli::exit_usage);
  uint64_t interval = 0;
  if (!options.interval.empty()) {
    auto parsed = film::parse_duration_ns(options.interval);
    if (!parsed || *parsed == 0)
      return cli::report(tool, "--interval: " + (parsed ? std::string("give more than 0") : parsed.error().message),
                         cli::exit_usage);
    interval = *parsed;
  }
  auto recording = film::read_recording(target.recording_file);
  if (!recording) return cli::report(tool, recording.error());
  std::optional<uint32_t> pid =
      target.recording_pid > 0 ? static_cast<uint32_t>(target.recording_pid) : film::first_process(*recording);
  if (!pid)
    return cli::report(tool, make_error(Errc::malformed, target.recording_file + ": no process layout in the recording"));
  film::Timeline timeline = film::timeline(*recording, *pid, interval);
  fmt::print("{}", options.format == "json" ? film::timeline_json(timeline) : film::timeline_text(timeline));
  return cli::exit_ok;
}

}  // namespace ljmm::inspect
