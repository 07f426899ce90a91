// The layout model during a trace: every traced process's mappings, seeded by the start layouts
// the backend reads and kept up to date by each event (film.hpp). Events reach the sinks after
// it with what the call left: the map count, the accessible and the reserved bytes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "ljmm/export.hpp"
#include "ljmm/film.hpp"
#include "ljmm/trace.hpp"

namespace ljmm::trace {

// One process's address space over the trace, as the model saw it.
struct LJMM_API ProcessLayout {
  std::string comm;
  film::LayoutSource source = film::LayoutSource::attach;  // of its last start layout
  uint64_t exact_from_ns = 0;  // the model knows its layout exactly from here on
  film::LayoutTotals start;    // when the model began (its start layout, or its parent's at the fork)
  film::LayoutTotals end;      // at its last event, or its exit
  uint64_t peak_map_count = 0;
  uint64_t peak_accessible_bytes = 0;
  uint64_t reserved_at_peak = 0;  // reserved bytes when accessible peaked
  uint64_t advised_away_bytes = 0;
  uint64_t calls_applied = 0;
  bool exited = false;
  // The kernel's map count after each call (BPF) against the model's: the largest difference.
  uint64_t kernel_checks = 0;
  uint64_t largest_kernel_difference = 0;
};

class LJMM_API LayoutTracker : public Sink {
 public:
  // `downstream` gets every event, annotated when the model knows its process (Event::layout).
  // `enabled` false: the traced calls leave some out (--calls), so no layout is kept.
  LayoutTracker(Sink& downstream, bool enabled) : downstream_(downstream), enabled_(enabled) {}

  void on_event(const Event& event) override;
  void on_layout(const film::StartLayout& layout) override;
  void on_losses(const Losses& losses) override { downstream_.on_losses(losses); }
  void on_activity(const std::vector<ProcessActivity>& ranked, uint64_t time_ns) override {
    downstream_.on_activity(ranked, time_ns);
  }

  bool enabled() const { return enabled_; }
  const std::map<uint32_t, ProcessLayout>& processes() const { return processes_; }
  // Processes that made traced calls while the model did not know their layout (their start
  // layout could not be read, or not yet), and how many such calls.
  const std::map<uint32_t, uint64_t>& unknown() const { return unknown_; }
  const film::Film& film() const { return film_; }

 private:
  void note(uint32_t pid, const film::LayoutTotals& totals);

  Sink& downstream_;
  bool enabled_;
  film::Film film_;
  std::map<uint32_t, ProcessLayout> processes_;
  std::map<uint32_t, uint64_t> unknown_;
};

}  // namespace ljmm::trace
