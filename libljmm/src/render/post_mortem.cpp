#include "render/post_mortem.hpp"

#include <fmt/format.h>

#include "ljmm/process.hpp"
#include "ljmm/render.hpp"
#include "ljmm/units.hpp"
#include "render/style.hpp"

namespace ljmm {

namespace detail {

std::string post_mortem_summary(const PostMortem& facts) {
  std::string line = facts.writer == "systemd-coredump" ? "recorded by systemd-coredump"
                                                        : fmt::format("core written by {}", facts.writer == "kernel" ? "the kernel" : facts.writer);
  line += facts.signal ? fmt::format("; {}", signal_name(facts.signal)) : "; signal unknown";
  if (facts.thread_count > 0) line += fmt::format("; {} thread{}", facts.thread_count, facts.thread_count == 1 ? "" : "s");
  if (!facts.thread_ids.empty()) {
    line += fmt::format(" ({}", facts.thread_ids.front());
    for (size_t i = 1; i < facts.thread_ids.size() && i < 8; ++i) line += fmt::format(" {}", facts.thread_ids[i]);
    line += facts.thread_ids.size() > 8 ? " ...)" : ")";
  }
  if (!facts.command_line.empty()) line += "; " + facts.command_line;
  return line;
}

std::vector<std::string> post_mortem_unseen(const PostMortem& facts) {
  std::vector<std::string> lines;
  for (const Unseen& unseen : facts.unseen) lines.push_back(fmt::format("{}: {}", unseen.id, unseen.text));
  return lines;
}

}  // namespace detail

std::string render_post_mortem(const Analysis& analysis, const TextOptions& options) {
  if (!analysis.snapshot.post_mortem) return {};
  const PostMortem& facts = *analysis.snapshot.post_mortem;
  detail::TextStyle style(options.color);
  std::string out = style.bold("After the crash") + "  " + detail::post_mortem_summary(facts) + "\n";
  if (facts.at_pagesz != 0)
    out += fmt::format("  auxv: AT_PHDR {}  AT_BASE {}  AT_SYSINFO_EHDR {}  AT_PAGESZ {}{}\n",
                       format_address_short(facts.at_phdr), format_address_short(facts.at_base),
                       format_address_short(facts.at_sysinfo_ehdr), facts.at_pagesz,
                       facts.at_execfn.empty() ? "" : "  AT_EXECFN " + facts.at_execfn);
  if (facts.unseen.empty()) return out;
  out += "  What it cannot tell:\n";
  for (const std::string& line : detail::post_mortem_unseen(facts)) out += "    " + line + "\n";
  return out;
}

}  // namespace ljmm
