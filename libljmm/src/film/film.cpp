// Every traced process's model, by pid: what start layouts, forks, execs and exits do to it.
#include "ljmm/film.hpp"

namespace ljmm::film {

void Film::add_layout(const StartLayout& layout) {
  processes_.insert_or_assign(layout.pid, Process{AddressSpace(layout), layout.time_ns, layout.time_ns});
}

std::optional<LayoutChange> Film::apply(const trace::Event& event) {
  switch (event.kind) {
    case trace::EventKind::fork: {
      auto parent = processes_.find(event.ppid);
      if (parent == processes_.end()) return std::nullopt;
      processes_.insert_or_assign(event.pid,
                                  Process{parent->second.space.fork_copy(), event.time_ns, event.time_ns});
      return LayoutChange{};
    }
    case trace::EventKind::exit: processes_.erase(event.pid); return std::nullopt;
    case trace::EventKind::exec:
    case trace::EventKind::syscall: break;
  }
  auto found = processes_.find(event.pid);
  if (found == processes_.end()) return std::nullopt;
  Process& process = found->second;
  // What happened before the start layout was read is in it: an exec read at its stop comes
  // out of a BPF ring buffer after the layout, and the calls just before a read too.
  if (event.time_ns < process.apply_from_ns) return LayoutChange{};
  if (event.kind == trace::EventKind::exec) {  // the old image is gone; the new one's layout is read anew
    processes_.erase(found);
    return std::nullopt;
  }
  return process.space.apply(event);
}

const AddressSpace* Film::find(uint32_t pid) const {
  auto found = processes_.find(pid);
  return found == processes_.end() ? nullptr : &found->second.space;
}

std::optional<uint64_t> Film::exact_from(uint32_t pid) const {
  auto found = processes_.find(pid);
  if (found == processes_.end()) return std::nullopt;
  return found->second.exact_from_ns;
}

}  // namespace ljmm::film
