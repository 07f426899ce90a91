// /proc/PID/smaps: the maps header line of each region followed by its "Name: value" lines.
// Reading smaps alone (not maps then smaps) gives one consistent list of regions.
#include <fmt/format.h>

#include <charconv>

#include "ljmm/maps.hpp"

namespace ljmm {

namespace {

// "Rss:   4 kB" -> name "Rss", value 4096. Returns false when the line is not a field line.
bool is_field_line(std::string_view line, std::string_view& name, std::string_view& value) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  name = line.substr(0, colon);
  // A maps header has "-" in its first token and never a colon before the first space.
  if (name.find_first_of(" -") != std::string_view::npos) return false;
  value = line.substr(colon + 1);
  size_t first = value.find_first_not_of(' ');
  value = first == std::string_view::npos ? std::string_view{} : value.substr(first);
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
  Status status = for_each_line(text, [&](std::string_view line, size_t line_number) -> Status {
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
      region.vm_flags.assign(value);
      return {};
    }
    auto field = parse_field(name, value, line, line_number);
    if (!field) return field.error();
    region.smaps.push_back(std::move(field).value());
    return {};
  });
  if (!status) return status.error();
  return regions;
}

}  // namespace ljmm
