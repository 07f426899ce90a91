// Whether the bytes before a return address are an x86-64 call instruction: how a word found
// on top of the stack at a system call is known to be a return address at all.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ljmm::trace::detail {

// The longest call instruction checked: ff /2 with a SIB byte and a 32-bit displacement.
inline constexpr size_t longest_call = 7;

// `code` holds the `longest_call` bytes that end right before the address. True when they end
// with call rel32 (e8) or call r/m64 (ff /2) of exactly the length its ModRM byte says.
bool ends_with_call(const uint8_t (&code)[longest_call]);

}  // namespace ljmm::trace::detail
