// What ljmm-trace prints: one line or one JSON object per event, and the summary at the end.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ljmm/call_sites.hpp"
#include "ljmm/event_text.hpp"
#include "ljmm/export.hpp"
#include "ljmm/finding.hpp"
#include "ljmm/trace.hpp"
#include "ljmm/trace_layout.hpp"
#include "ljmm/trace_output.hpp"
#include "ljmm/trace_summary.hpp"

namespace ljmm::trace {

inline constexpr std::string_view trace_schema = "ljmm.trace/v1";

LJMM_API std::string header_line();
// An event as a line (its stack's frames on lines below) or as a JSON Lines object.
LJMM_API std::string event_line(const Event& event, const std::vector<Frame>& frames = {});
LJMM_API std::string event_json(const Event& event, const std::vector<Frame>& frames = {});

LJMM_API std::string summary_text(const Summary& summary, const RunResult& run, bool color,
                                  const std::vector<LiveSite>& sites = {});
// One line when the trace ended processes it had started (ptrace), empty otherwise.
LJMM_API std::string ended_processes_note(const RunResult& run);
// The non-zero causes of losses: "3 ring buffer full (...), 1 calls unpaired (...)"; "none".
LJMM_API std::string describe_losses(const Losses& losses);
LJMM_API std::string summary_json(const Summary& summary, const RunResult& run,
                                  const std::vector<LiveSite>& sites = {});
// The layout model's part of the summary (trace_layout.hpp), in text and as one JSON Lines
// object of type "layouts".
LJMM_API std::string layouts_text(const LayoutTracker& layouts, bool color);
LJMM_API std::string layouts_json(const LayoutTracker& layouts);
// Why the trace stopped, in a sentence ("the grace of 120 s ran out while pid 12 (nginx) was still
// making calls"), and a warning line when a traced process was still busy (empty when none).
LJMM_API std::string stop_sentence(const Summary& summary, const RunResult& run);
LJMM_API std::string busy_warning(const Summary& summary, const RunResult& run);

// System-wide (-a): the ranking of processes, worst first, at most `top` rows, and as one JSON
// Lines object of type "activity" (every --interval seconds).
LJMM_API std::string activity_text(const std::vector<ProcessActivity>& ranked, size_t top);
LJMM_API std::string activity_json(const std::vector<ProcessActivity>& ranked, uint64_t time_ns);

// The summary's call-site part: the top `top` fallback and failed-brk stacks, and the blockers.
LJMM_API std::string call_sites_text(const CallSites& sites, size_t top);
// One JSON Lines object, "type": "call_sites", written after the summary.
LJMM_API std::string call_sites_json(const CallSites& sites, size_t top);
// Folded stacks ("comm;outermost;...;innermost BYTES" per line) of the fallback memory, for
// flame-graph tools; the weights add up to the fallback bytes.
LJMM_API std::string folded_fallbacks(const CallSites& sites);

}  // namespace ljmm::trace
