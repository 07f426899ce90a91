// ljmm-check: assert a process's layout in CI. Exit 0 all rules pass, 1 some failed, 2 bad rules
// file or usage, 3 target unavailable, 4 malformed maps/snapshot.
#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <thread>

#include "../common/cli.hpp"
#include "../common/target.hpp"
#include "ljmm/child_process.hpp"
#include "ljmm/proc.hpp"
#include "ljmm/render.hpp"
#include "ljmm/rules.hpp"
#include "ljmm/version.hpp"

namespace {

using namespace ljmm;
constexpr std::string_view tool = "ljmm-check";

struct Options {
  cli::TargetOptions target;
  std::string rules_file;
  bool json = false;
  std::string junit_file;
  std::string after;
  std::string wait_for_file;
  double timeout_seconds = 60;
  int settle_ms = 0;
  cli::ColorChoice color = cli::ColorChoice::automatic;
};

void declare(CLI::App& app, Options& options) {
  const Options defaults;  // the help states the defaults the options struct holds
  cli::declare_target_options(app, options.target);
  app.add_option("-r,--rules", options.rules_file, "The rules file (schema ljmm.rules/v1)")->required();
  app.add_flag("--json", options.json, "Print the results as JSON (schema ljmm.check/v1)");
  app.add_option("--junit", options.junit_file, "Also write the results as JUnit XML to this file");
  app.add_option("--after", options.after,
                 "Run this shell command first and check once it has exited with status 0 (e.g. a warm-up)");
  app.add_option("--wait-for-file", options.wait_for_file,
                 "Check once this file exists (the program under test creates it when it is ready)");
  app.add_option("--settle", options.settle_ms,
                 "Then wait until the process's maps have not changed for this many ms (a reload settling)")
      ->check(cli::whole_number(1, 600000));
  std::string timeout =
      fmt::format("How long --wait-for-file and --settle wait (seconds, default {})", defaults.timeout_seconds);
  app.add_option("--timeout", options.timeout_seconds, timeout)->check(cli::positive_number);
  cli::add_color_option(app, options.color);
  app.set_version_flag("--version", std::string("ljmm-check ") + version());
  app.footer(
      "Examples:\n"
      "  ljmm-check --rules layout.json $(pidof -s myserver)\n"
      "  ljmm-check --rules layout.json --junit ljmm.xml --wait-for-file /tmp/ready $PID\n"
      "  ljmm-check --rules layout.json --after 'curl -s localhost:8080/warmup' $PID\n"
      "  ljmm-check --rules layout.json --after 'nginx -s reload' --settle 500 $(cat /run/nginx.pid)\n"
      "  ljmm-check --rules layout.json --wait-for-file /run/app.pid     the pid is read from the file\n"
      "  ljmm-check --rules layout.json --snapshot before.json\n"
      "  ljmm-check --rules layout.json --core core.1234         the layout when it crashed\n"
      "Exit codes: 0 all rules pass, 1 a rule failed, 2 bad rules file or usage,\n"
      "3 target unavailable (no such pid, permission, --after failed, --wait-for-file timed out), 4 malformed input,\n"
      "5 the machine cannot do it.");
}

// The moment to check: after a command, or once a file exists.
Status wait_for_the_moment(const Options& options) {
  if (!options.after.empty()) {
    auto child = spawn({"/bin/sh", "-c", options.after});
    if (!child) return child.error();
    auto status = child->wait();
    if (!status) return status.error();
    if (*status != 0)
      return make_error(Errc::io_error,
                        fmt::format("the --after command failed (exit {}): {}", *status, options.after));
  }
  if (!options.wait_for_file.empty()) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(options.timeout_seconds);
    while (::access(options.wait_for_file.c_str(), F_OK) != 0) {
      if (std::chrono::steady_clock::now() > deadline)
        return make_error(Errc::io_error,
                          fmt::format("{} did not appear within {} s", options.wait_for_file, options.timeout_seconds));
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  return {};
}

// Waits until two reads of the maps, settle_ms apart, are the same: a reload's work is done.
Status wait_until_settled(int pid, int settle_ms, double timeout_seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  auto maps = read_proc_file(pid, "maps");
  if (!maps) return maps.error();
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(settle_ms));
    auto again = read_proc_file(pid, "maps");
    if (!again) return again.error();
    if (*again == *maps) return {};
    if (std::chrono::steady_clock::now() > deadline)
      return make_error(Errc::io_error, fmt::format("pid {}: its maps were still changing after {} s (--settle {})",
                                                    pid, timeout_seconds, settle_ms));
    maps = std::move(again);
  }
}

