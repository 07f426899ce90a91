#include "coredump.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>

#include "../common/cli.hpp"
#include "../common/output.hpp"
#include "../common/shared_library.hpp"
#include "../common/target.hpp"
#include "ljmm/analysis.hpp"

namespace ljmm::inspect {

namespace {

// systemd-coredump's MESSAGE_ID for a process that dumped core (catalog/systemd.catalog.in).
constexpr const char* coredump_message = "MESSAGE_ID=fc2e22bc6ee647b6b90729ab34a250b1";

#define LJMM_JOURNAL_FUNCTIONS(X)                                                                              \
  X(sd_journal_open) X(sd_journal_open_files) X(sd_journal_open_directory) X(sd_journal_close)                 \
  X(sd_journal_set_data_threshold) X(sd_journal_add_match) X(sd_journal_seek_head) X(sd_journal_next)          \
  X(sd_journal_get_data) X(sd_journal_get_cursor) X(sd_journal_get_realtime_usec)

// libsystemd's journal functions, opened when --coredump asks for the journal.
struct JournalLibrary {
  cli::SharedLibrary library;
  LJMM_JOURNAL_FUNCTIONS(LJMM_LIBRARY_MEMBER)
};

using Journal = std::unique_ptr<sd_journal, decltype(&sd_journal_close)>;

Result<Journal> open_journal(const JournalLibrary& lib, const CoredumpOptions& options) {
  sd_journal* journal = nullptr;
  int result = 0;
  std::string where = "the system journal";
  if (!options.journal_files.empty()) {
    std::vector<const char*> paths;
    for (const std::string& path : options.journal_files) paths.push_back(path.c_str());
    paths.push_back(nullptr);
    result = lib.sd_journal_open_files(&journal, paths.data(), 0);
    where = options.journal_files.front();
  } else if (!options.journal_dir.empty()) {
    result = lib.sd_journal_open_directory(&journal, options.journal_dir.c_str(), 0);
    where = options.journal_dir;
  } else {
    result = lib.sd_journal_open(&journal, SD_JOURNAL_LOCAL_ONLY);
  }
  if (result < 0)
    return make_error(result == -ENOENT ? Errc::not_found : Errc::io_error,
                      fmt::format("{}: {}", where, std::strerror(-result)));
  return Journal(journal, lib.sd_journal_close);
}

// One field of the current entry, whole (the data threshold is off); nullopt when absent.
std::optional<std::string> field(const JournalLibrary& lib, sd_journal* journal, const char* name) {
  const void* data = nullptr;
  size_t length = 0;
  if (lib.sd_journal_get_data(journal, name, &data, &length) < 0) return std::nullopt;
  size_t prefix = std::strlen(name) + 1;  // "NAME="
  if (length < prefix) return std::string();
  return std::string(static_cast<const char*>(data) + prefix, length - prefix);
}

int64_t number(const std::optional<std::string>& text) {
  if (!text) return 0;
  try {
    return std::stoll(*text);
  } catch (const std::exception&) {
    return 0;
  }
}

CrashRecord read_entry(const JournalLibrary& lib, sd_journal* journal) {
  auto field = [&](const char* name) { return inspect::field(lib, journal, name); };
  CrashRecord record;
  char* cursor = nullptr;
  if (lib.sd_journal_get_cursor(journal, &cursor) >= 0) {
    record.cursor = cursor;
    std::free(cursor);
  }
  record.time_unix_ms = number(field("COREDUMP_TIMESTAMP")) / 1000;
  uint64_t realtime = 0;
  if (record.time_unix_ms == 0 && lib.sd_journal_get_realtime_usec(journal, &realtime) >= 0)
    record.time_unix_ms = static_cast<int64_t>(realtime / 1000);
  record.pid = static_cast<int>(number(field("COREDUMP_PID")));
  record.signal = static_cast<int>(number(field("COREDUMP_SIGNAL")));
  record.exe = field("COREDUMP_EXE").value_or("");
  record.comm = field("COREDUMP_COMM").value_or("");
  record.command_line = field("COREDUMP_CMDLINE").value_or("");
  record.hostname = field("COREDUMP_HOSTNAME").value_or("");
  record.proc_maps = field("COREDUMP_PROC_MAPS");
  record.proc_status = field("COREDUMP_PROC_STATUS").value_or("");
  record.proc_limits = field("COREDUMP_PROC_LIMITS").value_or("");
  record.proc_auxv = field("COREDUMP_PROC_AUXV").value_or("");
  record.core_file = field("COREDUMP_FILENAME").value_or("");
  record.core_truncated = number(field("COREDUMP_TRUNCATED")) != 0;
  return record;
}

std::string maps_state(const CrashRecord& record) {
  if (!record.proc_maps) return "missing";
  return !record.proc_maps->empty() && record.proc_maps->back() == '\n' ? "complete" : "truncated";
}

// The worst finding of a crash's layout; the error when it has none to show.
Result<Finding> worst_finding(const CrashRecord& record) {
  auto snapshot = snapshot_crash(record);
  if (!snapshot) return snapshot.error();
  Analysis analysis = analyze(std::move(snapshot).value());
  if (analysis.findings().empty()) return make_error(Errc::not_found, "no findings");
  return analysis.findings().front();
}

bool matches(const CrashRecord& record, const std::string& match) {
  if (std::to_string(record.pid) == match || record.comm == match) return true;
  return record.exe.find(match) != std::string::npos;
}

std::string json_line(const CrashRecord& record) {
  nlohmann::ordered_json line = {{"time_unix_ms", record.time_unix_ms}, {"pid", record.pid},
                                 {"exe", record.exe},                   {"comm", record.comm},
                                 {"signal", record.signal},             {"signal_name", signal_name(record.signal)},
                                 {"hostname", record.hostname},         {"maps", maps_state(record)},
                                 {"core_file", record.core_file},       {"worst", nullptr}};
  if (auto worst = worst_finding(record))
    line["worst"] = {{"id", worst->id}, {"severity", severity_name(worst->severity)}, {"summary", worst->summary}};
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

void declare_coredump_options(CLI::App& app, CoredumpOptions& options) {
  app.add_option("--coredump", options.match,
                 "The crashes systemd-coredump recorded: a table, or with MATCH (a pid, comm or part of the exe's "
                 "path) the layout of the latest that matches")
      ->expected(0, 1);
  // Given with or without MATCH: CLI11 counts it either way.
  app.parse_complete_callback([&app, &options] { options.coredump = app.count("--coredump") > 0; });
  app.add_option("--journal-file", options.journal_files, "Read these journal files (with --coredump)");
  app.add_option("--journal-dir", options.journal_dir, "Read the journal files in this folder (with --coredump)");
}

Result<std::vector<CrashRecord>> read_crash_records(const CoredumpOptions& options) {
  auto lib = cli::open_table<JournalLibrary>("libsystemd.so.0", "libsystemd0", "reading the journal",
                                        [](JournalLibrary& table) { LJMM_JOURNAL_FUNCTIONS(LJMM_LIBRARY_FIND) });
  if (!lib) return lib.error();
  auto journal = open_journal(*lib, options);
  if (!journal) return journal.error();
  sd_journal* j = journal->get();
  lib->sd_journal_set_data_threshold(j, 0);  // whole fields: a maps text is larger than the 64 KiB default
  if (int result = lib->sd_journal_add_match(j, coredump_message, 0); result < 0)
    return make_error(Errc::io_error, fmt::format("journal match: {}", std::strerror(-result)));
  std::vector<CrashRecord> records;
  for (lib->sd_journal_seek_head(j); lib->sd_journal_next(j) > 0;) records.push_back(read_entry(*lib, j));
  return records;
}

int print_crash_table(const std::vector<CrashRecord>& records, const Options& options) {
  if (options.format == "json") {
    for (const CrashRecord& record : records) cli::write_stdout(json_line(record));
    return cli::exit_ok;
  }
  fmt::print("{:<19}  {:>8}  {:<8}  {:<9}  {}\n", "TIME (UTC)", "PID", "SIGNAL", "MAPS", "EXE / WORST FINDING");
  for (const CrashRecord& record : records) {
    auto worst = worst_finding(record);
    std::string time = fmt::format("{:%Y-%m-%d %H:%M:%S}", fmt::gmtime(static_cast<std::time_t>(record.time_unix_ms / 1000)));
    fmt::print("{:<19}  {:>8}  {:<8}  {:<9}  {}\n", time, record.pid, signal_name(record.signal), maps_state(record),
               record.exe);
    fmt::print("{:<52}{}\n", "", worst ? fmt::format("{} {}: {}", severity_name(worst->severity), worst->id, worst->summary)
                                       : worst.error().message);
  }
  if (records.empty()) fmt::print("no crashes recorded by systemd-coredump\n");
  return cli::exit_ok;
}

Result<Snapshot> load_crash(const std::vector<CrashRecord>& records, const std::string& match) {
  for (auto record = records.rbegin(); record != records.rend(); ++record) {
    if (!matches(*record, match)) continue;
    if (!record->core_file.empty() && ::access(record->core_file.c_str(), R_OK) == 0) {
      auto snapshot = cli::load_core(record->core_file);
      if (snapshot && snapshot->post_mortem) snapshot->post_mortem->crashed_at_unix_ms = record->time_unix_ms;
      return snapshot;
    }
    return snapshot_crash(*record);
  }
  return make_error(Errc::not_found, fmt::format("no crash recorded by systemd-coredump matches \"{}\"", match));
}

}  // namespace ljmm::inspect
