// ljmm-trace: the calls that change a process tree's layout, live, with a summary at the end.
#include <fmt/format.h>
#include <signal.h>
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <optional>

#include "../common/cli.hpp"
#include "ljmm/call_sites.hpp"
#include "ljmm/proc.hpp"
#include "ljmm/recording.hpp"
#include "ljmm/trace_layout.hpp"
#include "ljmm/trace_output.hpp"
#include "ljmm/trace_report.hpp"
#include "ljmm/units.hpp"
#include "ljmm/version.hpp"

namespace {

using namespace ljmm;
constexpr std::string_view tool = "ljmm-trace";

struct CliOptions {
  trace::Options trace;
  std::string output;
  bool json = false;
  bool quiet = false;
  std::optional<std::string> ring_size;  // without it, trace::Options' ring_bytes
  std::string uid;                       // -a --uid NAME|UID
  std::string calls;                     // --calls, as given
  std::string record;                    // --record FILE
  size_t top = 5;
  std::string folded;
  cli::ColorChoice color = cli::ColorChoice::automatic;
};

// The largest BPF table --max-processes and --max-threads may ask for.
constexpr uint32_t max_table_entries = 1u << 22;

// -p and -a with what narrows it.
void declare_targets(CLI::App& app, CliOptions& options) {
  trace::Options& t = options.trace;
  // One pid per -p, so "-p 1 -- cmd" leaves "--" to end the options.
  app.add_option("-p,--pid", t.pids, "Trace this process and what it forks (repeat for more)")->allow_extra_args(false);
  CLI::Option* all = app.add_flag("-a,--all", t.system_wide.enabled,
                                  "System-wide: every process on the host (in this PID namespace), BPF only; "
                                  "who is hitting brk failures right now");
  app.add_option("--comm", t.system_wide.comm, "With -a: only processes with this name (as in /proc/PID/comm)")
      ->needs(all);
  app.add_option("--uid", options.uid, "With -a: only processes of this user (NAME or UID)")->needs(all);
  app.add_option("--cgroup", t.system_wide.cgroup,
                 "With -a: only processes in this cgroup v2 or below it (a path as in /proc/PID/cgroup)")
      ->needs(all);
  app.add_option("--interval", t.system_wide.interval_seconds,
                 "With -a: print the ranking of processes every S seconds, like top")
      ->check(cli::positive_number)
      ->needs(all);
}

// --stack and what goes with it.
void declare_stack_options(CLI::App& app, CliOptions& options, const CliOptions& defaults) {
  trace::Options& t = options.trace;
  std::map<std::string, trace::StackMode> stack_modes{{"dwarf", trace::StackMode::dwarf},
                                                      {"all", trace::StackMode::dwarf_all},
                                                      {"fp", trace::StackMode::frame_pointers}};
  app.add_option("--stack", t.stacks,
                 "User stacks, unwound with the binaries' CFI (libdw): --stack for the calls the summary needs "
                 "(failed brk, the mmap after one, mappings at the break), --stack=all for every call, "
                 "--stack=fp for frame-pointer stacks of every call (cheap, but they stop at code without frame "
                 "pointers)")
      ->expected(0, 1)
      ->default_str("dwarf")
      ->transform(CLI::CheckedTransformer(stack_modes, CLI::ignore_case));
  app.add_option("--stack-size", t.stack_bytes,
                 fmt::format("Bytes of each stack copied for unwinding (BPF; default {})", defaults.trace.stack_bytes))
      ->check(cli::whole_number(8, trace::max_stack_bytes));
  app.add_option("--stack-depth", t.stack_depth,
                 fmt::format("Frames kept per stack (default {})", defaults.trace.stack_depth))
      ->check(cli::whole_number(1, 1024));
  app.add_option("--top", options.top,
                 fmt::format("Call sites listed in the summary: of the mappings still alive, and with --stack of the "
                             "fallbacks and failed brk (default {})",
                             defaults.top))
      ->check(cli::whole_number(1, 1000000));
  app.add_option("--folded", options.folded,
                 "With --stack: write the malloc fallback's folded stacks, weighted by bytes, to FILE (flame graphs)");
}

// How the calls are traced: the backend, BPF's attach and its tables' sizes.
void declare_backend_options(CLI::App& app, CliOptions& options, const CliOptions& defaults) {
  trace::Options& t = options.trace;
  std::map<std::string, trace::BackendChoice> backends{{"auto", trace::BackendChoice::automatic},
                                                       {"bpf", trace::BackendChoice::bpf},
                                                       {"ptrace", trace::BackendChoice::ptrace}};
  app.add_option("--backend", t.backend, "auto (BPF when allowed, else ptrace), bpf, ptrace")
      ->transform(CLI::CheckedTransformer(backends, CLI::ignore_case));
  std::map<std::string, trace::AttachChoice> attaches{{"auto", trace::AttachChoice::automatic},
                                                      {"fexit", trace::AttachChoice::fexit},
                                                      {"tracepoint", trace::AttachChoice::tracepoint},
                                                      {"tp_btf", trace::AttachChoice::tp_btf}};
  app.add_option("--attach", t.attach,
                 "BPF attach: auto (the cheapest for other processes the kernel allows, "
                 "in this order), fexit (the calls' entry points), tracepoint (tracefs, mounted if needed), "
                 "tp_btf (no tracefs)")
      ->transform(CLI::CheckedTransformer(attaches, CLI::ignore_case));
  app.add_option("--ring-size", options.ring_size,
                 fmt::format("BPF ring buffer size (default {})", format_size(defaults.trace.ring_bytes)));
  app.add_option("--max-processes", t.max_processes,
                 fmt::format("BPF: processes followed at once (the traced set; with -a the per-process counts); "
                             "beyond it misses are counted (default {})",
                             defaults.trace.max_processes))
      ->check(cli::whole_number(1, max_table_entries));
  app.add_option("--max-threads", t.max_threads,
                 fmt::format("BPF: threads in a traced call at once (the entry table; not used by fexit); beyond it "
                             "the calls are counted as lost (default {})",
                             defaults.trace.max_threads))
      ->check(cli::whole_number(1, max_table_entries));
}

void declare(CLI::App& app, CliOptions& options) {
  trace::Options& t = options.trace;
  const CliOptions defaults;  // the help states the defaults the options struct holds
  declare_targets(app, options);
  app.add_option("-d,--duration", t.duration_seconds, "Stop after this many seconds")->check(cli::positive_number);
  app.add_option("--grace", t.grace_seconds,
                 fmt::format("After the command exits, keep tracing the -p processes while they work, at most this "
                             "long (default {})",
                             defaults.trace.grace_seconds))
      ->check(cli::non_negative_number);
  app.add_option("--idle", t.idle_seconds,
                 fmt::format("... and stop once they made no traced call and used no CPU for this long (default {})",
                             defaults.trace.idle_seconds))
      ->check(cli::non_negative_number);
  app.add_flag("--json", options.json, "JSON Lines (schema ljmm.trace/v1): one object per event, then the summary");
  app.add_flag("-q,--quiet", options.quiet,
               "Print only the summary; with -a, count per process in the kernel and send no event per call");
  app.add_option("--record", options.record,
                 "Also write a recording to FILE (JSON Lines, ljmm.recording/v1; gzip when it ends in .gz): every "
                 "process's layout and every event, for ljmm-inspect --recording FILE --at TIME");
  app.add_option("-o,--output", options.output,
                 "Write the trace to FILE instead of standard output "
                 "(which the command may use)");
  declare_stack_options(app, options, defaults);
  app.add_option("-e,--calls", options.calls,
                 "Trace only these calls, as strace's -e trace=: names and classes, comma-separated "
                 "(mprotect,madvise,%lock; classes %map, %protect, %advise, %lock; default all of them, %layout)");
  app.add_flag("-x,--failed", t.failed_only, "Only calls that failed");
  app.add_flag("!--no-follow", t.follow_children, "Do not trace children forked after the start");
  declare_backend_options(app, options, defaults);
  app.add_flag("-v,--verbose", t.verbose, "Say what the backend decided");
  cli::add_color_option(app, options.color);
  app.add_option("command", t.command, "The command to run and trace, after --");
  app.set_version_flag("--version", std::string("ljmm-trace ") + version());
  app.footer(
      "Examples:\n"
      "  ljmm-trace -- ./server --config x.conf\n"
      "  ljmm-trace -p $(cat /run/nginx.pid) -- nginx -s reload     the reload happens in the master\n"
      "  ljmm-trace -p 1234 -d 10 -x                                 failed calls for 10 seconds\n"
      "  ljmm-trace --json -q -- ./demo > trace.jsonl                the summary as JSON\n"
      "  ljmm-trace --record nginx.rec.gz -p $(cat /run/nginx.pid) -- nginx -s reload\n"
      "  ljmm-trace --calls mprotect,%lock -- ./jit                  only these calls\n"
      "  ljmm-trace -a -q -x --interval 5                            who on this host hits brk failures, every 5 s\n"
      "  ljmm-trace -a -x --comm nginx -d 60                         failed calls of every nginx for a minute\n"
      "Exit codes: 0 ok, 2 usage, 3 target unavailable (no such pid, command not found, no permission),\n"
      "5 BPF refused with --backend=bpf or -a.");
}

// Losses said on stderr while they happen: the output may be a file nobody watches.
class LossReporter : public trace::Sink {
 public:
  void on_event(const trace::Event&) override {}
  void on_losses(const trace::Losses& losses) override {
    fmt::print(stderr, "{}: {} lost so far ({})\n", tool, losses.total(), trace::describe_losses(losses));
  }
};

void on_signal(int) { trace::stop_requested().store(true); }

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;  // no SA_RESTART: a blocking wait returns and sees the request
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

// Options that depend on each other, checked before anything starts. Returns the exit code of a
// usage error, or nullopt.
std::optional<int> check_options(CliOptions& options) {
  if (options.ring_size) {
    auto ring = parse_size(*options.ring_size);
    if (!ring) return cli::report(tool, fmt::format("--ring-size: {}", ring.error().message), cli::exit_usage);
    options.trace.ring_bytes = *ring;
  }
  if (!options.calls.empty()) {
    auto calls = trace::parse_calls(options.calls);
    if (!calls) return cli::report(tool, calls.error().message, cli::exit_usage);
    options.trace.calls = *calls;
  }
  trace::SystemWide& wide = options.trace.system_wide;
  if (options.trace.pids.empty() && options.trace.command.empty() && !wide.enabled)
    return cli::report(tool, "nothing to trace: give -p PID and/or -- COMMAND, or -a", cli::exit_usage);
  if (options.trace.backend == trace::BackendChoice::ptrace && options.trace.attach != trace::AttachChoice::automatic)
    return cli::report(tool, "--attach chooses how BPF attaches: it does not go with --backend ptrace", cli::exit_usage);
  if (wide.enabled && !options.trace.pids.empty())
    return cli::report(tool, "-a traces every process: it takes no -p", cli::exit_usage);
  if (!options.record.empty() && !options.trace.calls.all())
    return cli::report(tool, "--record replays layouts from every layout call: it does not go with --calls",
                       cli::exit_usage);
  if (!options.record.empty() && wide.enabled)
    return cli::report(tool, "--record records the traced processes, not the whole host: it does not go with -a",
                       cli::exit_usage);
  wide.counts_only = wide.enabled && options.quiet;
  if (!options.uid.empty()) {
    auto uid = cli::parse_user("--uid", options.uid);
    if (!uid) return cli::report(tool, uid.error().message, cli::exit_usage);
    wide.uid = *uid;
  }
  return std::nullopt;
}

std::string host_name() {
  char name[256] = {};
  return ::gethostname(name, sizeof name - 1) == 0 ? name : "";
}

Result<film::RecordingWriter> open_recording(const CliOptions& options) {
  film::RecordingHeader header;
  header.tool = fmt::format("{} {}", tool, version());
  header.started_at_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  header.command = options.trace.command;
  header.pids = options.trace.pids;
  header.calls = trace::describe_calls(options.trace.calls);
  header.host = host_name();
  header.system = read_system_info();
  return film::RecordingWriter::open(options.record, header);
}

// Where the trace goes: standard output or -o FILE, and --record FILE.
struct Outputs {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file{nullptr, &std::fclose};
  std::FILE* out = stdout;
  std::unique_ptr<trace::Output> output;
  std::unique_ptr<trace::Output> recording;
};

std::optional<int> open_outputs(const CliOptions& options, Outputs& outputs) {
  if (!options.output.empty()) {
    outputs.file.reset(std::fopen(options.output.c_str(), "we"));
    if (!outputs.file)
      return cli::report(tool, fmt::format("{}: {}", options.output, std::strerror(errno)), cli::exit_unavailable);
    outputs.out = outputs.file.get();
  }
  outputs.output = options.json ? trace::make_json_output(outputs.out)
                                : trace::make_text_output(outputs.out, cli::use_color(options.color));
  if (!options.record.empty()) {
    auto writer = open_recording(options);
    if (!writer) return cli::report(tool, writer.error().message, cli::exit_unavailable);
    outputs.recording = trace::make_recording_output(std::move(writer).value());
  }
  return std::nullopt;
}

int run(CliOptions& options) {
  if (std::optional<int> usage = check_options(options)) return *usage;
  Outputs outputs;
  if (std::optional<int> failed = open_outputs(options, outputs)) return *failed;
  install_signal_handlers();
  trace::Summary summary;
  for (int pid : options.trace.pids) {
    auto comm = read_comm(pid);
    summary.add_target(static_cast<uint32_t>(pid), comm ? *comm : std::string());
  }
  bool stacks = options.trace.stacks != trace::StackMode::off;
  Symbolizer symbolizer;
  trace::CallSites call_sites(symbolizer);  // shares the symbolizer's cache
  trace::OutputSink printer(*outputs.output, stacks ? &symbolizer : nullptr, !options.quiet);
  std::optional<trace::OutputSink> recorder;
  LossReporter losses;
  trace::Fanout sink;
  sink.add(summary);
  if (stacks) sink.add(call_sites);
  sink.add(printer);
  if (outputs.recording) sink.add(recorder.emplace(*outputs.recording, stacks ? &symbolizer : nullptr, true));
  sink.add(losses);
  trace::Log log = [&](const std::string& message) {
    if (options.trace.verbose) fmt::print(stderr, "{}: {}\n", tool, message);
  };
  // The layout model sits before every other sink: they get the events with what they left.
  trace::LayoutTracker layouts(sink, options.trace.calls.all() && !options.trace.system_wide.enabled);
  auto result = trace::run(options.trace, layouts, log);
  std::fflush(outputs.out);
  if (!result) return cli::report(tool, result.error());
  if (options.trace.backend == trace::BackendChoice::automatic || options.trace.verbose)
    fmt::print(stderr, "{}: backend {} ({})\n", tool, result->backend, result->backend_reason);
  std::vector<trace::LiveSite> live = trace::live_sites(summary, symbolizer, options.top);
  trace::TraceEnd end{summary, *result, live, stacks ? &call_sites : nullptr, options.top,
                      layouts.enabled() ? &layouts : nullptr};
  outputs.output->summary(end);
  if (outputs.recording) {
    outputs.recording->summary(end);
    if (Status closed = outputs.recording->close(); !closed) return cli::report(tool, closed.error());
  }
  if (!options.folded.empty()) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> folded(std::fopen(options.folded.c_str(), "we"), &std::fclose);
    std::string folded_stacks = trace::folded_fallbacks(call_sites);
    if (!folded || std::fwrite(folded_stacks.data(), 1, folded_stacks.size(), folded.get()) != folded_stacks.size())
      return cli::report(tool, fmt::format("{}: {}", options.folded, std::strerror(errno)), cli::exit_unavailable);
  }
  if (result->lost_events() > 0)
    fmt::print(stderr, "{}: {} events lost ({})\n", tool, result->lost_events(), trace::describe_losses(result->losses));
  if (std::string note = trace::ended_processes_note(*result); !note.empty())
    fmt::print(stderr, "{}: {}\n", tool, note);
  return cli::exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Trace the calls that change a process tree's layout: mmap, munmap, mremap, brk, mprotect, madvise, "
               "mlock, shmat, ... (eBPF, or ptrace where BPF is not allowed)"};
  CliOptions options;
  declare(app, options);
  return cli::run_main(app, argc, argv, tool, [&] { return run(options); });
}
