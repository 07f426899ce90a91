#include "trace/summary/call_instruction.hpp"

#include <initializer_list>

namespace ljmm::trace::detail {

bool ends_with_call(const uint8_t (&code)[longest_call]) {
  auto before = [&](size_t back) { return code[longest_call - back]; };  // the byte `back` bytes before
  if (before(5) == 0xe8) return true;                                    // call rel32
  // call r/m64: 0xff, then a ModRM byte whose reg field is 2; its length follows from the ModRM.
  for (size_t length : {2, 3, 4, 6, 7}) {
    if (before(length) != 0xff) continue;
    uint8_t modrm = before(length - 1);
    unsigned mod = modrm >> 6, reg = (modrm >> 3) & 7, rm = modrm & 7;
    if (reg != 2) continue;
    size_t expected =
        2 + (mod != 3 && rm == 4 ? 1 : 0) + (mod == 1 ? 1 : 0) + (mod == 2 ? 4 : 0) + (mod == 0 && rm == 5 ? 4 : 0);
    if (expected == length) return true;
  }
  return false;
}

}  // namespace ljmm::trace::detail
