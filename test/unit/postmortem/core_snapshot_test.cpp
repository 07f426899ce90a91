// The core reader on small cores built here byte by byte, for what real cores rarely show: a
// core cut short, the names the auxiliary vector gives, a damaged NT_FILE; and a journal
// entry whose maps field is cut off or missing.
#include <elf.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "elf/core_file.hpp"
#include "ljmm/postmortem.hpp"

namespace ljmm {
namespace {

constexpr uint64_t exe = 0x400000, vdso = 0x7f0000000000, stack = 0x7ffffffde000, stack_end = 0x7ffffffff000;

template <class T>
void put(std::string& out, const T& value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

std::string note(uint32_t type, const std::string& desc) {
  std::string out;
  put(out, Elf64_Nhdr{5, static_cast<Elf64_Word>(desc.size()), type});
  out += std::string("CORE\0\0\0\0", 8) + desc + std::string((4 - desc.size() % 4) % 4, '\0');
  return out;
}

std::string words(const std::vector<uint64_t>& values) {
  std::string out;
  for (uint64_t value : values) put(out, value);
  return out;
}

// A core of three mappings: the executable (from NT_FILE), the vdso and the stack, whose first
// page alone is dumped and holds the AT_EXECFN string.
std::string small_core(bool with_file_note, const std::string& file_note = {}) {
  std::string notes = note(NT_AUXV, words({AT_PHDR, exe + 64, AT_SYSINFO_EHDR, vdso, AT_PAGESZ, 4096, AT_EXECFN,
                                           stack + 4096 - 16, AT_NULL, 0}));
  if (with_file_note)
    notes += note(NT_FILE, file_note.empty() ? words({1, 4096, exe, exe + 0x1000, 0}) + std::string("/bin/x\0", 7)
                                             : file_note);
  std::string stack_page(4096, '\0');
  std::memcpy(stack_page.data() + 4096 - 16, "/bin/x", 6);
  Elf64_Ehdr header{};
  std::memcpy(header.e_ident, ELFMAG, SELFMAG);
  header.e_ident[EI_CLASS] = ELFCLASS64;
  header.e_ident[EI_DATA] = ELFDATA2LSB;
  header.e_type = ET_CORE;
  header.e_machine = EM_X86_64;
  header.e_phoff = sizeof header;
  header.e_phentsize = sizeof(Elf64_Phdr);
  header.e_phnum = 4;
  uint64_t notes_at = sizeof header + 4 * sizeof(Elf64_Phdr), stack_at = notes_at + notes.size();
  std::string out;
  put(out, header);
  put(out, Elf64_Phdr{PT_NOTE, 0, notes_at, 0, 0, notes.size(), 0, 4});
  put(out, Elf64_Phdr{PT_LOAD, PF_R | PF_X, stack_at, exe, 0, 0, 0x1000, 4096});
  put(out, Elf64_Phdr{PT_LOAD, PF_R | PF_X, stack_at, vdso, 0, 0, 0x2000, 4096});
  put(out, Elf64_Phdr{PT_LOAD, PF_R | PF_W, stack_at, stack, 0, 4096, stack_end - stack, 4096});
  return out + notes + stack_page;
}

const Unseen* find(const Snapshot& snapshot, std::string_view id) {
  for (const Unseen& unseen : snapshot.post_mortem->unseen)
    if (unseen.id == id) return &unseen;
  return nullptr;
}

TEST(CoreSnapshot, NamesTheMappingsFromTheNotes) {
  std::string core = small_core(true);
  auto snapshot = snapshot_core_bytes(core, Source{SourceKind::core_file, 0, "small"}, {.read_mapped_files = false});
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().message;
  ASSERT_EQ(snapshot->regions.size(), 3u);
  EXPECT_EQ(snapshot->regions[0].label(), "/bin/x");
  EXPECT_EQ(snapshot->regions[0].perms.str(), "r-xp");
  EXPECT_EQ(snapshot->regions[1].label(), "[vdso]");
  EXPECT_EQ(snapshot->regions[2].label(), "[stack]");
  EXPECT_EQ(snapshot->process.exe, "/bin/x");
  EXPECT_EQ(snapshot->post_mortem->at_execfn, "/bin/x");
  ASSERT_NE(find(*snapshot, "pages-not-dumped"), nullptr);
  EXPECT_EQ(find(*snapshot, "pages-not-dumped")->count, 3u);  // the stack only in part
  EXPECT_NE(find(*snapshot, "break-unknown"), nullptr);
  EXPECT_EQ(find(*snapshot, "file-note-missing"), nullptr);
}

TEST(CoreSnapshot, SaysWhenNoMappingHasAPath) {
  std::string core = small_core(false);
  auto snapshot = snapshot_core_bytes(core, Source{SourceKind::core_file, 0, "small"}, {.read_mapped_files = false});
  ASSERT_TRUE(snapshot.ok());
  ASSERT_NE(find(*snapshot, "file-note-missing"), nullptr);
  EXPECT_EQ(find(*snapshot, "file-note-missing")->count, 3u);
  EXPECT_EQ(snapshot->regions[0].kind, RegionKind::anonymous);
}

TEST(CoreSnapshot, ACoreCutShortIsMalformedOrNotDumped) {
  std::string core = small_core(true);
  auto headers_only = snapshot_core_bytes(core.substr(0, 100), Source{SourceKind::core_file, 0, "cut"}, {});
  ASSERT_FALSE(headers_only.ok());
  EXPECT_EQ(headers_only.error().code, Errc::malformed);
  // Cut inside the stack's page: the segment is there, its bytes are not.
  auto pages_cut = detail::parse_core(core.substr(0, core.size() - 100), "cut");
  ASSERT_TRUE(pages_cut.ok());
  EXPECT_EQ(pages_cut->loads.back().file_size, 4096u - 100u);
}

// fuzz_core found it (crash-3894...): NT_FILE entries without a segment that
// overlap each other must not break the regions' order.
TEST(CoreSnapshot, OverlappingFileEntriesAreLeftOutAndSaid) {
  std::string files = words({2, 4096, 0x500000, 0x502000, 0, 0x501000, 0x503000, 0}) + std::string("/a\0/b\0", 6);
  std::string core = small_core(true, files);
  auto snapshot = snapshot_core_bytes(core, Source{SourceKind::core_file, 0, "overlap"}, {.read_mapped_files = false});
  ASSERT_TRUE(snapshot.ok());
  for (size_t i = 1; i < snapshot->regions.size(); ++i)
    EXPECT_GE(snapshot->regions[i].start, snapshot->regions[i - 1].end);
  ASSERT_NE(find(*snapshot, "segments-overlapping"), nullptr);
  EXPECT_EQ(find(*snapshot, "segments-overlapping")->count, 1u);
}

TEST(CrashRecord, AMapsFieldCutOffKeepsItsWholeLines) {
  CrashRecord record;
  record.pid = 42;
  record.exe = "/bin/x";
  record.proc_maps =
      "00400000-00401000 r-xp 00000000 08:01 12 /bin/x\n"
      "7ffffffde000-7ffffffff000 rw-p 00000000 00:00 0 [stack]\n"
      "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0   [vsy";
  auto snapshot = snapshot_crash(record);
  ASSERT_TRUE(snapshot.ok()) << snapshot.error().message;
  EXPECT_EQ(snapshot->regions.size(), 2u);
  ASSERT_FALSE(snapshot->post_mortem->unseen.empty());
  EXPECT_EQ(snapshot->post_mortem->unseen.front().id, "maps-truncated");

  record.proc_maps.reset();
  auto missing = snapshot_crash(record);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("COREDUMP_PROC_MAPS"), std::string::npos);
}

}  // namespace
}  // namespace ljmm
