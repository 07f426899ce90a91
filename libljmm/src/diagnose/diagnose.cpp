// Turns the measurements into findings: stable ids, severities, one-line summaries, fixes.
#include <fmt/format.h>

#include <algorithm>

#include "diagnose/steps.hpp"
#include "ljmm/units.hpp"

namespace ljmm {

namespace {

using detail::address;
using detail::bytes;
using detail::count;

constexpr uint64_t exhausted_largest_gap = 1 * MiB;
constexpr uint64_t exhausted_free_percent = 5;

std::string describe_region(const Region& region) {
  std::string label = region.label();
  return fmt::format("{} {} at {} ({})", label.empty() ? "anonymous" : label, region.perms.str(),
                     format_address_short(region.start), format_size(region.size()));
}

void add_brk_findings(const Snapshot& snapshot, const Layout& layout, const Diagnosis& diagnosis,
                      Severity fallback_severity, std::vector<Finding>& findings) {
  const BrkRoom& brk = diagnosis.brk;
  if (!brk.known) return;
  const ProcessInfo& process = snapshot.process;
  Finding finding;
  finding.metrics = {address("brk", process.brk), address("start_brk", process.start_brk),
                     bytes("brk_room_bytes", brk.room)};
  finding.confidence = process.brk_source == BrkSource::glibc ? "high"
                       : process.brk_source == BrkSource::presumed
                           ? "low: the break is presumed, not known"
                           : "medium: the break is taken as the end of [heap] "
                             "or start_brk; a mapping merged into [heap] hides it";
  if (!brk.blocked) {
    finding.id = "brk-room";
    finding.severity = Severity::info;
    finding.summary = fmt::format("brk room: {} between the break {} and the next mapping", format_size(brk.room),
                                  format_address_short(brk.brk));
    finding.explanation = "The heap can grow with brk() by this much before it meets another mapping.";
    findings.push_back(std::move(finding));
    return;
  }
  finding.id = "brk-blocked";
  // The break blocked is a warning in itself; what it cost (the fallback's severity) can raise it.
  finding.severity = std::max(Severity::warning, fallback_severity);
  finding.explanation =
      "Every brk() that would grow the heap fails, so glibc malloc maps anonymous memory "
      "instead and keeps it (see malloc-mmap-fallback).";
  finding.fix =
      "Do not map right after the break: start low-address windows above it (LJMM_WINDOW) or "
      "reserve them elsewhere (LJMM_RESERVE=window); or build LuaJIT with GC64 so it needs no "
      "low memory.";
  if (!brk.blocker) {
    // Found by fuzz_smaps: a break at the top of user space has no mapping above it to name.
    finding.summary =
        fmt::format("brk blocked: the break {} is at the top of user space", format_address_short(brk.brk));
    findings.push_back(std::move(finding));
    return;
  }
  const Region& blocker = snapshot.regions[*brk.blocker];
  bool merged = layout.heap_index == brk.blocker;
  finding.metrics.push_back(address("blocker_start", merged ? brk.brk : blocker.start));
  finding.metrics.push_back(bytes("blocker_size", merged ? blocker.end - brk.brk : blocker.size()));
  finding.region_starts = {blocker.start};
  if (merged) {
    finding.summary = fmt::format("brk blocked: a {} mapping at {} sits right at the break and merged into [heap]",
                                  format_size(blocker.end - brk.brk), format_address_short(brk.brk));
  } else if (process.brk_source == BrkSource::presumed) {
    finding.summary = fmt::format(
        "brk blocked before the heap could start, presumably: {} sits where the kernel "
        "puts the break, and there is no [heap]",
        describe_region(blocker));
  } else if (!brk.heap_started) {
    finding.summary =
        fmt::format("brk blocked before the heap could start: {} sits at start_brk", describe_region(blocker));
  } else {
    finding.summary = fmt::format("brk blocked by {}: 0 B between the break {} and it", describe_region(blocker),
                                  format_address_short(brk.brk));
  }
  // A file's path, and a block merged into [heap], are in the summary already.
  BlockerOwner owner = diagnosis.blocker ? diagnosis.blocker->owner : BlockerOwner::file;
  if (!merged && owner != BlockerOwner::file && owner != BlockerOwner::other)
    finding.summary += "; it is " + diagnosis.blocker->description;
  findings.push_back(std::move(finding));
}

void add_role_findings(const Snapshot& snapshot, const std::vector<RegionRole>& roles, std::vector<Finding>& findings) {
  uint64_t stacks = 0, stack_bytes = 0, arenas = 0, arena_bytes = 0, arena_reserved = 0;
  for (size_t i = 0; i < roles.size(); ++i) {
    uint64_t size = snapshot.regions[i].size();
    if (roles[i] == RegionRole::thread_stack) ++stacks, stack_bytes += size;
    if (roles[i] == RegionRole::malloc_arena) ++arenas, arena_bytes += size, arena_reserved += size;
    if (roles[i] == RegionRole::malloc_arena_reserve) arena_reserved += size;
  }
  if (stacks > 0) {
    findings.push_back(Finding{"thread-stacks",
                               Severity::info,
                               fmt::format("{} thread stack{} ({}), each above a guard region", stacks,
                                           stacks == 1 ? "" : "s", format_size(stack_bytes)),
                               "Thread stacks are anonymous rw-p regions directly above a ---p guard.",
                               "",
                               "medium",
                               {count("thread_stacks", stacks), bytes("thread_stack_bytes", stack_bytes)},
                               {}});
  }
  if (arenas > 0) {
    findings.push_back(Finding{
        "malloc-arenas",
        Severity::info,
        fmt::format("{} glibc non-main arena heap{}: {} in use of {} reserved", arenas, arenas == 1 ? "" : "s",
                    format_size(arena_bytes), format_size(arena_reserved)),
        "glibc gives threads their own arenas, each heap a 64 MiB aligned reservation.",
        "MALLOC_ARENA_MAX limits how many there are.",
        "high",
        {count("arenas", arenas), bytes("arena_bytes", arena_bytes), bytes("arena_reserved_bytes", arena_reserved)},
        {}});
  }
}

void add_window_findings(const std::vector<WindowBudget>& windows, std::vector<Finding>& findings) {
  for (const WindowBudget& window : windows) {
    uint64_t span = window.end - window.start;
    std::vector<Metric> metrics = {
        address("window_start", window.start),  address("window_end", window.end),
        bytes("free_bytes", window.free_bytes), bytes("largest_gap_bytes", window.largest_gap),
        count("gap_count", window.gap_count),   bytes("mapped_bytes", window.mapped_bytes)};
    std::string occupants;
    for (Segment segment : all_segments) {
      uint64_t used = window.mapped_by_segment[segment];
      if (used == 0) continue;
      metrics.push_back(bytes(fmt::format("mapped_{}_bytes", segment_id(segment)), used));
      occupants += fmt::format("{}{} {} {}", occupants.empty() ? "" : ", ", segment_id(segment), segment_name(segment),
                               format_size(used));
    }
    std::string where =
        fmt::format("{} [{}, {})", window.id, format_address_short(window.start), format_address_short(window.end));
    std::string summary = fmt::format(
        "{}: {} free in {} gap{}, largest {}; occupied by {}", where, format_size(window.free_bytes), window.gap_count,
        window.gap_count == 1 ? "" : "s", format_size(window.largest_gap), occupants.empty() ? "nothing" : occupants);
    bool exhausted =
        window.id != "below-4g" && span > 0 &&
        (window.largest_gap < exhausted_largest_gap || window.free_bytes * 100 < span * exhausted_free_percent);
    findings.push_back(Finding{exhausted ? "low-window-exhausted" : "low-window-budget",
                               exhausted ? Severity::warning : Severity::info,
                               summary,
                               "Allocators that need low addresses (LuaJIT without GC64: below 2 GiB; MAP_32BIT: "
                               "1-2 GiB) can only use the free gaps of this window.",
                               exhausted ? "Link the low-memory user with ljmm's mmap wrapper (it fills every gap), "
                                           "move big mappings out of the window, or build LuaJIT with GC64."
                                         : "",
                               "high",
                               std::move(metrics),
                               {}});
  }
}

void add_map_count_finding(const Snapshot& snapshot, const Layout& layout, std::vector<Finding>& findings) {
  uint64_t mappings = snapshot.regions.size();
  uint64_t limit = std::max<uint64_t>(snapshot.system.max_map_count, 1);
  uint64_t percent = mappings * 100 / limit;
  uint64_t largest = 0;
  for (const Gap& gap : layout.gaps)
    if (gap.segment == Segment::mmap) largest = std::max(largest, gap.size());
  Severity severity = percent >= 98 ? Severity::error : percent >= 90 ? Severity::warning : Severity::info;
  findings.push_back(Finding{
      severity == Severity::info ? "map-count" : "map-count-near-limit",
      severity,
      fmt::format("{} mappings of vm.max_map_count {} ({}%); largest free gap in the mmap area {}", mappings, limit,
                  percent, format_size(largest)),
      "mmap, mprotect and munmap fail with ENOMEM once a process has vm.max_map_count mappings.",
      severity == Severity::info ? "" : "Raise vm.max_map_count or map fewer, larger regions.",
      "high",
      {count("mappings", mappings), count("max_map_count", limit),
       Metric{"map_count_percent", percent, MetricUnit::ratio_percent}, bytes("largest_mmap_gap_bytes", largest)},
      {}});
}

void add_runtime_finding(const Snapshot& snapshot, std::vector<Finding>& findings) {
  if (!snapshot.runtime) return;
  const RuntimeStats& runtime = *snapshot.runtime;
  const ljmm_stats& c = runtime.counters;
  Finding finding;
  finding.id = "ljmm-runtime";
  finding.severity = c.failures > 0 ? Severity::warning : Severity::info;
  finding.summary = fmt::format(
      "window [{}, {}), reserve {}; {} low requests: {} fast path, {} fallbacks ({} placed), "
      "{} retries, {} failures",
      format_address_short(runtime.window_start), format_address_short(runtime.window_end),
      reserve_mode_name(runtime.reserve_mode), c.low_requests, c.fast_path, c.fallbacks, format_size(c.bytes_placed),
      c.retries, c.failures);
  finding.explanation = "The process runs ljmm's mmap wrapper; these are its counters, read from the process.";
  if (c.failures > 0) finding.fix = "The low window is full: see the low-window findings for what occupies it.";
  // The runtime's probe found that fixed placement gives EINVAL here (no-MMU style): it places
  // nothing any more, and low requests get whatever the kernel answers.
  if (runtime.flags & LJMM_FLAG_FIXED_UNSUPPORTED) {
    finding.severity = Severity::warning;
    finding.summary += "; fixed placement is OFF (the kernel refused MAP_FIXED_NOREPLACE on a free page)";
    finding.fix = "Low requests now get what the kernel gives; LuaJIT may fail with 'not enough memory'.";
  }
  if (runtime.flags & LJMM_FLAG_NOREPLACE_UNSUPPORTED)
    finding.summary += "; the kernel ignores MAP_FIXED_NOREPLACE (before 4.17): placements are hints, verified";
  finding.confidence = "high";
  for (const RuntimeCounter& counter : runtime_counters())
    finding.metrics.push_back(Metric{std::string(counter.name), c.*counter.member, counter.unit});
  findings.push_back(std::move(finding));
}

}  // namespace

Diagnosis diagnose(const Snapshot& snapshot, const Layout& layout) {
  Diagnosis diagnosis;
  diagnosis.role_of = detail::assign_roles(snapshot, layout);
  diagnosis.brk = measure_brk_room(snapshot, layout);
  diagnosis.blocker = identify_brk_blocker(snapshot, diagnosis.brk);
  diagnosis.fallbacks = detail::find_fallback_arenas(snapshot, layout, diagnosis.brk, diagnosis.role_of);
  diagnosis.malloc = measure_malloc_memory(snapshot, layout, diagnosis.fallbacks, diagnosis.role_of);
  diagnosis.windows = standard_windows(snapshot, layout);

  std::vector<Finding>& findings = diagnosis.findings;
  Severity fallback_severity = detail::fallback_cost_severity(diagnosis);
  add_brk_findings(snapshot, layout, diagnosis, fallback_severity, findings);
  detail::add_fallback_finding(snapshot, diagnosis, findings);
  detail::add_malloc_memory_finding(diagnosis.malloc, findings);
  add_role_findings(snapshot, diagnosis.role_of, findings);
  add_window_findings(diagnosis.windows, findings);
  add_map_count_finding(snapshot, layout, findings);
  add_runtime_finding(snapshot, findings);
  std::stable_sort(findings.begin(), findings.end(),
                   [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
  return diagnosis;
}

}  // namespace ljmm
