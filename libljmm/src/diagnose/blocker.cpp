// Who blocked brk, as far as a snapshot tells without a trace: the blocker's file, its memfd or
// [anon:NAME] name, or the ljmm runtime's own reservation (its counters page gives the mode).
#include <fmt/format.h>

#include "diagnose/steps.hpp"
#include "ljmm/units.hpp"

namespace ljmm {

const char* blocker_owner_name(BlockerOwner owner) {
  switch (owner) {
    case BlockerOwner::file: return "file";
    case BlockerOwner::memfd: return "memfd";
    case BlockerOwner::anon_named: return "anon_named";
    case BlockerOwner::ljmm_brk_block: return "ljmm_brk_block";
    case BlockerOwner::ljmm_reservation: return "ljmm_reservation";
    case BlockerOwner::ljmm_window: return "ljmm_window";
    case BlockerOwner::anonymous: return "anonymous";
    case BlockerOwner::other: return "other";
  }
  return "other";
}

namespace {

constexpr std::string_view memfd_prefix = LJMM_MEMFD_PATH("");  // any memfd's path in the maps

BlockerIdentity identify(const Snapshot& snapshot, const Region& blocker) {
  const std::optional<RuntimeStats>& runtime = snapshot.runtime;
  if (blocker.kind == RegionKind::file && blocker.path.starts_with(memfd_prefix)) {
    std::string name = blocker.path.substr(memfd_prefix.size());
    if (name == LJMM_RESERVE_MEMFD)
      return {BlockerOwner::ljmm_reservation, name, "the ljmm runtime's window reservation (LJMM_RESERVE=window)"};
    return {BlockerOwner::memfd, name, fmt::format("the memfd \"{}\"", name)};
  }
  if (blocker.kind == RegionKind::file) return {BlockerOwner::file, blocker.label(), "the file " + blocker.label()};
  if (blocker.kind == RegionKind::anon_named)
    return {BlockerOwner::anon_named, blocker.path, fmt::format("anonymous memory named \"{}\"", blocker.path)};
  // A block with the heap's permissions right at the break merges into [heap]: anonymous memory.
  if (blocker.kind == RegionKind::heap)
    return {BlockerOwner::anonymous, "",
            "unnamed anonymous memory mapped right at the break (merged into [heap]; ljmm-trace --stack on the "
            "process's start names the call)"};
  if (blocker.kind != RegionKind::anonymous) return {BlockerOwner::other, blocker.label(), blocker.label()};
  // The runtime's brk-block mode maps one PROT_NONE page right after sbrk(0) at start-up.
  if (runtime && runtime->reserve_mode == LJMM_RESERVE_BRK_BLOCK && blocker.perms.none())
    return {BlockerOwner::ljmm_brk_block, "", "the ljmm runtime's start-up block (LJMM_RESERVE=brk-block)"};
  if (runtime && blocker.start >= runtime->window_start && blocker.start < runtime->window_end)
    return {BlockerOwner::ljmm_window, "",
            fmt::format("anonymous memory inside the ljmm runtime's window [{}, {}), where it places low requests "
                        "({} placed so far)",
                        format_address_short(runtime->window_start), format_address_short(runtime->window_end),
                        runtime->counters.fallbacks)};
  return {BlockerOwner::anonymous, "",
          "unnamed anonymous memory (ljmm-trace --stack on the process's start names the call that mapped it)"};
}

}  // namespace

std::optional<BlockerIdentity> identify_brk_blocker(const Snapshot& snapshot, const BrkRoom& brk) {
  if (!brk.blocked || !brk.blocker) return std::nullopt;
  return identify(snapshot, snapshot.regions[*brk.blocker]);
}

}  // namespace ljmm
