// The page's style and script, read from page/*.css and page/*.js and compiled in when the library
// is built (embed_page.cmake), so a page needs no file beside it.
#pragma once

#include <string_view>

namespace ljmm::detail {

std::string_view page_style();
std::string_view page_script();  // every page/*.js in order, in one function scope

}  // namespace ljmm::detail
