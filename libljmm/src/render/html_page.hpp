// The page around its data: the style and script inline, the data one JSON element, and a
// Content-Security-Policy that forbids the page any request.
#pragma once

#include <string>
#include <string_view>

namespace ljmm::detail {

// data: an ljmm.page/v1 object (html_data.hpp) as JSON.
std::string html_page(std::string_view title, std::string_view data);

}  // namespace ljmm::detail
