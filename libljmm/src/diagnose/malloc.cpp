// glibc malloc's memory: the fallback it maps when brk is blocked, what that costs the process,
// and the heap plus fallback as one number. See docs/findings.md.
#include <fmt/format.h>

#include "diagnose/steps.hpp"
#include "ljmm/units.hpp"

namespace ljmm {

std::string malloc_fallback_explanation() {
  return "When brk() cannot grow the heap, glibc malloc maps morecore memory with anonymous mmap "
         "instead (1 MiB the first time, then request + M_TOP_PAD, page-rounded) and never returns it; "
         "every later small allocation that needs a new chunk pays a failing brk() first.";
}

std::string malloc_fallback_fix() {
  return "Remove what blocks brk (see brk-blocked). Until then, raise M_TOP_PAD "
         "(MALLOC_TOP_PAD_=16777216) so malloc maps fewer, larger chunks.";
}

std::optional<uint64_t> FallbackCost::share_percent() const {
  if (anonymous_bytes == 0) return std::nullopt;
  return bytes * 100 / anonymous_bytes;
}

Severity malloc_fallback_severity(const FallbackCost& cost) {
  std::optional<uint64_t> share = cost.share_percent();
  if (!share) return Severity::warning;
  if (cost.bytes >= fallback_error_bytes && *share >= fallback_error_percent) return Severity::error;
  if (cost.bytes < fallback_error_bytes && *share < fallback_info_percent) return Severity::info;
  return Severity::warning;
}

MallocMemory measure_malloc_memory(const Snapshot& snapshot, const Layout& layout, const FallbackArenas& fallbacks,
                                   const std::vector<RegionRole>& roles) {
  MallocMemory memory;
  memory.heap_bytes = layout.total(Segment::heap).bytes;
  memory.fallback_bytes = fallbacks.bytes;
  for (size_t i = 0; i < snapshot.regions.size() && i < roles.size(); ++i) {
    if (roles[i] != RegionRole::malloc_arena) continue;
    memory.arena_bytes += snapshot.regions[i].size();
    ++memory.arenas;
  }
  for (const Region& region : snapshot.regions) {
    bool anonymous = region.kind == RegionKind::anonymous || region.kind == RegionKind::heap ||
                     region.kind == RegionKind::anon_named;
    if (anonymous && !region.perms.shared && region.perms.read && region.perms.write)
      memory.anonymous_bytes += region.size();
  }
  return memory;
}

namespace {

FallbackCost snapshot_cost(const Diagnosis& diagnosis) {
  return FallbackCost{diagnosis.fallbacks.bytes, diagnosis.malloc.anonymous_bytes, diagnosis.fallbacks.count, 0};
}

}  // namespace

Severity detail::fallback_cost_severity(const Diagnosis& diagnosis) {
  if (diagnosis.fallbacks.count == 0) return Severity::info;
  return malloc_fallback_severity(snapshot_cost(diagnosis));
}

void detail::add_fallback_finding(const Snapshot& snapshot, const Diagnosis& diagnosis,
                                  std::vector<Finding>& findings) {
  const FallbackArenas& fallbacks = diagnosis.fallbacks;
  if (fallbacks.count == 0) return;
  FallbackCost cost = snapshot_cost(diagnosis);
  uint64_t share = cost.share_percent().value_or(0);
  Finding finding;
  finding.id = "malloc-mmap-fallback";
  finding.severity = malloc_fallback_severity(cost);
  finding.summary = fmt::format(
      "{} of malloc fallback memory in {} anonymous rw-p region{} outside [heap]: {}% of the process's "
      "anonymous memory, held for good (glibc never unmaps it), each chunk after a failed brk()",
      format_size(fallbacks.bytes), fallbacks.count, fallbacks.count == 1 ? "" : "s", share);
  finding.explanation = malloc_fallback_explanation() +
                        " Adjacent fallback mappings merge, so regions are fewer than mmap calls "
                        "(ljmm-trace counts the calls and the failed brk calls).";
  finding.fix = malloc_fallback_fix();
  finding.confidence =
      "medium: with brk blocked, all unexplained anonymous rw-p memory is counted "
      "(thread stacks, arena heaps and the bss that libraries declare are not)";
  if (fallbacks.unchecked_bss_regions > 0)
    finding.confidence +=
        fmt::format("; {} region{} after libraries taken as their bss without their ELF files to check the size",
                    fallbacks.unchecked_bss_regions, fallbacks.unchecked_bss_regions == 1 ? "" : "s");
  finding.metrics = {{"fallback_regions", fallbacks.count, MetricUnit::count},
                     bytes("fallback_bytes", fallbacks.bytes),
                     bytes("untrimmable_bytes", fallbacks.bytes),
                     bytes("anonymous_bytes", cost.anonymous_bytes),
                     {"fallback_share_percent", share, MetricUnit::ratio_percent},
                     {"unchecked_bss_regions", fallbacks.unchecked_bss_regions, MetricUnit::count}};
  for (size_t index : fallbacks.regions) finding.region_starts.push_back(snapshot.regions[index].start);
  findings.push_back(std::move(finding));
}

void detail::add_malloc_memory_finding(const MallocMemory& memory, std::vector<Finding>& findings) {
  if (memory.total() == 0) return;
  Finding finding;
  finding.id = "malloc-memory";
  finding.severity = Severity::info;
  finding.summary = fmt::format("malloc memory: {} (heap {} + fallback {}{})", format_size(memory.total()),
                                format_size(memory.heap_bytes), format_size(memory.fallback_bytes),
                                memory.arenas == 0 ? ""
                                                   : fmt::format(" + {} thread arena{} {}", memory.arenas,
                                                                 memory.arenas == 1 ? "" : "s",
                                                                 format_size(memory.arena_bytes)));
  finding.explanation =
      "What glibc malloc holds: the main arena's brk heap, the memory it mapped instead while brk was "
      "blocked, and the usable part of the arenas it gives threads (their PROT_NONE reserve is not "
      "counted). Compare it across processes and reloads whether the break is blocked or not.";
  finding.confidence = "medium: the mapped memory of malloc, not what it has handed out";
  finding.metrics = {bytes("malloc_bytes", memory.total()), bytes("heap_bytes", memory.heap_bytes),
                     bytes("fallback_bytes", memory.fallback_bytes), bytes("arena_bytes", memory.arena_bytes)};
  findings.push_back(std::move(finding));
}

}  // namespace ljmm
