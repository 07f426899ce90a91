#include "elf/core_file.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "elf/bytes.hpp"

namespace ljmm::detail {

namespace {

// Where the kernel's elf_prstatus and elf_prpsinfo (include/linux/elfcore.h, and the compat
// versions an i386 process gets on x86-64) keep what is read here. gdb writes the same layouts.
struct NoteLayout {
  size_t word;            // bytes of a long and of a register
  size_t prstatus_pid;    // pr_pid
  size_t prstatus_regs;   // pr_reg: user_regs_struct
  size_t stack_pointer;   // index of rsp / esp in pr_reg
  size_t prpsinfo_pid;    // pr_pid
  size_t prpsinfo_fname;  // pr_fname[16], then pr_psargs[80]
};
constexpr NoteLayout x86_64_layout{8, 32, 112, 19, 24, 40};
constexpr NoteLayout i386_layout{4, 24, 72, 15, 12, 28};
constexpr size_t prstatus_cursig = 12;  // after si_signo, si_code, si_errno in both
constexpr size_t fname_bytes = 16;
constexpr size_t psargs_bytes = 80;

uint64_t word_at(std::string_view desc, size_t at, size_t word) {
  uint64_t value = 0;
  std::memcpy(&value, desc.data() + at, word);  // little-endian: the low bytes come first
  return value;
}

int32_t int_at(std::string_view desc, size_t at) {
  int32_t value = 0;
  std::memcpy(&value, desc.data() + at, sizeof value);
  return value;
}

std::string c_string(std::string_view field) { return std::string(field.substr(0, field.find('\0'))); }

// NT_FILE: count and page size, `count` triples (start, end, offset in pages), then the paths,
// each ending in NUL. A note that ends early keeps the entries whose path it holds.
bool read_file_note(std::string_view desc, size_t word, CoreFile& core) {
  if (desc.size() < 2 * word) return false;
  uint64_t count = word_at(desc, 0, word), page_size = word_at(desc, word, word);
  if (count > (desc.size() - 2 * word) / (3 * word)) return false;
  size_t names = (2 + 3 * count) * word;
  for (uint64_t i = 0; i < count; ++i) {
    size_t entry = (2 + 3 * i) * word;
    size_t end = desc.find('\0', names);
    if (end == std::string_view::npos) return false;
    core.files.push_back({word_at(desc, entry, word), word_at(desc, entry + word, word),
                          word_at(desc, entry + 2 * word, word) * page_size,
                          std::string(desc.substr(names, end - names))});
    names = end + 1;
  }
  return true;
}

bool read_core_note(const ElfNote& note, const NoteLayout& layout, CoreFile& core) {
  std::string_view desc = note.desc;
  switch (note.type) {
    case NT_PRSTATUS: {
      size_t sp = layout.prstatus_regs + layout.stack_pointer * layout.word;
      if (desc.size() < sp + layout.word) return false;
      int16_t cursig = 0;
      std::memcpy(&cursig, desc.data() + prstatus_cursig, sizeof cursig);
      core.threads.push_back({int_at(desc, layout.prstatus_pid), cursig, word_at(desc, sp, layout.word)});
      return true;
    }
    case NT_PRPSINFO:
      if (desc.size() < layout.prpsinfo_fname + fname_bytes + psargs_bytes) return false;
      core.pid = int_at(desc, layout.prpsinfo_pid);
      core.command = c_string(desc.substr(layout.prpsinfo_fname, fname_bytes));
      core.arguments = c_string(desc.substr(layout.prpsinfo_fname + fname_bytes, psargs_bytes));
      return true;
    case NT_SIGINFO:
      if (desc.size() < sizeof(int32_t)) return false;
      core.signal = int_at(desc, 0);
      return true;
    case NT_AUXV:
      for (size_t at = 0; at + 2 * layout.word <= desc.size(); at += 2 * layout.word)
        if (uint64_t type = word_at(desc, at, layout.word); type != AT_NULL)
          core.auxv.emplace_back(type, word_at(desc, at + layout.word, layout.word));
      return true;
    case NT_FILE:
      core.has_file_note = true;
      return read_file_note(desc, layout.word, core);
    default: return true;  // registers and the like: nothing about the layout
  }
}

template <class Types>
Result<CoreFile> parse_class(std::string_view bytes, const std::string& origin) {
  Bytes view(bytes);
  auto* where = view.at<typename Types::Ehdr>(0);
  if (!where) return make_error(Errc::malformed, fmt::format("{}: ELF header cut short", origin));
  auto header = load(where);
  if (header.e_type != ET_CORE) return make_error(Errc::malformed, fmt::format("{}: an ELF file but not a core", origin));
  if (header.e_machine != EM_X86_64 && header.e_machine != EM_386)
    return make_error(Errc::malformed, fmt::format("{}: a core of machine {}, not x86", origin, header.e_machine));
  uint64_t count = header.e_phnum;
  if (count == PN_XNUM) {  // more than 65534 segments: the count is in section 0's sh_info
    auto* section = view.at<typename Types::Shdr>(header.e_shoff);
    if (!section) return make_error(Errc::malformed, fmt::format("{}: segment count cut short", origin));
    count = load(section).sh_info;
  }
  auto* table = header.e_phentsize == sizeof(typename Types::Phdr)
                    ? view.at<typename Types::Phdr>(header.e_phoff, count)
                    : nullptr;
  if (!table) return make_error(Errc::malformed, fmt::format("{}: program headers cut short", origin));
  CoreFile core;
  core.is_64 = sizeof(typename Types::Ehdr) == sizeof(Elf64_Ehdr);
  const NoteLayout& layout = core.is_64 ? x86_64_layout : i386_layout;
  for (uint64_t i = 0; i < count; ++i) {
    auto program = load(table + i);
    if (program.p_type == PT_LOAD) {
      // A core cut short (disk full, a size limit) holds less than its headers promise.
      uint64_t in_file = program.p_offset < bytes.size() ? bytes.size() - program.p_offset : 0;
      core.loads.push_back({program.p_vaddr, program.p_memsz, program.p_offset,
                            std::min<uint64_t>({program.p_filesz, program.p_memsz, in_file}),
                            (program.p_flags & PF_R) != 0, (program.p_flags & PF_W) != 0, (program.p_flags & PF_X) != 0});
    } else if (program.p_type == PT_NOTE) {
      for_each_note(bytes, program.p_offset, program.p_offset + program.p_filesz, [&](const ElfNote& note) {
        if (note.name == "GDB") core.written_by_gdb = true;
        if (note.name == "CORE" && !read_core_note(note, layout, core)) ++core.unreadable_notes;
      });
    }
  }
  if (core.signal == 0 && !core.threads.empty()) core.signal = core.threads.front().signal;
  return core;
}

template <class Types>
std::string build_id_of(const CoreFile& core, std::string_view bytes, uint64_t base) {
  typename Types::Ehdr header;
  if (!read_core_memory(core, bytes, base, &header, sizeof header) || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 ||
      header.e_phentsize != sizeof(typename Types::Phdr) || header.e_phnum > 64)
    return {};
  for (size_t i = 0; i < header.e_phnum; ++i) {
    typename Types::Phdr program;
    if (!read_core_memory(core, bytes, base + header.e_phoff + i * sizeof program, &program, sizeof program)) return {};
    if (program.p_type != PT_NOTE || program.p_filesz > 4096) continue;
    std::string notes(program.p_filesz, '\0');
    uint64_t address = header.e_type == ET_DYN ? base + program.p_vaddr : program.p_vaddr;
    if (!read_core_memory(core, bytes, address, notes.data(), notes.size())) continue;
    std::string id;
    for_each_note(notes, 0, notes.size(), [&](const ElfNote& note) {
      if (note.type == NT_GNU_BUILD_ID && note.name == "GNU" && id.empty()) id = hex_bytes(note.desc);
    });
    if (!id.empty()) return id;
  }
  return {};
}

}  // namespace

std::optional<uint64_t> CoreFile::auxv_value(uint64_t type) const {
  for (const auto& [key, value] : auxv)
    if (key == type) return value;
  return std::nullopt;
}

Result<CoreFile> parse_core(std::string_view bytes, const std::string& origin) {
  if (bytes.size() < EI_NIDENT || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0)
    return make_error(Errc::malformed, fmt::format("{}: not an ELF core file", origin));
  if (bytes[EI_DATA] != ELFDATA2LSB)
    return make_error(Errc::malformed, fmt::format("{}: not a little-endian core", origin));
  switch (bytes[EI_CLASS]) {
    case ELFCLASS64: return parse_class<Elf64Types>(bytes, origin);
    case ELFCLASS32: return parse_class<Elf32Types>(bytes, origin);
    default: return make_error(Errc::malformed, fmt::format("{}: unknown ELF class", origin));
  }
}

bool read_core_memory(const CoreFile& core, std::string_view bytes, uint64_t address, void* out, size_t size) {
  for (const CoreLoad& load : core.loads) {
    if (address < load.start || address - load.start >= load.file_size) continue;
    uint64_t at = address - load.start;
    if (size > load.file_size - at) return false;
    std::memcpy(out, bytes.data() + load.file_offset + at, size);
    return true;
  }
  return false;
}

std::string read_core_string(const CoreFile& core, std::string_view bytes, uint64_t address) {
  for (const CoreLoad& load : core.loads) {
    if (address < load.start || address - load.start >= load.file_size) continue;
    std::string_view dumped = bytes.substr(load.file_offset + (address - load.start),
                                           std::min<uint64_t>(load.file_size - (address - load.start), 4096));
    size_t end = dumped.find('\0');
    return end == std::string_view::npos ? std::string() : std::string(dumped.substr(0, end));
  }
  return {};
}

std::string core_build_id(const CoreFile& core, std::string_view bytes, uint64_t base) {
  return core.is_64 ? build_id_of<Elf64Types>(core, bytes, base) : build_id_of<Elf32Types>(core, bytes, base);
}

}  // namespace ljmm::detail
