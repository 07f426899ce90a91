#include "ljmm/units.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>

namespace ljmm {

std::string format_address(uint64_t address) { return fmt::format("0x{:016x}", address); }

std::string format_address_short(uint64_t address) { return fmt::format("{:#x}", address); }

std::string format_size(uint64_t bytes) {
  static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int unit = 0;
  uint64_t whole = bytes;
  uint64_t divisor = 1;
  while (whole >= 1024 && unit < 6) {
    whole /= 1024;
    divisor *= 1024;
    ++unit;
  }
  if (unit == 0) return fmt::format("{} B", bytes);
  uint64_t remainder = bytes - whole * divisor;
  // One decimal, rounded down, omitted when it is zero: "4 KiB", "1.5 MiB".
  uint64_t tenth = static_cast<uint64_t>((static_cast<unsigned __int128>(remainder) * 10) / divisor);
  if (tenth == 0) return fmt::format("{} {}", whole, units[unit]);
  return fmt::format("{}.{} {}", whole, tenth, units[unit]);
}

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

Result<uint64_t> parse_integer(std::string_view digits, int base, std::string_view original) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (ec == std::errc::result_out_of_range)
    return make_error(Errc::invalid_argument, fmt::format("\"{}\" is too large", original));
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty())
    return make_error(Errc::invalid_argument, fmt::format("\"{}\" is not a number", original));
  return value;
}

bool is_hex_prefixed(std::string_view text) {
  return text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
}

}  // namespace

Result<uint64_t> parse_size(std::string_view original) {
  std::string_view text = trim(original);
  if (is_hex_prefixed(text)) return parse_integer(text.substr(2), 16, original);

  size_t digits_end = 0;
  while (digits_end < text.size() && std::isdigit(static_cast<unsigned char>(text[digits_end]))) ++digits_end;
  std::string_view suffix = trim(text.substr(digits_end));
  auto number = parse_integer(text.substr(0, digits_end), 10, original);
  if (!number) {
    return make_error(Errc::invalid_argument,
                      fmt::format("\"{}\" is not a size; use e.g. 1GiB, 512MiB or a byte count", original));
  }

  uint64_t multiplier = 1;
  if (suffix.empty() || suffix == "B") {
    multiplier = 1;
  } else {
    char letter = static_cast<char>(std::toupper(static_cast<unsigned char>(suffix[0])));
    std::string_view rest = suffix.substr(1);
    bool binary_suffix = rest.empty() || rest == "iB" || rest == "ib" || rest == "i";
    switch (letter) {
      case 'K': multiplier = KiB; break;
      case 'M': multiplier = MiB; break;
      case 'G': multiplier = GiB; break;
      case 'T': multiplier = TiB; break;
      default:
        return make_error(Errc::invalid_argument,
                          fmt::format("\"{}\" is not a size; use e.g. 1GiB, 512MiB or a byte count", original));
    }
    if (!binary_suffix) {
      return make_error(Errc::invalid_argument, fmt::format("\"{}\" is not a size; use {}{}iB or bytes", original,
                                                            text.substr(0, digits_end), letter));
    }
  }
  if (*number > UINT64_MAX / multiplier)
    return make_error(Errc::invalid_argument, fmt::format("\"{}\" is too large", original));
  return *number * multiplier;
}

Result<uint64_t> parse_address(std::string_view original) {
  std::string_view text = trim(original);
  if (is_hex_prefixed(text)) {
    auto value = parse_integer(text.substr(2), 16, original);
    if (!value) return make_error(Errc::invalid_argument, fmt::format("\"{}\" is not an address", original));
    return value;
  }
  auto value = parse_size(text);
  if (!value)
    return make_error(Errc::invalid_argument,
                      fmt::format("\"{}\" is not an address; use hex (0x...) or a size such as 2GiB", original));
  return value;
}

}  // namespace ljmm
