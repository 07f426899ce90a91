# Writes OUTPUT, a C++ file holding the page's style (STYLE) and script (SCRIPTS, files separated
# by |, in order) as string literals, for html_assets.hpp. Run as: cmake -DOUTPUT=... -DSTYLE=...
# -DSCRIPTS=... -P embed_page.cmake
set(delimiter "ljmm_page")

# embed(VARIABLE TEXT): a raw string literal, cut in pieces of at most 16,000 characters (the
# longest literal every compiler accepts), concatenated by the compiler.
function(embed out text)
  string(FIND "${text}" ")${delimiter}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "the page's sources contain )${delimiter}\", which ends the literal")
  endif()
  set(literal "")
  string(LENGTH "${text}" length)
  set(offset 0)
  while(offset LESS length)
    string(SUBSTRING "${text}" ${offset} 16000 piece)
    string(APPEND literal "R\"${delimiter}(${piece})${delimiter}\"\n")
    math(EXPR offset "${offset} + 16000")
  endwhile()
  set(${out} "${literal}" PARENT_SCOPE)
endfunction()

file(READ ${STYLE} style)
set(script "(function () {\n'use strict';\n")
string(REPLACE "|" ";" SCRIPTS "${SCRIPTS}")
foreach(source IN LISTS SCRIPTS)
  file(READ ${source} text)
  get_filename_component(name ${source} NAME)
  string(APPEND script "// --- ${name}\n${text}")
endforeach()
string(APPEND script "})();\n")
embed(style_literal "${style}")
embed(script_literal "${script}")
file(WRITE ${OUTPUT}.tmp "// Made by embed_page.cmake from the page's sources: do not edit.
#include \"render/html_assets.hpp\"

namespace ljmm::detail {

std::string_view page_style() {
  static constexpr char text[] =
${style_literal};
  return {text, sizeof text - 1};
}

std::string_view page_script() {
  static constexpr char text[] =
${script_literal};
  return {text, sizeof text - 1};
}

}  // namespace ljmm::detail
")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
