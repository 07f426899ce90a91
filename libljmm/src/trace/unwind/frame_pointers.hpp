// User stacks walked through frame pointers, as both backends capture them.
#pragma once

#include <cstdint>
#include <vector>

namespace ljmm::trace::detail {

// Frame-pointer unwinding through code built without frame pointers ends in zeros and repeats:
// keeps the frames up to the first zero or repeated address.
void trim_stack(std::vector<uint64_t>& stack);

}  // namespace ljmm::trace::detail
