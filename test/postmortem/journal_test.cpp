// ljmm-inspect --coredump against a real journal file: entries in systemd-coredump's field layout
// (taken from a live process's /proc files) written by systemd-journal-remote, read back
// through sd-journal. One entry has its maps field cut off, one has none.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "command.hpp"
#include "compare.hpp"
#include "ljmm/child_process.hpp"

namespace ljmm::test {
namespace {

using nlohmann::json;
const std::string work = std::string(LJMM_POSTMORTEM_DIR) + "/journal";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The journal export format: NAME=value, or NAME, a little-endian 64-bit length and the bytes
// for values with newlines or binary data (the maps text, the auxv).
std::string export_field(const std::string& name, const std::string& value) {
  bool plain = value.find('\n') == std::string::npos &&
               std::all_of(value.begin(), value.end(), [](char c) { return c >= 32 && c < 127; });
  if (plain) return name + "=" + value + "\n";
  uint64_t size = value.size();
  return name + "\n" + std::string(reinterpret_cast<const char*>(&size), sizeof size) + value + "\n";
}

std::string entry(int pid, int index, const std::optional<std::string>& maps, const std::string& status,
                  const std::string& auxv) {
  std::string usec = std::to_string(1'700'000'000'000'000LL + index * 1'000'000LL);
  std::string out = export_field("__REALTIME_TIMESTAMP", usec) + export_field("__MONOTONIC_TIMESTAMP", "1000") +
                    export_field("_BOOT_ID", "0123456789abcdef0123456789abcdef") +
                    export_field("MESSAGE_ID", "fc2e22bc6ee647b6b90729ab34a250b1") +
                    export_field("MESSAGE", fmt::format("Process {} (ljmm-demo) of user 0 dumped core.", pid)) +
                    export_field("COREDUMP_PID", std::to_string(pid)) + export_field("COREDUMP_SIGNAL", "6") +
                    export_field("COREDUMP_SIGNAL_NAME", "SIGABRT") + export_field("COREDUMP_TIMESTAMP", usec) +
                    export_field("COREDUMP_EXE", tool("ljmm-demo")) + export_field("COREDUMP_COMM", "ljmm-demo") +
                    export_field("COREDUMP_PROC_STATUS", status) + export_field("COREDUMP_PROC_AUXV", auxv);
  if (maps) out += export_field("COREDUMP_PROC_MAPS", *maps);
  return out + "\n";
}

json inspect(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {tool("ljmm-inspect"), "--json"};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult result = run_command(argv);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return json::parse(result.out.empty() ? "{}" : result.out);
}

std::vector<std::string> rows(const json& document, const char* array, const char* a, const char* b, const char* c) {
  std::vector<std::string> out;
  for (const json& item : document[array]) out.push_back(fmt::format("{} {} {}", item[a].dump(), item[b].dump(), item[c].dump()));
  return out;
}

TEST(JournalTest, CrashesReadBackThroughSdJournal) {
  std::filesystem::remove_all(work);
  std::filesystem::create_directories(work);
  auto demo = spawn({tool("ljmm-demo"), "threads", "--mib", "8"}, SpawnOptions{.pipe_stdin = true, .pipe_stdout = true});
  ASSERT_TRUE(demo.ok());
  ASSERT_TRUE(demo->read_line(60'000).ok());
  int pid = demo->pid();
  std::string proc = fmt::format("/proc/{}/", pid);
  std::string maps = slurp(proc + "maps"), status = slurp(proc + "status"), auxv = slurp(proc + "auxv");
  json live = inspect({std::to_string(pid)});
  demo->kill_and_reap();

  std::string cut = maps.substr(0, maps.size() / 2);  // ends in the middle of a line
  if (cut.back() == '\n') cut.pop_back();
  std::ofstream(work + "/export") << entry(pid, 0, maps, status, auxv) << entry(pid + 1, 1, cut, status, auxv)
                                  << entry(pid + 2, 2, std::nullopt, status, auxv);
  std::string journal = work + "/crashes.journal";
  CommandResult written = run_command({"/bin/sh", "-c", fmt::format("/lib/systemd/systemd-journal-remote -o {} - < {}",
                                                                     journal, work + "/export")});
  ASSERT_EQ(written.exit_code, 0) << written.err;

  CommandResult lines = run_command({tool("ljmm-inspect"), "--coredump", "--journal-file", journal, "--json"});
  ASSERT_EQ(lines.exit_code, 0) << lines.err;
  std::vector<json> crashes;
  std::istringstream stream(lines.out);
  for (std::string line; std::getline(stream, line);) crashes.push_back(json::parse(line));
  ASSERT_EQ(crashes.size(), 3u);
  EXPECT_EQ(crashes[0]["maps"], "complete");
  EXPECT_EQ(crashes[0]["signal_name"], "SIGABRT");
  EXPECT_EQ(crashes[1]["maps"], "truncated");
  EXPECT_EQ(crashes[2]["maps"], "missing");
  EXPECT_TRUE(crashes[2]["worst"].is_null());

  json whole = inspect({"--coredump", std::to_string(pid), "--journal-file", journal});
  EXPECT_EQ(rows(whole, "regions", "start", "end", "perms"), rows(live, "regions", "start", "end", "perms"));
  for (json& finding : live["findings"]) finding["summary"] = as_post_mortem(finding["summary"], live);
  EXPECT_EQ(rows(whole, "findings", "severity", "id", "summary"), rows(live, "findings", "severity", "id", "summary"));
  EXPECT_EQ(whole["post_mortem"]["writer"], "systemd-coredump");
  EXPECT_GT(whole["post_mortem"]["thread_count"].get<int>(), 1);

  json truncated = inspect({"--coredump", std::to_string(pid + 1), "--journal-dir", work});
  ASSERT_FALSE(truncated["post_mortem"]["unseen"].empty());
  EXPECT_EQ(truncated["post_mortem"]["unseen"][0]["id"], "maps-truncated");
  EXPECT_LT(truncated["regions"].size(), live["regions"].size());

  CommandResult missing =
      run_command({tool("ljmm-inspect"), "--coredump", std::to_string(pid + 2), "--journal-file", journal});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.err.find("no COREDUMP_PROC_MAPS"), std::string::npos) << missing.err;

  // libsystemd is opened for the journal only: without it, the package to install, in one line.
  CommandResult no_library = run_command(
      without_library("libsystemd.so.0", {tool("ljmm-inspect"), "--coredump", "--journal-file", journal}));
  EXPECT_EQ(no_library.exit_code, 5) << no_library.err;
  EXPECT_EQ(std::count(no_library.err.begin(), no_library.err.end(), '\n'), 1) << no_library.err;
  EXPECT_NE(no_library.err.find("libsystemd0"), std::string::npos) << no_library.err;
}

}  // namespace
}  // namespace ljmm::test
