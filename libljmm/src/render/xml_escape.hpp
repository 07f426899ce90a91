// Text for XML (JUnit reports, SVG): the five entities escaped, and the control characters that
// XML 1.0 forbids even escaped dropped.
#pragma once

#include <string>
#include <string_view>

namespace ljmm::detail {

inline std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t') out.push_back(c);
    }
  }
  return out;
}

}  // namespace ljmm::detail
