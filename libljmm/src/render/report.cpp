// The header, the pmap-like region table grouped by segment, and per-segment totals.
#include <fmt/format.h>

#include "ljmm/render.hpp"
#include "ljmm/units.hpp"
#include "render/style.hpp"

namespace ljmm {

using detail::TextStyle;

namespace {

std::string yes_no(std::optional<bool> flag) { return flag ? (*flag ? "yes" : "no") : "unknown"; }

std::string region_name(const Region& region, RegionRole role) {
  std::string label = region.label();
  if (label.empty()) label = "[anon]";
  if (role != RegionRole::none) label += fmt::format("  <{}>", region_role_name(role));
  return label;
}

}  // namespace

std::string render_header(const Analysis& analysis, const TextOptions& options) {
  TextStyle style(options.color);
  const Snapshot& snapshot = analysis.snapshot;
  const ProcessInfo& process = snapshot.process;
  std::string title = snapshot.source.kind == SourceKind::pid ? fmt::format("pid {} ({})", process.pid, process.comm)
                                                              : snapshot.source.description();
  std::string out = style.bold(title) + "  " + (process.exe.empty() ? "executable unknown" : process.exe) + "\n";
  out += fmt::format("  PIE: {}   ASLR: {}   kernel: {}   regions: {} (max {})\n", yes_no(process.pie),
                     aslr_description(snapshot.system.randomize_va_space, process.addr_no_randomize),
                     snapshot.system.kernel.empty() ? "unknown" : snapshot.system.kernel, snapshot.regions.size(),
                     snapshot.system.max_map_count);
  uint64_t mapped = 0, rss = 0;
  for (const SegmentTotal& total : analysis.layout.totals) {
    mapped += total.bytes;
    rss += total.rss;
  }
  out += fmt::format("  mapped: {}", format_size(mapped));
  if (snapshot.has_smaps) out += fmt::format("   rss: {}", format_size(rss));
  out += fmt::format("   brk: start {} now {}   mmap_min_addr: {}\n", format_address_short(process.start_brk),
                     format_address_short(process.brk), format_address_short(snapshot.system.mmap_min_addr));
  return out;
}

std::string render_regions(const Analysis& analysis, const TextOptions& options) {
  TextStyle style(options.color);
  const auto& regions = analysis.snapshot.regions;
  bool rss = analysis.snapshot.has_smaps;
  std::string out = style.bold("Regions by segment") + "\n";
  for (Segment segment : all_segments) {
    const SegmentTotal& total = analysis.layout.total(segment);
    if (total.regions == 0) continue;
    out += style.segment(segment, fmt::format("{} {}", segment_id(segment), segment_name(segment)));
    out += fmt::format(" ({} region{}, {})\n", total.regions, total.regions == 1 ? "" : "s", format_size(total.bytes));
    out += fmt::format("  {:<18} {:>10} {:<5}{} {}\n", "Address", "Size", "Perm",
                       rss ? fmt::format(" {:>10}", "RSS") : "", "Mapping");
    for (size_t i = 0; i < regions.size(); ++i) {
      if (analysis.layout.segment_of[i] != segment) continue;
      const Region& region = regions[i];
      std::string rss_column = rss ? fmt::format(" {:>10}", format_size(region.smaps_value("Rss"))) : "";
      out += fmt::format("  {:<18} {:>10} {:<5}{} {}\n", format_address(region.start), format_size(region.size()),
                         region.perms.str(), rss_column, region_name(region, analysis.diagnosis.role_of[i]));
    }
  }
  return out;
}

std::string render_totals(const Analysis& analysis, const TextOptions& options) {
  TextStyle style(options.color);
  bool rss = analysis.snapshot.has_smaps;
  std::string out = style.bold("Totals per segment") + "\n";
  out += fmt::format("  {:<22} {:>8} {:>12}{} {:>12}\n", "Segment", "Regions", "Mapped",
                     rss ? fmt::format(" {:>12} {:>12}", "RSS", "Swap") : "", "Free");
  SegmentTotal sum;
  for (Segment segment : all_segments) {
    const SegmentTotal& total = analysis.layout.total(segment);
    std::string name = fmt::format("{} {}", segment_id(segment), segment_name(segment));
    out += "  " + style.segment(segment, fmt::format("{:<22}", name));
    out += fmt::format(" {:>8} {:>12}{} {:>12}\n", total.regions, format_size(total.bytes),
                       rss ? fmt::format(" {:>12} {:>12}", format_size(total.rss), format_size(total.swap)) : "",
                       total.free_bytes ? format_size(total.free_bytes) : "-");
    sum.regions += total.regions;
    sum.bytes += total.bytes;
    sum.rss += total.rss;
    sum.swap += total.swap;
  }
  out += fmt::format("  {:<22} {:>8} {:>12}{}\n", "total", sum.regions, format_size(sum.bytes),
                     rss ? fmt::format(" {:>12} {:>12}", format_size(sum.rss), format_size(sum.swap)) : "");
  return out;
}

std::string render_report(const Analysis& analysis, const TextOptions& options) {
  std::string out = render_header(analysis, options);
  if (analysis.snapshot.post_mortem) out += '\n' + render_post_mortem(analysis, options);
  out += '\n' + render_findings(analysis, options);
  out += '\n' + render_picture(analysis, options);
  if (options.regions) out += '\n' + render_regions(analysis, options);
  out += '\n' + render_totals(analysis, options);
  return out;
}

}  // namespace ljmm
