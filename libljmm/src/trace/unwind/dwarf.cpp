#include "trace/unwind/dwarf.hpp"

#include <elfutils/libdwfl.h>
#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "ljmm/maps.hpp"
#include "ljmm/proc.hpp"

namespace ljmm::trace::detail {

namespace {

// The one thread unwound at a time: libdw asks for its registers and its stack memory.
pid_t next_thread(Dwfl*, void* dwfl_arg, void** thread_argp);
bool get_thread(Dwfl*, pid_t, void* dwfl_arg, void** thread_argp);
bool memory_read(Dwfl*, Dwarf_Addr address, Dwarf_Word* result, void* dwfl_arg);
bool set_initial_registers(Dwfl_Thread* thread, void* thread_arg);

constexpr Dwfl_Thread_Callbacks thread_callbacks = {
    .next_thread = next_thread,
    .get_thread = get_thread,
    .memory_read = memory_read,
    .set_initial_registers = set_initial_registers,
    .detach = nullptr,
    .thread_detach = nullptr,
};

std::string dwfl_error() {
  const char* message = dwfl_errmsg(-1);
  return message ? message : "unknown libdw error";
}

}  // namespace

// A process's modules as libdw knows them (their CFI is cached with them), its maps for naming
// each frame's file, and the input of the unwind in progress.
struct DwarfUnwinder::Process {
  explicit Process(uint32_t pid) : pid(pid) {
    callbacks.find_elf = dwfl_linux_proc_find_elf;
    callbacks.find_debuginfo = dwfl_standard_find_debuginfo;  // .debug_frame from /usr/lib/debug by build-id
    callbacks.debuginfo_path = &debuginfo_path;
  }
  ~Process() {
    if (dwfl) dwfl_end(dwfl);
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Reports the modules mapped now and attaches the thread callbacks; false with `error` set.
  bool load() {
    dwfl = dwfl_begin(&callbacks);
    if (!dwfl) return fail();
    // The maps alone (not dwfl_linux_proc_report, which also needs /proc/PID/auxv for the vDSO:
    // that read fails now and then for a process that has just exec'd, and a system call is not
    // made from the vDSO).
    auto text = read_proc_file(static_cast<int>(pid), "maps");
    if (!text) {
      error = text.error().message;
      return false;
    }
    if (auto parsed = parse_maps(*text)) regions = std::move(parsed).value();
    std::unique_ptr<FILE, int (*)(FILE*)> maps(fmemopen(text->data(), text->size(), "r"), &std::fclose);
    if (!maps) {
      error = fmt::format("fmemopen: {}", std::strerror(errno));
      return false;
    }
    dwfl_report_begin(dwfl);
    int reported = dwfl_linux_proc_maps_report(dwfl, maps.get());
    if (dwfl_report_end(dwfl, nullptr, nullptr) != 0) return fail();
    if (reported != 0) {
      error = reported > 0 ? fmt::format("reading /proc/{}/maps: {}", pid, std::strerror(reported)) : dwfl_error();
      return false;
    }
    if (!dwfl_attach_state(dwfl, nullptr, static_cast<pid_t>(pid), &thread_callbacks, this)) return fail();
    return true;
  }

  bool fail() {
    error = dwfl_error();
    return false;
  }

  bool usable() const { return dwfl && error.empty(); }

  FrameFile file_of(uint64_t address) const {
    for (const Region& region : regions)
      if (region.contains(address) && region.kind == RegionKind::file)
        return FrameFile{region.offset + (address - region.start), region.inode, region.dev_major, region.dev_minor};
    return {};
  }

  uint32_t pid;
  char* debuginfo_path = nullptr;  // libdw's default search path
  Dwfl_Callbacks callbacks{};
  Dwfl* dwfl = nullptr;
  std::vector<Region> regions;
  std::string error;
  const UnwindInput* input = nullptr;  // set for the duration of one unwind
};

namespace {

using Process = DwarfUnwinder::Process;

pid_t next_thread(Dwfl*, void* dwfl_arg, void** thread_argp) {
  if (*thread_argp) return 0;  // one thread only
  *thread_argp = dwfl_arg;
  return static_cast<pid_t>(static_cast<Process*>(dwfl_arg)->input->tid);
}

bool get_thread(Dwfl*, pid_t, void* dwfl_arg, void** thread_argp) {
  *thread_argp = dwfl_arg;
  return true;
}

bool memory_read(Dwfl*, Dwarf_Addr address, Dwarf_Word* result, void* dwfl_arg) {
  const UnwindInput& input = *static_cast<Process*>(dwfl_arg)->input;
  uint64_t value = 0;
  if (!input.read(address, value)) return false;
  *result = value;
  return true;
}

bool set_initial_registers(Dwfl_Thread* thread, void* thread_arg) {
  const UnwindInput& input = *static_cast<Process*>(thread_arg)->input;
  return dwfl_thread_state_registers(thread, 0, unwind_registers, input.regs.data());
}

struct FrameWalk {
  std::vector<uint64_t>* frames;
  size_t max_frames;
};

int on_frame(Dwfl_Frame* state, void* arg) {
  auto* walk = static_cast<FrameWalk*>(arg);
  Dwarf_Addr pc = 0;
  if (!dwfl_frame_pc(state, &pc, nullptr)) return -1;
  walk->frames->push_back(pc);
  return walk->frames->size() >= walk->max_frames ? DWARF_CB_ABORT : DWARF_CB_OK;
}

}  // namespace

DwarfUnwinder::DwarfUnwinder() = default;
DwarfUnwinder::~DwarfUnwinder() = default;

void DwarfUnwinder::forget(uint32_t pid) { processes_.erase(pid); }

bool DwarfUnwinder::usable(const Modules& modules) { return modules && modules->usable(); }

DwarfUnwinder::Modules DwarfUnwinder::prepare(uint32_t pid, uint64_t ip) {
  Modules& known = processes_[pid];
  // Read again when reading failed (the process was in the middle of an exec) or when the code
  // was mapped since (dlopen).
  if (known && known->dwfl && known->error.empty() && dwfl_addrmodule(known->dwfl, ip)) return known;
  known = std::make_shared<Process>(pid);
  known->load();
  return known;
}

Unwound DwarfUnwinder::unwind(const Modules& modules, const UnwindInput& input, size_t max_frames) {
  Unwound unwound;
  Process* target = modules.get();
  if (!target || !target->dwfl || !target->error.empty()) {
    unwound.why = target ? target->error : "no modules";
    return unwound;
  }
  target->input = &input;
  if (input.beyond_copy) *input.beyond_copy = false;
  FrameWalk walk{&unwound.frames, max_frames};
  int result = dwfl_getthread_frames(target->dwfl, static_cast<pid_t>(input.tid), on_frame, &walk);
  target->input = nullptr;
  if (result == 0) {
    unwound.end = UnwindEnd::outermost;
  } else if (result == DWARF_CB_ABORT) {
    unwound.end = UnwindEnd::depth_limit;
  } else if (input.beyond_copy && *input.beyond_copy) {
    unwound.end = UnwindEnd::copy_short;
  } else {
    unwound.why = dwfl_error();
    if (!unwound.frames.empty()) {  // say where: the frame whose caller could not be found
      uint64_t last = unwound.frames.back();
      Dwfl_Module* module = dwfl_addrmodule(target->dwfl, last);
      Dwarf_Addr base = 0;
      const char* name = module ? dwfl_module_info(module, nullptr, &base, nullptr, nullptr, nullptr, nullptr, nullptr)
                                : nullptr;
      unwound.why += name ? fmt::format(" after {}+{:#x}", name, last - base) : fmt::format(" after {:#x}", last);
    }
  }
  for (uint64_t frame : unwound.frames) unwound.files.push_back(target->file_of(frame));
  return unwound;
}

bool read_stack_copy(const std::vector<uint8_t>& copy, uint64_t sp, uint64_t address, uint64_t& value, bool& beyond) {
  if (address >= sp && address - sp <= copy.size() && copy.size() - (address - sp) >= sizeof value) {
    std::memcpy(&value, copy.data() + (address - sp), sizeof value);
    return true;
  }
  constexpr uint64_t stack_limit = 8 << 20;  // the default RLIMIT_STACK: further is not this stack
  if (address >= sp && address - sp < stack_limit) beyond = true;
  return false;
}

const char* unwind_end_name(UnwindEnd end) {
  switch (end) {
    case UnwindEnd::outermost: return "outermost";
    case UnwindEnd::depth_limit: return "depth limit";
    case UnwindEnd::copy_short: return "stack copy too short";
    case UnwindEnd::failed: return "failed";
  }
  return "?";
}

}  // namespace ljmm::trace::detail
