// Sizes and addresses as people write them: "4 KiB", "1GiB", "0x7f00...".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ljmm/export.hpp"
#include "ljmm/result.hpp"

namespace ljmm {

inline constexpr uint64_t KiB = 1024;
inline constexpr uint64_t MiB = 1024 * KiB;
inline constexpr uint64_t GiB = 1024 * MiB;
inline constexpr uint64_t TiB = 1024 * GiB;

// x86-64's base page: the page size of a snapshot that does not record its machine's (a maps
// file, a document without system.page_size). Wherever the machine is at hand, its own is read.
inline constexpr uint64_t assumed_page_size = 4 * KiB;

// "0x0000000000400000": fixed 16 hex digits, so columns line up.
LJMM_API std::string format_address(uint64_t address);
// "0x400000": shortest form, used in JSON and prose.
LJMM_API std::string format_address_short(uint64_t address);
// "4 KiB", "1.5 MiB", "100 TiB", "0 B": binary units, at most one decimal.
LJMM_API std::string format_size(uint64_t bytes);

// Accepts "1GiB", "512 MiB", "4KiB", "4096", "0x1000" and "4k"/"4K" style suffixes
// (k, m, g, t as binary multiples). Rejects "1GB": decimal units are ambiguous here.
LJMM_API Result<uint64_t> parse_size(std::string_view text);
// Accepts "0x..." hex, plain decimal, or a size such as "2GiB" (an address of that value).
LJMM_API Result<uint64_t> parse_address(std::string_view text);

}  // namespace ljmm
