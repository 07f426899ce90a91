#include "cli.hpp"

#include <fmt/format.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <charconv>
#include <climits>
#include <cstdlib>
#include <map>

namespace ljmm::cli {

int exit_code_for(const Error& error) {
  switch (error.code) {
    case Errc::not_found:
    case Errc::permission_denied:
    case Errc::vanished:
    case Errc::io_error: return exit_unavailable;
    case Errc::malformed: return exit_malformed;
    case Errc::invalid_argument: return exit_usage;
    case Errc::unsupported:
    case Errc::not_permitted: return exit_environment;
  }
  return exit_unavailable;
}

int report(std::string_view tool, const Error& error) { return report(tool, error.message, exit_code_for(error)); }

int report(std::string_view tool, std::string_view message, int exit_code) {
  fmt::print(stderr, "{}: {}\n", tool, message);
  return exit_code;
}

bool use_color(ColorChoice choice) {
  switch (choice) {
    case ColorChoice::always: return true;
    case ColorChoice::never: return false;
    case ColorChoice::automatic: return ::isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
  }
  return false;
}

void add_color_option(CLI::App& app, ColorChoice& choice) {
  static const std::map<std::string, ColorChoice> choices{
      {"auto", ColorChoice::automatic}, {"always", ColorChoice::always}, {"never", ColorChoice::never}};
  app.add_option("--color", choice, "Color: auto (on a terminal), always, never")
      ->transform(CLI::CheckedTransformer(choices, CLI::ignore_case));
}

int terminal_width() {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    int value = std::atoi(columns);
    if (value > 0) return value;
  }
  return 100;
}

const CLI::Validator positive_number = CLI::Validator(
    [](const std::string& text) -> std::string {
      double value = 0;
      if (!CLI::detail::lexical_cast(text, value) || !(value > 0)) return "must be a number above 0, not " + text;
      return {};
    },
    "NUMBER > 0");
const CLI::Validator non_negative_number = CLI::Validator(
    [](const std::string& text) -> std::string {
      double value = 0;
      if (!CLI::detail::lexical_cast(text, value) || !(value >= 0)) return "must be a number of 0 or more, not " + text;
      return {};
    },
    "NUMBER >= 0");

CLI::Validator whole_number(uint64_t low, uint64_t high) {
  return CLI::Validator(
      [low, high](const std::string& text) -> std::string {
        uint64_t value = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec != std::errc() || end != text.data() + text.size() || value < low || value > high)
          return fmt::format("must be a whole number from {} to {}, not {}", low, high, text.empty() ? "nothing" : text);
        return {};
      },
      fmt::format("{}..{}", low, high));
}

Result<uint32_t> parse_user(std::string_view option, const std::string& text) {
  uint32_t uid = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), uid);
  if (ec == std::errc() && end == text.data() + text.size()) return uid;
  if (const passwd* entry = ::getpwnam(text.c_str())) return static_cast<uint32_t>(entry->pw_uid);
  return make_error(Errc::invalid_argument, fmt::format("{} {}: no such user", option, text));
}

std::string executable_directory() {
  char path[PATH_MAX];
  ssize_t length = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (length <= 0) return ".";
  std::string text(path, static_cast<size_t>(length));
  return text.substr(0, text.rfind('/'));
}

int run_main(CLI::App& app, int argc, char** argv, std::string_view tool, const std::function<int()>& run) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help, --version
    // One line naming the cause, like every other error of the tools.
    return report(tool, fmt::format("{} (see --help)", error.what()), exit_usage);
  }
  try {
    return run();
  } catch (const std::exception& error) {
    return report(tool, fmt::format("internal error: {}", error.what()), exit_environment);
  }
}

}  // namespace ljmm::cli
