#include "ljmm/trace_layout.hpp"

namespace ljmm::trace {

void LayoutTracker::note(uint32_t pid, const film::LayoutTotals& totals) {
  ProcessLayout& process = processes_[pid];
  process.end = totals;
  process.peak_map_count = std::max(process.peak_map_count, totals.map_count);
  if (totals.accessible_bytes >= process.peak_accessible_bytes) {
    process.peak_accessible_bytes = totals.accessible_bytes;
    process.reserved_at_peak = totals.reserved_bytes;
  }
}

void LayoutTracker::on_layout(const film::StartLayout& layout) {
  if (enabled_) {
    film_.add_layout(layout);
    ProcessLayout& process = processes_[layout.pid];
    process = ProcessLayout{};
    process.comm = layout.process.comm;
    process.source = layout.source;
    process.exact_from_ns = layout.time_ns;
    process.start = film_.find(layout.pid)->totals();
    note(layout.pid, process.start);
  }
  downstream_.on_layout(layout);
}

void LayoutTracker::on_event(const Event& event) {
  if (!enabled_) return downstream_.on_event(event);
  std::optional<film::LayoutChange> change = film_.apply(event);
  const film::AddressSpace* space = film_.find(event.pid);
  if (event.kind == EventKind::fork && space) {
    ProcessLayout& child = processes_[event.pid];
    child = ProcessLayout{};
    child.comm = event.comm;
    child.source = film::LayoutSource::fork;
    child.exact_from_ns = event.time_ns;
    child.start = space->totals();
    note(event.pid, child.start);
  }
  if (event.kind == EventKind::exit) {
    auto found = processes_.find(event.pid);
    if (found != processes_.end()) found->second.exited = true;
  }
  if (!change || !space || event.kind != EventKind::syscall) {
    if (event.kind == EventKind::syscall && !change) ++unknown_[event.pid];
    return downstream_.on_event(event);
  }
  Event annotated = event;
  const film::LayoutTotals& totals = space->totals();
  annotated.layout = LayoutAfter{totals.map_count, totals.accessible_bytes, totals.reserved_bytes,
                                 totals.locked_bytes, change->map_count, change->accessible_bytes};
  ProcessLayout& process = processes_[event.pid];
  if (!event.comm.empty()) process.comm = event.comm;
  ++process.calls_applied;
  process.advised_away_bytes += change->advised_away_bytes;
  note(event.pid, totals);
  if (event.kernel_map_count && !event.failed()) {
    ++process.kernel_checks;
    uint64_t kernel = *event.kernel_map_count, model = totals.map_count;
    process.largest_kernel_difference =
        std::max(process.largest_kernel_difference, kernel > model ? kernel - model : model - kernel);
  }
  downstream_.on_event(annotated);
}

}  // namespace ljmm::trace
