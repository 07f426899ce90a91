#include "trace/unwind/frame_pointers.hpp"

#include <cstddef>

namespace ljmm::trace::detail {

void trim_stack(std::vector<uint64_t>& stack) {
  for (std::size_t i = 0; i < stack.size(); ++i) {
    if (stack[i] == 0 || (i > 0 && stack[i] == stack[i - 1])) {
      stack.resize(i);
      return;
    }
  }
}

}  // namespace ljmm::trace::detail
