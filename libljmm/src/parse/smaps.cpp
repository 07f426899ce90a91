// /proc/PID/smaps: the maps header line of each region followed by its "Name: value" lines.
// Reading smaps alone (not maps then smaps) gives one consistent list of regions.
#include <fmt/format.h>

#include <charconv>

#include "ljmm/maps.hpp"
#include "parse/lines.hpp"

namespace ljmm {

namespace {

// "Rss:   4 kB" -> name "Rss", value "4 kB". Field names start with a capital letter; maps
// header lines start with a lowercase hex digit, so one byte tells them apart.
bool is_field_line(std::string_view line, std::string_view& name, std::string_view& value) {
  if (line.empty() || line[0] < 'A' || line[0] > 'Z') return false;
  size_t colon = 1;
  while (colon < line.size() && line[colon] != ':' && line[colon] != ' ') ++colon;
  if (colon >= line.size() || line[colon] != ':') return false;
  name = line.substr(0, colon);
  size_t first = colon + 1;
  while (first < line.size() && line[first] == ' ') ++first;
  value = line.substr(first);
  return true;
}

Result<SmapsField> parse_field(std::string_view name, std::string_view value, std::string_view line,
                               size_t line_number) {
  SmapsField field{std::string(name), 0};
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), field.value, 10);
  std::string_view unit = value.substr(static_cast<size_t>(end - value.data()));
  if (ec != std::errc() || (unit != " kB" && !unit.empty())) {
    return make_error(Errc::malformed,
                      fmt::format("malformed smaps line {}: bad value for {} in \"{}\"", line_number, name, line));
  }
  if (unit == " kB") field.value *= 1024;
  return field;
}

}  // namespace

Result<std::vector<Region>> parse_smaps(std::string_view text) {
  std::vector<Region> regions;
  Status status = detail::for_each_line(text, [&](std::string_view line, size_t line_number) -> Status {
    std::string_view name, value;
    if (!is_field_line(line, name, value)) {
      auto region = parse_maps_line(line, line_number);
      if (!region) return region.error();
      if (!regions.empty() && region->start < regions.back().end)
        return make_error(Errc::malformed,
                          fmt::format("malformed smaps line {}: region overlaps the one before", line_number));
      regions.push_back(std::move(region).value());
      return {};
    }
    if (regions.empty())
      return make_error(Errc::malformed, fmt::format("malformed smaps line {}: field before any region", line_number));
    Region& region = regions.back();
    if (name == "VmFlags") {
      region.smaps.set_vm_flags(value);
      return {};
    }
    auto field = parse_field(name, value, line, line_number);
    if (!field) return field.error();
    region.smaps.add(std::move(field).value());
    return {};
  });
  if (!status) return status.error();
  return regions;
}

}  // namespace ljmm
