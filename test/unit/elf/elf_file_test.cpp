// The ELF reader against binutils' readelf on real files: libc, this test program, an i386 program.
#include "elf/elf_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "command.hpp"

namespace ljmm::detail {
namespace {

std::string libc_path() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    size_t slash = line.find('/');
    if (slash != std::string::npos && line.find("libc.so") != std::string::npos) return line.substr(slash);
  }
  return {};
}

// readelf -Ws's value of one symbol, as hex.
uint64_t readelf_value(const std::string& path, const std::string& name) {
  auto result = test::run_command({"readelf", "-Ws", "--dyn-syms", path});
  std::istringstream lines(result.out);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string number, value, size, type, bind, visibility, index, symbol;
    if (!(fields >> number >> value >> size >> type >> bind >> visibility >> index >> symbol)) continue;
    if (symbol == name || symbol.rfind(name + "@", 0) == 0) return std::stoull(value, nullptr, 16);
  }
  return 0;
}

size_t readelf_loads(const std::string& path) {
  auto result = test::run_command({"readelf", "-lW", path});
  std::istringstream lines(result.out);
  std::string line;
  size_t loads = 0;
  while (std::getline(lines, line))
    if (line.find("  LOAD ") != std::string::npos) ++loads;
  return loads;
}

TEST(ElfFile, GlibcsBreakSymbolAsReadelfSeesIt) {
  std::string libc = libc_path();
  ASSERT_FALSE(libc.empty());
  auto file = read_elf_file(libc);
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_TRUE(file->position_independent);
  const ElfSymbol* curbrk = file->find("__curbrk");
  ASSERT_NE(curbrk, nullptr);
  EXPECT_FALSE(curbrk->function);
  EXPECT_EQ(curbrk->value, readelf_value(libc, "__curbrk"));
  const ElfSymbol* malloc_symbol = file->find("malloc");
  ASSERT_NE(malloc_symbol, nullptr);
  EXPECT_TRUE(malloc_symbol->function);
  EXPECT_EQ(file->containing(malloc_symbol->value + 1), malloc_symbol);
  EXPECT_EQ(file->loads.size(), readelf_loads(libc));
}

TEST(ElfFile, HeaderOnlyReadsTypeAndSegments) {
  auto file = read_elf_file("/proc/self/exe", ElfParts::header);
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_TRUE(file->symbols.empty());
  EXPECT_EQ(file->loads.size(), readelf_loads("/proc/self/exe"));
  bool has_bss = false;
  for (const ElfLoadSegment& load : file->loads) has_bss |= load.writable && load.memory_size > load.file_size;
  EXPECT_TRUE(has_bss) << "a C++ test program has a .bss";
}

TEST(ElfFile, ThirtyTwoBitProgramsToo) {
  std::string dir = ::testing::TempDir() + "elf32." + std::to_string(::getpid());
  ASSERT_EQ(test::run_command({"mkdir", "-p", dir}).exit_code, 0);
  std::ofstream(dir + "/p.s") << ".globl _start\n.text\n_start:\n movl $1, %eax\n int $0x80\n"
                                 ".data\n.globl counter\ncounter: .long 7\n.type counter, @object\n.size counter, 4\n";
  ASSERT_EQ(test::run_command({"as", "--32", "-o", dir + "/p.o", dir + "/p.s"}).exit_code, 0);
  ASSERT_EQ(test::run_command({"ld", "-m", "elf_i386", "-o", dir + "/p", dir + "/p.o"}).exit_code, 0);
  auto file = read_elf_file(dir + "/p");
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_FALSE(file->position_independent);
  const ElfSymbol* counter = file->find("counter");
  ASSERT_NE(counter, nullptr);
  EXPECT_EQ(counter->value, readelf_value(dir + "/p", "counter"));
  EXPECT_EQ(counter->size, 4u);
  EXPECT_EQ(file->loads.size(), readelf_loads(dir + "/p"));
  test::run_command({"rm", "-rf", dir});
}

TEST(ElfFile, BadFilesAreErrorsNeverReads) {
  EXPECT_EQ(read_elf_file("/nonexistent/x").error().code, Errc::not_found);
  EXPECT_EQ(read_elf_file("/proc/self/maps").error().code, Errc::malformed);
  EXPECT_EQ(parse_elf("", "empty", ElfParts::header_and_symbols).error().code, Errc::malformed);
  EXPECT_EQ(parse_elf("\x7f"
                      "ELF\x02\x01",
                      "short", ElfParts::header_and_symbols)
                .error()
                .code,
            Errc::malformed);
  // A real header whose tables point past the end of the (truncated) file: no symbols, no crash.
  std::ifstream libc(libc_path(), std::ios::binary);
  std::string head(4096, '\0');
  libc.read(head.data(), static_cast<std::streamsize>(head.size()));
  auto truncated = parse_elf(head, "truncated", ElfParts::header_and_symbols);
  ASSERT_TRUE(truncated.ok());
  EXPECT_TRUE(truncated->symbols.empty());
  // Every prefix of the header and tables: never a read outside the bytes (ASan build checks).
  for (size_t size = 0; size < head.size(); size += 7)
    (void)parse_elf(head.substr(0, size), "prefix", ElfParts::header_and_symbols);
}

}  // namespace
}  // namespace ljmm::detail

// A symbol without a size (such as _fini) names its own address only: the addresses after it
// are in no symbol, not in it (a frame was once shown as "_fini+0x993").
TEST(ElfFile, ASymbolWithoutASizeDoesNotCoverWhatFollowsIt) {
  ljmm::detail::ElfFile file;
  file.symbols = {{"main", 0x1000, 0x20, true}, {"_fini", 0x2000, 0, true}, {"alias", 0x3000, 0, true},
                  {"sized", 0x3000, 0x40, true}};
  EXPECT_EQ(file.containing(0x1010)->name, "main");
  EXPECT_EQ(file.containing(0x1020), nullptr);
  EXPECT_EQ(file.containing(0x2000)->name, "_fini");
  EXPECT_EQ(file.containing(0x2993), nullptr);
  EXPECT_EQ(file.containing(0x3010)->name, "sized");  // of two at one value, the one that covers it
}

TEST(ElfFile, ReadsTheBuildId) {
  auto file = ljmm::detail::read_elf_file("/proc/self/exe");
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_EQ(file->build_id.size(), 40u) << "a SHA-1 build ID, as GCC's linker writes by default";
}
