// A recording's layout at an instant (recording.hpp): the film played up to it.
#include <fmt/format.h>

#include <charconv>

#include "film/player.hpp"
#include "ljmm/recording.hpp"

namespace ljmm::film {

using detail::pid_of;
using detail::time_of;

Result<uint64_t> parse_duration_ns(std::string_view text) {
  struct Unit {
    std::string_view suffix;
    double ns;
  };
  static constexpr Unit units[] = {{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
  for (const Unit& unit : units) {
    if (!text.ends_with(unit.suffix)) continue;
    std::string_view number = text.substr(0, text.size() - unit.suffix.size());
    double value = 0;
    auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (error != std::errc() || end != number.data() + number.size() || value < 0 || number.empty()) break;
    return static_cast<uint64_t>(value * unit.ns + 0.5);
  }
  return make_error(Errc::invalid_argument,
                    fmt::format("\"{}\" is not a time: give it with its unit, as 1.5s, 250ms, 40us or 123456789ns", text));
}

std::optional<uint32_t> first_process(const Recording& recording) {
  for (const RecordingItem& item : recording.items)
    if (const auto* layout = std::get_if<StartLayout>(&item)) return layout->pid;
  return std::nullopt;
}

Result<Snapshot> replay(const Recording& recording, uint32_t pid, uint64_t time_ns, std::string& note) {
  // The first instant the model knows this process, and the last item's time.
  std::optional<uint64_t> known_from;
  uint64_t last = 0;
  for (const RecordingItem& item : recording.items) {
    last = std::max(last, time_of(item));
    bool seeds = pid_of(item) == pid && std::holds_alternative<StartLayout>(item);
    const auto* event = std::get_if<trace::Event>(&item);
    bool forked = event && event->kind == trace::EventKind::fork && event->pid == pid;
    if (!known_from && (seeds || forked)) known_from = time_of(item);
  }
  if (!known_from)
    return make_error(Errc::not_found, fmt::format("{}: no layout of pid {} in it", recording.path, pid));
  uint64_t at = time_ns;
  if (time_ns < *known_from) {
    note = fmt::format("{:.9f} s is before the layout of pid {} is known ({:.9f} s): showing it then", time_ns / 1e9,
                       pid, *known_from / 1e9);
    at = *known_from;
  } else if (time_ns > last && time_ns != UINT64_MAX) {
    note = fmt::format("{:.9f} s is after the recording's last event ({:.9f} s): showing the layout then",
                       time_ns / 1e9, last / 1e9);
  }
  // Everything recorded up to the last item at or before `at`, in the recorded order.
  size_t until = 0;
  for (size_t i = 0; i < recording.items.size(); ++i)
    if (time_of(recording.items[i]) <= at) until = i + 1;
  detail::Player player(recording);
  while (player.position() < until) player.step();
  std::optional<Snapshot> snapshot = player.snapshot(pid, std::min(at, last));
  if (std::optional<uint64_t> exited = player.exited_at(pid); exited && note.empty())
    note = fmt::format("pid {} exited at {:.9f} s: showing its last layout", pid, *exited / 1e9);
  if (!snapshot)
    return make_error(Errc::not_found,
                      fmt::format("{}: pid {} has no known layout at {:.9f} s (it exec'd and its new layout was not "
                                  "read yet)",
                                  recording.path, pid, std::min(at, last) / 1e9));
  return std::move(*snapshot);
}

}  // namespace ljmm::film
