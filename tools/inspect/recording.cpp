#include "recording.hpp"

#include <fmt/format.h>

#include "../common/cli.hpp"
#include "../common/output.hpp"
#include "ljmm/recording.hpp"
#include "ljmm/reel.hpp"
#include "ljmm/render.hpp"

namespace ljmm::inspect {

namespace {

struct RecordedProcess {
  film::Recording recording;
  uint32_t pid = 0;
};

// The recording and the process asked for (--pid), else its first one.
Result<RecordedProcess> read_process(const cli::TargetOptions& target) {
  auto recording = film::read_recording(target.recording_file);
  if (!recording) return recording.error();
  std::optional<uint32_t> pid =
      target.recording_pid > 0 ? static_cast<uint32_t>(target.recording_pid) : film::first_process(*recording);
  if (!pid) return make_error(Errc::malformed, target.recording_file + ": no process layout in the recording");
  return RecordedProcess{std::move(recording).value(), *pid};
}

}  // namespace

void declare_timeline_options(CLI::App& app, Options& options) {
  auto* timeline = app.add_flag("--timeline", options.timeline,
                                "With --recording: the map count, accessible and reserved bytes over time, and "
                                "where each warning or error first appears");
  app.add_option("--interval", options.interval,
                 "With --timeline: one row per this long (250ms, 1s; default: about "
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
  auto process = read_process(target);
  if (!process) return cli::report(tool, process.error());
  film::Timeline timeline = film::timeline(process->recording, process->pid, interval);
  cli::write_stdout(options.format == "json" ? film::timeline_json(timeline) : film::timeline_text(timeline));
  return cli::exit_ok;
}

int run_recording_page(const Options& options) {
  const cli::TargetOptions& target = options.target;
  std::optional<uint64_t> at;
  if (!target.at.empty()) {
    auto parsed = film::parse_duration_ns(target.at);
    if (!parsed) return cli::report(tool, "--at: " + parsed.error().message, cli::exit_usage);
    at = *parsed;
  }
  auto process = read_process(target);
  if (!process) return cli::report(tool, process.error());
  film::Reel reel = film::make_reel(process->recording, process->pid);
  if (reel.frames.empty())
    return cli::report(tool, make_error(Errc::not_found, fmt::format("{}: no layout of pid {} in it",
                                                                     target.recording_file, process->pid)));
  size_t start = at ? reel.frame_at(*at) : reel.frames.size() - 1;
  cli::write_stdout(render_html_recording(process->recording, reel, start));
  return cli::exit_ok;
}

}  // namespace ljmm::inspect
