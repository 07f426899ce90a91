// What every ljmm tool shares at its edge: exit codes, one-line errors, terminal facts.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <string_view>

#include "ljmm/result.hpp"

namespace ljmm::cli {

// Documented in docs/exit-codes.md; the same for every tool.
enum ExitCode : int {
  exit_ok = 0,
  exit_findings = 1,     // findings at or above --fail-on, or a failed assertion
  exit_usage = 2,        // bad arguments or a bad rules file
  exit_unavailable = 3,  // no such pid, permission denied, process exited, unreadable file
  exit_malformed = 4,    // a maps/smaps/snapshot file that does not parse
  exit_environment = 5,  // the machine cannot do it (no BPF permission, kernel too old)
};

int exit_code_for(const Error& error);

// Prints "TOOL: MESSAGE" on stderr and returns the exit code for the error.
int report(std::string_view tool, const Error& error);
int report(std::string_view tool, std::string_view message, int exit_code);

enum class ColorChoice { automatic, always, never };
bool use_color(ColorChoice choice);  // auto: stdout is a terminal and NO_COLOR is unset
// The --color option every tool has: auto (on a terminal), always, never.
void add_color_option(CLI::App& app, ColorChoice& choice);
int terminal_width();  // stdout's columns, else $COLUMNS, else 100

// CLI11's PositiveNumber and NonNegativeNumber, with messages a person can read.
extern const CLI::Validator positive_number;
extern const CLI::Validator non_negative_number;
// A whole number from `low` to `high`: "must be a whole number from 1 to 64, not 2.5".
CLI::Validator whole_number(uint64_t low, uint64_t high);

// A user name or a numeric uid, as --user/--uid take it: "OPTION NAME: no such user".
Result<uint32_t> parse_user(std::string_view option, const std::string& text);

// The directory holding this executable, for finding programs installed beside it.
std::string executable_directory();

// Every tool's main(): parse the arguments (usage errors exit 2, --help and --version 0), then
// run; an exception that reaches this edge is reported in one line, never a crash.
int run_main(CLI::App& app, int argc, char** argv, std::string_view tool, const std::function<int()>& run);

}  // namespace ljmm::cli