// --wait-for-file without a pid: the file is a pid file (nginx.pid), read once it exists.
Status take_pid_from_file(Options& options) {
  auto text = read_text_file(options.wait_for_file, options.wait_for_file);
  if (!text) return text.error();
  std::string pid = text->substr(0, text->find_first_of(" \t\r\n"));
  if (!parse_pid(pid))
    return make_error(Errc::malformed, fmt::format("{}: holds no pid (\"{}\")", options.wait_for_file, pid));
  options.target.targets = {pid};
  return {};
}

int run(Options& options) {
  if (options.target.targets.size() > 1)
    return cli::report(tool,
                       fmt::format("checks one process, got {} pids (check each in turn, or use pidof -s)",
                                   options.target.targets.size()),
                       cli::exit_usage);
  bool pid_from_file = options.target.sources() == 0 && !options.wait_for_file.empty();
  if (options.target.sources() != 1 && !pid_from_file)
    return cli::report(tool,
                       "give exactly one of: PID, self, --maps FILE, --snapshot FILE, --core FILE (or --wait-for-file PIDFILE)",
                       cli::exit_usage);
  if (options.settle_ms && options.target.targets.empty() && !pid_from_file)
    return cli::report(tool, "--settle needs a live process (a PID)", cli::exit_usage);
  auto rules = load_rules_file(options.rules_file);
  // A rules file that cannot be read or does not parse is the caller's mistake: usage.
  if (!rules) return cli::report(tool, rules.error().message, cli::exit_usage);
  for (const Rule& rule : *rules) options.target.smaps = options.target.smaps || rule.needs_smaps();
  if (Status ready = wait_for_the_moment(options); !ready) return cli::report(tool, ready.error());
  if (pid_from_file)
    if (Status taken = take_pid_from_file(options); !taken) return cli::report(tool, taken.error());
  if (options.settle_ms) {
    Status settled = wait_until_settled(parse_pid(options.target.targets.front()).value(), options.settle_ms,
                                        options.timeout_seconds);
    if (!settled) return cli::report(tool, settled.error());
  }

  auto snapshot = cli::load_target(options.target);
  if (!snapshot) return cli::report(tool, snapshot.error());
  Analysis analysis = analyze(std::move(snapshot).value());
  std::vector<Check> checks = evaluate(*rules, analysis);

  if (!options.junit_file.empty()) {
    std::FILE* file = std::fopen(options.junit_file.c_str(), "we");
    if (!file)
      return cli::report(tool, fmt::format("{}: {}", options.junit_file, std::strerror(errno)), cli::exit_usage);
    std::string xml = checks_junit(checks, analysis, options.rules_file);
    std::fwrite(xml.data(), 1, xml.size(), file);
    std::fclose(file);
  }
  fmt::print("{}", options.json ? checks_json(checks, analysis)
                                : checks_text(checks, analysis, cli::use_color(options.color)));
  return all_passed(checks) ? cli::exit_ok : cli::exit_findings;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Assert the address-space layout of a process against a rules file (for CI)"};
  Options options;
  declare(app, options);
  return cli::run_main(app, argc, argv, tool, [&] { return run(options); });
}
