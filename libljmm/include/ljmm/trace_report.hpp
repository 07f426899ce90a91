// What ljmm-trace prints: one line or one JSON object per event, and the summary at the end.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ljmm/finding.hpp"
#include "ljmm/maps.hpp"
#include "ljmm/trace.hpp"

namespace ljmm::trace {

inline constexpr std::string_view trace_schema = "ljmm.trace/v1";

// "rw-", "MAP_PRIVATE|MAP_ANONYMOUS", "MREMAP_MAYMOVE": flags as their names, unknown bits in hex.
std::string describe_prot(uint64_t prot);
std::string describe_mmap_flags(uint64_t flags);
std::string describe_mremap_flags(uint64_t flags);
// "NULL, 1 MiB, rw-, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0" (the arguments as a person reads them)
std::string describe_arguments(const Event& event);
// "0x7f12a000", "-ENOMEM", "0x5555 (failed)"; for fork/exec/exit a short description.
std::string describe_result(const Event& event);
std::string errno_name(int64_t error);  // "ENOMEM"

// Resolves user addresses to "symbol+0x12 (libc.so.6)" from the process's maps and ELF symbols.
class Symbolizer {
 public:
  // debug_root: where separate debug files are, by build ID (.build-id/ab/cdef.debug). Copies
  // share what was read (files, maps).
  explicit Symbolizer(std::string debug_root = "/usr/lib/debug");
  // frame_file: where the kernel saw the address mapped from at the call (BPF), or null.
  std::string symbolize(uint32_t pid, uint64_t address, const FrameFile* frame_file = nullptr);
  // The process exec'd or exited: its maps as read so far describe nothing any more.
  void forget(uint32_t pid);

 private:
  struct Cache;
  const std::vector<Region>& read_maps(uint32_t pid);
  std::string name_in_file(const std::string& path, const std::function<std::string()>& open_as, uint64_t address,
                           uint64_t file_offset);
  std::string debug_root_;
  std::shared_ptr<Cache> cache_;
};

std::string header_line();
std::string event_line(const Event& event, Symbolizer* symbolizer);
std::string event_json(const Event& event, Symbolizer* symbolizer);

// Everything the summary reports, kept up to date event by event.
class Summary : public Sink {
 public:
  void on_event(const Event& event) override;
  // A -p process: listed in the per-process table even when it makes no traced call.
  void add_target(uint32_t pid, const std::string& comm);

  struct SyscallCount {
    uint64_t calls = 0;
    uint64_t failed = 0;
    uint64_t unfinished = 0;  // the thread ended inside the call
  };
  struct ProcessTotals {
    std::string comm;
    uint64_t mapped_bytes = 0;
    uint64_t unmapped_bytes = 0;
    uint64_t brk_growth_bytes = 0;
    bool target = false;  // named with -p
    bool exited = false;  // exited during the trace
  };
  // Mappings of processes that exited during the trace: gone with them, so not "still alive".
  struct ExitedMappings {
    uint64_t processes = 0;
    uint64_t count = 0;
    uint64_t bytes = 0;
  };
  struct LiveMapping {
    uint64_t start = 0;
    uint64_t size = 0;
    uint32_t pid = 0;
    uint32_t tid = 0;
    std::string comm;
    uint64_t time_ns = 0;
    uint64_t prot = 0;
    uint64_t flags = 0;
    uint64_t caller = 0;  // the code that called mmap (Event::caller); 0: not known
  };
  struct Fallbacks {
    uint64_t brk_failures = 0;  // brk calls that could not move the break
    uint64_t pairs = 0;         // ... followed by an anonymous rw mmap from the same thread
    uint64_t bytes = 0;
    uint64_t one_mib = 0;  // of which exactly 1 MiB (MMAP_AS_MORECORE_SIZE)
    std::map<uint32_t, uint64_t> bytes_by_pid;
  };

  const std::map<std::string, SyscallCount>& syscalls() const { return syscalls_; }
  const std::map<uint32_t, ProcessTotals>& processes() const { return processes_; }
  std::vector<LiveMapping> live_mappings() const;  // of processes alive at the end, largest first
  const ExitedMappings& exited_mappings() const { return exited_; }
  const Fallbacks& fallbacks() const { return fallbacks_; }
  const std::map<uint64_t, uint64_t>& size_histogram() const { return sizes_; }  // power of two -> count
  uint64_t forks() const { return forks_; }
  uint64_t execs() const { return execs_; }
  uint64_t exits() const { return exits_; }
  // The malloc-mmap-fallback finding, in ljmm-inspect's words; empty id when there were none.
  Finding fallback_finding() const;

 private:
  void remove_live(uint32_t pid, uint64_t start, uint64_t size);
  void retire(uint32_t pid);  // the process exited: its live mappings go to exited_

  std::map<std::string, SyscallCount> syscalls_;
  std::map<uint32_t, ProcessTotals> processes_;
  std::map<std::pair<uint32_t, uint64_t>, LiveMapping> live_;  // by (pid, start): one map per address space
  std::map<uint32_t, uint64_t> failed_brk_by_tid_;             // tid -> the address the failed brk asked for
  std::map<uint32_t, uint64_t> last_break_;                    // pid -> the break after its last brk
  Fallbacks fallbacks_;
  std::map<uint64_t, uint64_t> sizes_;
  uint64_t forks_ = 0, execs_ = 0, exits_ = 0;
  ExitedMappings exited_;
};

// The site of mappings whose caller is not known: the word on top of the stack was unreadable, or
// not a return address (the call did not come through a leaf wrapper such as libc's).
inline constexpr const char* not_known_site = "not known (use --stack)";

// Mappings still alive at the end grouped by the code that called mmap (Event::caller, named
// by the symbolizer): memleak's outstanding allocations by call site, one frame deep. Callers
// in several processes of one program (nginx's workers) are one site.
struct LiveSite {
  std::string site;  // "sysmalloc+0x4e2 (libc.so.6)", or not_known_site
  std::string comm;  // of the first process seen
  uint64_t mappings = 0;
  uint64_t bytes = 0;
  uint64_t processes = 0;
};
// Named now, at the end, while the processes still live (the live list holds only those). The
// most bytes first, at most `top`.
std::vector<LiveSite> live_sites(const Summary& summary, Symbolizer& symbolizer, size_t top);

std::string summary_text(const Summary& summary, const RunResult& run, bool color,
                         const std::vector<LiveSite>& sites = {});
// One line when the trace ended processes it had started (ptrace), empty otherwise.
std::string ended_processes_note(const RunResult& run);
// The non-zero causes of losses: "3 ring buffer full (...), 1 calls unpaired (...)"; "none".
std::string describe_losses(const Losses& losses);
std::string summary_json(const Summary& summary, const RunResult& run, const std::vector<LiveSite>& sites = {});
// Why the trace stopped, in a sentence ("the grace of 120 s ran out while pid 12 (nginx) was still
// making calls"), and a warning line when a traced process was still busy (empty when none).
std::string stop_sentence(const Summary& summary, const RunResult& run);
std::string busy_warning(const Summary& summary, const RunResult& run);

// System-wide (-a): the ranking of processes, worst first, at most `top` rows, and as one JSON
// Lines object of type "activity" (every --interval seconds).
std::string activity_text(const std::vector<ProcessActivity>& ranked, size_t top);
std::string activity_json(const std::vector<ProcessActivity>& ranked, uint64_t time_ns);

}  // namespace ljmm::trace
