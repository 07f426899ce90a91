// The trace summary, kept up to date event by event: calls, bytes per process, mappings still
// alive, glibc's malloc fallback; and the live mappings by the code that called mmap.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ljmm/export.hpp"
#include "ljmm/finding.hpp"
#include "ljmm/symbolizer.hpp"
#include "ljmm/trace.hpp"

namespace ljmm::trace {

// Everything the summary reports, kept up to date event by event.
class LJMM_API Summary : public Sink {
 public:
  Summary();
  ~Summary() override;
  Summary(Summary&&) noexcept;
  Summary& operator=(Summary&&) noexcept;

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
  struct FallbackRule;  // glibc's malloc-fallback rule (src/trace/session/fallback.hpp), opaque here
  std::unique_ptr<FallbackRule> fallback_rule_;
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
struct LJMM_API LiveSite {
  std::string site;  // "sysmalloc+0x4e2 (libc.so.6)", or not_known_site
  std::string comm;  // of the first process seen
  uint64_t mappings = 0;
  uint64_t bytes = 0;
  uint64_t processes = 0;
};
// Named now, at the end, while the processes still live (the live list holds only those). The
// most bytes first, at most `top`.
LJMM_API std::vector<LiveSite> live_sites(const Summary& summary, Symbolizer& symbolizer, size_t top);

}  // namespace ljmm::trace
