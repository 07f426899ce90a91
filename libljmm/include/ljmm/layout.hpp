// Segments s1-s8 and the free gaps between regions: the model every renderer draws from.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "ljmm/export.hpp"
#include "ljmm/snapshot.hpp"

namespace ljmm {

// In ascending address order on x86-64 (see docs/segments.md).
enum class Segment : uint8_t {
  text = 1,  // s1: code and read-only data of the executable
  data,      // s2: initialized, file-backed writable data of the executable
  bss,       // s3: anonymous writable pages right after the data
  gap,       // s4: the randomization gap between bss and the heap
  heap,      // s5: [heap], the brk area
  mmap,      // s6: shared objects, anonymous maps, thread stacks, and free space for them
  stack,     // s7: [stack] of the main thread
  kernel,    // s8: the kernel half ([vsyscall])
};
inline constexpr size_t segment_count = 8;
inline constexpr std::array<Segment, segment_count> all_segments = {Segment::text,  Segment::data,  Segment::bss,
                                                                    Segment::gap,   Segment::heap,  Segment::mmap,
                                                                    Segment::stack, Segment::kernel};

// One value per segment, indexed by the segment itself; listed from s1 to s8.
template <class T>
class PerSegment {
 public:
  constexpr PerSegment() = default;
  constexpr explicit PerSegment(const std::array<T, segment_count>& values) : values_(values) {}
  constexpr T& operator[](Segment segment) { return values_[index(segment)]; }
  constexpr const T& operator[](Segment segment) const { return values_[index(segment)]; }
  auto begin() { return values_.begin(); }
  auto end() { return values_.end(); }
  auto begin() const { return values_.begin(); }
  auto end() const { return values_.end(); }

 private:
  static constexpr size_t index(Segment segment) { return static_cast<size_t>(segment) - 1; }
  std::array<T, segment_count> values_{};
};

LJMM_API const char* segment_id(Segment segment);                      // "s1"
LJMM_API const char* segment_name(Segment segment);                    // "text"
LJMM_API std::optional<Segment> parse_segment(std::string_view text);  // "s5" or "heap"

// The lowest address of the kernel half on x86-64.
inline constexpr uint64_t kernel_start = 0xffff800000000000ULL;
// The end of user space with 4-level (47-bit) and 5-level (56-bit) page tables.
inline constexpr uint64_t user_top_47bit = 0x00007ffffffff000ULL;
inline constexpr uint64_t user_top_56bit = 0x00fffffffffff000ULL;

struct LJMM_API Gap {
  uint64_t start = 0;
  uint64_t end = 0;
  Segment segment = Segment::mmap;  // s4 for the randomization gap, s7 above the stack, else s6
  std::optional<Segment> below;     // segment of the region under it (none at address 0)
  std::optional<Segment> above;     // segment of the region over it (none at the top of user space)
  uint64_t size() const { return end - start; }
};

struct LJMM_API SegmentTotal {
  uint64_t regions = 0;
  uint64_t bytes = 0;       // mapped bytes
  uint64_t rss = 0;         // from smaps, 0 without
  uint64_t pss = 0;         // from smaps: shared pages divided among the processes that map them
  uint64_t swap = 0;        // from smaps, 0 without
  uint64_t free_bytes = 0;  // gap bytes labelled with this segment
};

struct LJMM_API Layout {
  std::vector<Segment> segment_of;  // one per snapshot region, same order
  std::vector<Gap> gaps;            // ascending, between regions and up to user_top
  PerSegment<SegmentTotal> totals;
  uint64_t user_top = user_top_47bit;
  std::optional<size_t> heap_index;  // index of [heap] in the regions

  const SegmentTotal& total(Segment segment) const { return totals[segment]; }
};

LJMM_API Layout classify(const Snapshot& snapshot);

// Index of the first region whose end is above `address` (the one containing it, or the
// next one up); regions.size() when none.
LJMM_API size_t region_at_or_above(const std::vector<Region>& regions, uint64_t address);

}  // namespace ljmm
