// One line of /proc/PID/maps as a typed value, and the pure parser for the whole file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ljmm/export.hpp"
#include "ljmm/result.hpp"

namespace ljmm {

// What the pathname column says, typed so later stages never compare strings.
enum class RegionKind : uint8_t {
  anonymous,     // no pathname
  file,          // a path (may contain spaces; see Region::deleted)
  heap,          // [heap]
  stack,         // [stack]
  thread_stack,  // [stack:TID] (kernels before 4.5)
  vdso,          // [vdso]
  vvar,          // [vvar], [vvar_vclock]
  vsyscall,      // [vsyscall]
  anon_named,    // [anon:NAME] from prctl(PR_SET_VMA_ANON_NAME)
  anon_shmem,    // [anon_shmem:NAME]
  special,       // any other [bracketed] name a newer kernel invents
};

LJMM_API const char* region_kind_name(RegionKind kind);

struct LJMM_API Perms {
  bool read = false;
  bool write = false;
  bool exec = false;
  bool shared = false;  // 's' in the fourth column; 'p' is private

  std::string str() const;  // "rw-p"
  bool none() const { return !read && !write && !exec; }  // PROT_NONE: reserved, not accessible
  bool operator==(const Perms&) const = default;
};

// One smaps field, "Rss: 4 kB" -> {"Rss", 4096}. Unknown fields are kept as they come.
struct LJMM_API SmapsField {
  std::string name;
  uint64_t value = 0;  // bytes for "kB" fields, the bare number otherwise
  bool operator==(const SmapsField&) const = default;
};

// What /proc/PID/smaps adds to a region: its "Name: value" fields in the kernel's order and its
// VmFlags line. Empty unless smaps was read, and then held in one allocation: each region read
// from maps alone (65,000 in a big process) carries 8 bytes for it, not the 56 of a vector and a
// string, and every pass over the regions reads that much less.
class LJMM_API RegionSmaps {
 public:
  RegionSmaps() = default;
  RegionSmaps(const RegionSmaps& other);
  RegionSmaps& operator=(const RegionSmaps& other);
  RegionSmaps(RegionSmaps&&) noexcept = default;
  RegionSmaps& operator=(RegionSmaps&&) noexcept = default;
  ~RegionSmaps() = default;

  // The fields, in the kernel's order: for (const SmapsField& field : region.smaps) ...
  std::span<const SmapsField> fields() const {
    return data_ ? std::span<const SmapsField>(data_->fields) : std::span<const SmapsField>();
  }
  const SmapsField* begin() const { return fields().data(); }
  const SmapsField* end() const { return fields().data() + fields().size(); }
  bool empty() const { return fields().empty(); }  // no field (VmFlags aside)
  // A field's value by name, 0 when absent.
  uint64_t value(std::string_view name) const;
  // "rd wr mr mw me ac sd"; empty when smaps was not read.
  std::string_view vm_flags() const { return data_ ? std::string_view(data_->vm_flags) : std::string_view(); }

  void add(SmapsField field);
  void set_vm_flags(std::string_view flags);
  // Drops the fields (the sizes of pages) and keeps VmFlags (what the mapping is).
  void clear_fields();

  bool operator==(const RegionSmaps& other) const;

 private:
  struct Data {
    std::vector<SmapsField> fields;
    std::string vm_flags;
  };
  Data& data();

  std::unique_ptr<Data> data_;
};

// Ordered so that it packs (112 bytes): a process's regions are passed over several times.
struct LJMM_API Region {
  uint64_t start = 0;
  uint64_t end = 0;
  uint64_t offset = 0;
  uint64_t inode = 0;
  uint32_t dev_major = 0;
  uint32_t dev_minor = 0;
  Perms perms;
  RegionKind kind = RegionKind::anonymous;
  bool deleted = false;  // file path ended in " (deleted)" (stripped from path)
  int thread_id = 0;     // for [stack:TID]
  // For the last mapping of a shared object's writable load segment: the anonymous bss its ELF
  // program header declares right after it (memsz beyond filesz, page-rounded as the loader maps
  // it; 0 when the bss fits in the last file page). Read from the file for live processes only.
  std::optional<uint64_t> declared_bss;
  std::string path;  // file path, or the NAME of [anon:NAME] / [special]; empty otherwise
  RegionSmaps smaps;  // from /proc/PID/smaps when it was read; empty otherwise

  uint64_t size() const { return end - start; }
  bool contains(uint64_t address) const { return address >= start && address < end; }
  // The pathname column as the kernel prints it: "/lib/x.so (deleted)", "[heap]", "".
  std::string label() const;
  // smaps field by name, 0 when absent.
  uint64_t smaps_value(std::string_view name) const { return smaps.value(name); }
  bool operator==(const Region&) const = default;
};

// Types the pathname column ("[heap]", "/lib/x.so (deleted)", "[anon:jit]", "") into `region`:
// its kind, path, deleted flag and thread id. Core files name their mappings with it too.
LJMM_API void classify_pathname(std::string_view name, Region& region);

// Parses one maps line (no trailing newline). line_number is used in the error text.
LJMM_API Result<Region> parse_maps_line(std::string_view line, size_t line_number);

// Parses a whole maps file. Any malformed line is an error naming its number and text;
// nothing is skipped silently. Blank lines (and a missing final newline) are accepted.
LJMM_API Result<std::vector<Region>> parse_maps(std::string_view text);

// The same parse for text that arrives in pieces (each read(2) of /proc/PID/maps): lines are
// parsed as they complete, so the whole text is never held. The first error ends the parse.
class LJMM_API MapsParser {
 public:
  // Room for that many regions is reserved up front: address space, not memory, until filled.
  explicit MapsParser(size_t expected_regions = 0);
  Status feed(std::string_view piece);
  // Parses a last line that has no newline and hands over the regions.
  Result<std::vector<Region>> finish();

 private:
  Status parse_line(std::string_view line);

  std::vector<Region> regions_;
  std::string partial_;  // the start of a line whose end has not arrived
  size_t line_number_ = 0;
  uint64_t previous_end_ = 0;
};

// One line as the kernel prints it in /proc/PID/maps (show_map_vma), without the newline.
LJMM_API std::string format_maps_line(const Region& region);
// The lines of every region, each ended by a newline: what /proc/PID/maps would read.
LJMM_API std::string format_maps(const std::vector<Region>& regions);

// Parses /proc/PID/smaps: maps header lines, each followed by "Name: value [kB]" lines.
LJMM_API Result<std::vector<Region>> parse_smaps(std::string_view text);

}  // namespace ljmm
