// The picture's rows: runs of regions of one segment, and large gaps, low to high addresses.
// Shared by the text and the SVG pictures.
#pragma once

#include <cstdint>
#include <vector>

#include "ljmm/analysis.hpp"

namespace ljmm::detail {

struct Span {
  Segment segment;
  uint64_t start = 0;
  uint64_t end = 0;  // 0 means 2^64 (the kernel half)
  uint64_t mapped = 0;
  uint64_t free = 0;
  uint64_t regions = 0;
  bool free_only = false;
  uint64_t fallback = 0;  // bytes of malloc fallback memory among the mapped ones
  // The mapping in the heap's way when it lies in this span (size 0: none), so the picture
  // shows where the break is blocked, not only that it is.
  uint64_t blocker_start = 0;
  uint64_t blocker_size = 0;
  uint64_t size() const { return end - start; }  // wraps to the right value for end == 0
};

std::vector<Span> build_spans(const Analysis& analysis);

// log2(size / page) + 1, a page or less weighing 1: the length of a span's bar, relative to the
// others (page: the snapshot's page size).
double log_weight(uint64_t size, uint64_t page);

// "s5 heap", "s6 mmap area (free)"; and "3 regions, 1 MiB mapped, 4 KiB free".
std::string span_label(const Span& span);
std::string span_detail(const Span& span);

}  // namespace ljmm::detail
