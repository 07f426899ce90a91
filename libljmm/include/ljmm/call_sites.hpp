// Where in the traced programs the memory story happens, by user stack (ljmm-trace --stack):
// glibc's malloc fallbacks (bytes and calls by stack), failed brk calls by stack, and the call
// that put a mapping in the heap's way, linked to the first brk it made fail. Like memleak's
// outstanding allocations by stack, with the frames named at the call.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ljmm/export.hpp"
#include "ljmm/symbolizer.hpp"
#include "ljmm/trace.hpp"

namespace ljmm::trace {

class LJMM_API CallSites : public Sink {
 public:
  // Frames are named with `symbolizer` when each event arrives, while its process lives.
  explicit CallSites(Symbolizer symbolizer);
  ~CallSites() override;
  CallSites(CallSites&&) noexcept;
  CallSites& operator=(CallSites&&) noexcept;

  void on_event(const Event& event) override;

  struct Site {
    std::string comm;                 // of the process that made the calls first
    std::vector<std::string> frames;  // innermost first, "function+0x1a (libc.so.6)"
    uint64_t calls = 0;
    uint64_t bytes = 0;
  };
  // The call that mapped memory where the heap had to grow, and the first brk that failed on it.
  struct Blocker {
    uint32_t pid = 0;
    std::string comm;
    Event mapping;  // the mmap or mremap that placed it
    std::vector<std::string> frames;
    uint64_t failed_brk_time_ns = 0;  // the first failed brk it caused
    uint32_t failed_brk_tid = 0;
    uint64_t failed_brk_asked = 0;  // the break that brk asked for
    std::vector<std::string> failed_brk_frames;
  };

  std::vector<Site> fallbacks() const;    // the most bytes first
  std::vector<Site> failed_brks() const;  // the most calls first
  // From the layout model's word on each call with a stack (Event::layout): the sites whose calls
  // added the most mappings (splits toward vm.max_map_count; `bytes` counts the mappings added),
  // and those that made the most memory accessible (mmap, mprotect into a reservation).
  std::vector<Site> map_growth() const;
  std::vector<Site> accessible_growth() const;
  const std::vector<Blocker>& blockers() const { return blockers_; }
  // Processes whose brk failed with no blocker seen: it was mapped before the trace began.
  const std::map<uint32_t, uint64_t>& unexplained_failures() const { return unexplained_; }
  uint64_t fallback_bytes() const;  // all fallback bytes, with or without a stack

 private:
  struct Candidate {  // a mapping placed at or just above the break
    uint64_t start = 0, end = 0;
    Event event;
    std::vector<std::string> frames;
  };
  std::vector<std::string> name(const Event& event);
  void on_failed_brk(const Event& event, const std::vector<std::string>& frames);
  void count_layout_growth(const Event& event);

  Symbolizer symbolizer_;
  std::map<std::vector<std::string>, Site> fallbacks_, failed_brks_, map_growth_, accessible_growth_;
  // The threads a failed brk left waiting (glibc's fallback rule: trace/session/fallback.hpp).
  struct FallbackRule;  // glibc's malloc-fallback rule (src/trace/session/fallback.hpp), opaque here
  std::unique_ptr<FallbackRule> fallback_rule_;
  std::map<uint32_t, uint64_t> break_;                     // pid -> the break
  std::map<uint32_t, std::vector<Candidate>> candidates_;  // pid -> mappings in the heap's way
  std::map<uint32_t, bool> explained_;                     // pid -> its first failed brk was seen
  std::vector<Blocker> blockers_;
  std::map<uint32_t, uint64_t> unexplained_;  // pid -> failed brk calls with no blocker seen
};

}  // namespace ljmm::trace
