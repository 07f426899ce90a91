// /proc/PID/maps as it arrives: whole lines are parsed as they come, a line cut between two
// reads once its end arrives. The text of 65,000 mappings (4 MB) is never held whole.
#include <sys/mman.h>

#include <cstdint>
#include <cstring>

#include "ljmm/maps.hpp"
#include "parse/maps_line.hpp"

namespace ljmm {

namespace {

size_t count_lines(std::string_view text) {
  size_t lines = 0;
  for (const char* at = text.data(); const void* found = std::memchr(at, '\n', text.size() - (at - text.data()));
       ++lines)
    at = static_cast<const char*>(found) + 1;
  return lines;
}

constexpr uintptr_t huge_page = uintptr_t{2} << 20;
// Regions that go in small pages before the huge ones start: most processes have fewer.
constexpr size_t small_page_regions = (512 << 10) / sizeof(Region);

// Asks for transparent huge pages from the first 2 MiB boundary past small_page_regions to the
// last one in the room. Filling 65,000 regions then takes a few faults instead of 1,800, whose
// cost was a tenth of ljmm-inspect --json's time; a process of fewer regions never touches a
// huge page, so it is not given 2 MiB to zero. A kernel without THP, or with it set to "never",
// ignores the advice.
void advise_huge_pages(const Region* room, size_t capacity) {
  auto at = [](const Region* region) { return reinterpret_cast<uintptr_t>(region); };
  uintptr_t begin = (at(room + small_page_regions) + huge_page - 1) & ~(huge_page - 1);
  uintptr_t end = at(room + capacity) & ~(huge_page - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

}  // namespace

MapsParser::MapsParser(size_t expected_regions) {
  if (expected_regions <= small_page_regions || expected_regions > regions_.max_size() / 2) {
    regions_.reserve(expected_regions);
    return;
  }
  // One huge page more of room (address space), so that the last 2 MiB boundary in it comes
  // after the last region expected and the huge pages reach the end of the list.
  regions_.reserve(expected_regions + huge_page / sizeof(Region));
  advise_huge_pages(regions_.data(), regions_.capacity());
}

Status MapsParser::parse_line(std::string_view line) {
  ++line_number_;
  if (line.empty()) return {};
  Region& region = regions_.emplace_back();
  Status status = detail::parse_maps_line_into(line, line_number_, region);
  if (status && region.start < previous_end_)
    status = detail::malformed_line(line, line_number_, "overlaps or precedes the line before");
  if (!status) {
    regions_.pop_back();
    return status;
  }
  previous_end_ = region.end;
  return {};
}

Status MapsParser::feed(std::string_view piece) {
  if (!partial_.empty()) {
    size_t newline = piece.find('\n');
    partial_.append(piece.substr(0, newline));
    if (newline == std::string_view::npos) return {};
    piece.remove_prefix(newline + 1);
    std::string line = std::move(partial_);
    partial_.clear();
    if (Status status = parse_line(line); !status) return status;
  }
  for (size_t newline; (newline = piece.find('\n')) != std::string_view::npos; piece.remove_prefix(newline + 1))
    if (Status status = parse_line(piece.substr(0, newline)); !status) return status;
  partial_.assign(piece);
  return {};
}

Result<std::vector<Region>> MapsParser::finish() {
  if (!partial_.empty()) {
    std::string line = std::move(partial_);
    partial_.clear();
    if (Status status = parse_line(line); !status) return status.error();
  }
  // Give back the room reserved for regions that did not come (one copy of a short list).
  if (regions_.capacity() > 2 * regions_.size()) regions_.shrink_to_fit();
  return std::move(regions_);
}

Result<std::vector<Region>> parse_maps(std::string_view text) {
  MapsParser parser(count_lines(text) + 1);
  if (Status status = parser.feed(text); !status) return status.error();
  return parser.finish();
}

}  // namespace ljmm
