#include "film/player.hpp"

namespace ljmm::film::detail {

uint64_t time_of(const RecordingItem& item) {
  if (const auto* layout = std::get_if<StartLayout>(&item)) return layout->time_ns;
  return std::get<trace::Event>(item).time_ns;
}

uint32_t pid_of(const RecordingItem& item) {
  if (const auto* layout = std::get_if<StartLayout>(&item)) return layout->pid;
  return std::get<trace::Event>(item).pid;
}

bool Player::step() {
  if (next_ >= recording_.items.size()) return false;
  const RecordingItem& item = recording_.items[next_++];
  if (const auto* layout = std::get_if<StartLayout>(&item)) {
    film_.add_layout(*layout);
    facts_[layout->pid] = layout->process;
    return true;
  }
  const trace::Event& event = std::get<trace::Event>(item);
  if (event.kind == trace::EventKind::exit)
    if (const AddressSpace* last = film_.find(event.pid)) exited_.insert_or_assign(event.pid, Exited{*last, event.time_ns});
  if (event.kind == trace::EventKind::fork || event.kind == trace::EventKind::exec) exited_.erase(event.pid);
  film_.apply(event);
  if (event.kind == trace::EventKind::fork) {
    auto parent = facts_.find(event.ppid);
    if (parent != facts_.end()) facts_[event.pid] = parent->second;  // the child runs the same program
  }
  if (!event.comm.empty()) facts_[event.pid].comm = event.comm;
  return true;
}

std::optional<uint64_t> Player::exited_at(uint32_t pid) const {
  auto exited = exited_.find(pid);
  if (exited == exited_.end() || film_.find(pid)) return std::nullopt;
  return exited->second.time_ns;
}

std::optional<Snapshot> Player::snapshot(uint32_t pid, uint64_t time_ns) const {
  const AddressSpace* space = film_.find(pid);
  if (auto exited = exited_.find(pid); !space && exited != exited_.end()) space = &exited->second.space;
  if (!space) return std::nullopt;
  Snapshot snapshot;
  snapshot.source = Source{SourceKind::recording, static_cast<int>(pid), recording_.path};
  auto facts = facts_.find(pid);
  if (facts != facts_.end()) snapshot.process = facts->second;
  snapshot.process.pid = static_cast<int>(pid);
  if (std::optional<uint64_t> brk = space->program_break()) {
    snapshot.process.brk = *brk;
    snapshot.process.brk_source = BrkSource::heap_end;
  }
  snapshot.system = recording_.header.system;
  snapshot.regions = space->regions();
  snapshot.taken_at_unix_ms = recording_.header.started_at_unix_ms + static_cast<int64_t>(time_ns / 1'000'000);
  return snapshot;
}

}  // namespace ljmm::film::detail
