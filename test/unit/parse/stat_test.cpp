#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "ljmm/proc.hpp"
#include "ljmm/process.hpp"

namespace ljmm {
namespace {

// Field 3 is the state; 9 the flags; 26-28 code and stack; 45-47 data and the start of the break.
std::string stat_line(std::string_view comm, uint64_t flags) {
  std::string line = "4242 (" + std::string(comm) + ") S";
  for (int field = 4; field <= 52; ++field) {
    uint64_t value = field == 9    ? flags
                     : field == 26 ? 0x400000
                     : field == 27 ? 0x401000
                     : field == 28 ? 0x7ffc0000
                     : field == 45 ? 0x403000
                     : field == 46 ? 0x404000
                     : field == 47 ? 0x1200000
                                   : field;
    line += " " + std::to_string(value);
  }
  return line + "\n";
}

TEST(ParseStat, FieldsAfterACommWithSpacesAndParentheses) {
  ProcessInfo info;
  ASSERT_TRUE(parse_stat(stat_line("a) b (c", 0), info));
  EXPECT_EQ(info.comm, "a) b (c");
  EXPECT_EQ(info.state, 'S');
  EXPECT_FALSE(info.kernel_thread);
  EXPECT_EQ(info.start_code, 0x400000u);
  EXPECT_EQ(info.end_code, 0x401000u);
  EXPECT_EQ(info.start_stack, 0x7ffc0000u);
  EXPECT_EQ(info.start_data, 0x403000u);
  EXPECT_EQ(info.end_data, 0x404000u);
  EXPECT_EQ(info.start_brk, 0x1200000u);
}

TEST(ParseStat, KernelThreadsAreFlagged) {
  ProcessInfo info;
  ASSERT_TRUE(parse_stat(stat_line("kworker/0:1", 0x00208040), info));
  EXPECT_TRUE(info.kernel_thread);
}

TEST(ParseStat, TextWithoutCommIsMalformedAndShortTextLeavesZeros) {
  ProcessInfo info;
  Status status = parse_stat("4242 S 1 2 3", info);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, Errc::malformed);
  ProcessInfo short_info;
  ASSERT_TRUE(parse_stat("1 (x) R 0", short_info));
  EXPECT_EQ(short_info.state, 'R');
  EXPECT_EQ(short_info.start_brk, 0u);
}

// The kernel is the judge: our own code lies between start_code and end_code, and the break
// glibc reports lies at or above start_brk.
TEST(ParseStat, AgreesWithTheKernelAboutThisProcess) {
  std::ifstream file("/proc/self/stat");
  std::stringstream text;
  text << file.rdbuf();
  ProcessInfo info;
  ASSERT_TRUE(parse_stat(text.str(), info));
  auto code = reinterpret_cast<uintptr_t>(&parse_stat);
  EXPECT_LE(info.start_code, code);
  EXPECT_GT(info.end_code, code);
  EXPECT_LE(info.start_brk, reinterpret_cast<uintptr_t>(::sbrk(0)));
  EXPECT_EQ(info.state, 'R');
  std::ifstream comm_file("/proc/self/comm");  // the name stat gives is the one comm shows
  std::string comm;
  std::getline(comm_file, comm);
  EXPECT_EQ(info.comm, comm);
}

TEST(ParseStatusField, NumbersByNameAndTheKernelAgrees) {
  EXPECT_EQ(parse_status_field("Name:\tx\nTgid:\t77\nPid:\t78\n", "Tgid"), 77u);
  EXPECT_EQ(parse_status_field("Name:\tx\nTgid:\t77\nPid:\t78", "Pid"), 78u);
  EXPECT_FALSE(parse_status_field("TgidX:\t1\nName:\tTgid\n", "Tgid"));
  EXPECT_FALSE(parse_status_field("Tgid:\tnone\n", "Tgid"));
  std::ifstream file("/proc/self/status");
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_EQ(parse_status_field(text.str(), "Tgid"), static_cast<uint64_t>(::getpid()));
}

TEST(ReadThreadIds, ThisProcessAndAMissingOne) {
  auto threads = read_thread_ids(::getpid());
  ASSERT_TRUE(threads.ok());
  EXPECT_EQ(threads->front(), ::getpid());
  auto missing = read_thread_ids(0x3fffffff);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::not_found);
}

TEST(BrkSource, NamesReadBack) {
  for (BrkSource source :
       {BrkSource::unknown, BrkSource::start_brk, BrkSource::heap_end, BrkSource::glibc, BrkSource::presumed})
    EXPECT_EQ(parse_brk_source(brk_source_name(source)), source);
  EXPECT_FALSE(parse_brk_source("sbrk"));
}

}  // namespace
}  // namespace ljmm
