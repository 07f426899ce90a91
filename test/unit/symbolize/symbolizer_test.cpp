// Naming stack frames: from the maps of the live process, or from the file the kernel named at
// the call when the process is gone.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ljmm/proc.hpp"
#include "ljmm/symbolizer.hpp"
#include "ljmm/units.hpp"

namespace ljmm {
namespace {

uint32_t exited_pid() {
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return static_cast<uint32_t>(child);
}

// Where libc's mmap is in this process, and the file it is mapped from, as BPF reports it.
struct LibcFrame {
  uint64_t address = 0;
  FrameFile file;
};

LibcFrame libc_mmap_frame() {
  LibcFrame frame;
  // libc's own mmap, not a sanitizer's interceptor of the same name.
  void* libc = ::dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);
  EXPECT_NE(libc, nullptr);
  frame.address = reinterpret_cast<uint64_t>(::dlsym(libc, "mmap")) + 0x13;
  auto maps = parse_maps(read_proc_file(::getpid(), "maps").value());
  for (const Region& region : maps.value()) {
    if (!region.contains(frame.address)) continue;
    EXPECT_NE(region.path.find("libc.so"), std::string::npos) << region.path;
    frame.file =
        FrameFile{region.offset + (frame.address - region.start), region.inode, region.dev_major, region.dev_minor};
  }
  return frame;
}

TEST(Symbolizer, NamesFramesOfALiveProcessFromItsMaps) {
  LibcFrame frame = libc_mmap_frame();
  Symbolizer symbolizer;
  std::string name = symbolizer.symbolize(static_cast<uint32_t>(::getpid()), frame.address);
  EXPECT_NE(name.find("mmap"), std::string::npos) << name;
  EXPECT_NE(name.find("+0x13 (libc.so.6)"), std::string::npos) << name;
}

TEST(Symbolizer, NamesFramesOfAnExitedProcessFromTheFileTheKernelNamed) {
  LibcFrame frame = libc_mmap_frame();
  ASSERT_NE(frame.file.inode, 0u);
  uint32_t gone = exited_pid();
  Symbolizer symbolizer;
  std::string name = symbolizer.symbolize(gone, frame.address, &frame.file);
  EXPECT_NE(name.find("mmap"), std::string::npos) << name;
  EXPECT_NE(name.find("+0x13 (libc.so.6)"), std::string::npos) << name;
  // Without the file, nothing can name it: the address, never a wrong name.
  EXPECT_EQ(Symbolizer().symbolize(gone, frame.address), format_address_short(frame.address));
}

TEST(Symbolizer, AnUnknownFileFallsBackToTheAddress) {
  FrameFile nowhere{0x1000, 999999999, 0xfff, 0xfff};
  uint32_t gone = exited_pid();
  EXPECT_EQ(Symbolizer().symbolize(gone, 0x7f0000001000, &nowhere), format_address_short(0x7f0000001000));
}

}  // namespace
}  // namespace ljmm
