// ljmm-inspect's options, shared by its modes (one process, a diff, every process).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../common/cli.hpp"
#include "../common/target.hpp"
#include "ljmm/render.hpp"

namespace ljmm::inspect {

inline constexpr std::string_view tool = "ljmm-inspect";

// --all and what goes with it.
struct AllOptions {
  bool all = false;
  std::string comm;  // regex
  std::string exe;
  std::string user;  // name or uid
  std::string cgroup;
  bool per_process = false;  // Prometheus: pid-level series
  std::string output;        // written atomically
  bool verbose = false;      // list the unreadable processes on stderr
};

// --coredump and where its journal is.
struct CoredumpOptions {
  bool coredump = false;
  std::string match;                       // pid, comm or part of the exe's path; empty: the table
  std::vector<std::string> journal_files;  // --journal-file, else --journal-dir, else the system's
  std::string journal_dir;
};

struct Options {
  cli::TargetOptions target;
  std::vector<std::string> diff;
  std::string format = "text";
  bool json = false;
  bool findings_only = false;
  bool no_regions = false;
  cli::ColorChoice color = cli::ColorChoice::automatic;
  int width = 0;
  bool demo = false;
  std::string demo_mode = "brk-hole";
  std::string fail_on;
  AllOptions all;
  CoredumpOptions coredump;
  bool timeline = false;  // with --recording: the address space over time
  std::string interval;   // --interval for --timeline; empty: about twenty rows
};

// --color, --width (else the terminal's) and --no-regions, as the library's text renderers take them.
inline TextOptions text_options(const Options& options) {
  return TextOptions{cli::use_color(options.color), options.width > 0 ? options.width : cli::terminal_width(),
                     !options.no_regions};
}

}  // namespace ljmm::inspect
