// The tools the end-to-end tests start. A separate library: the runtime's own tests do not link
// it, so a test there that started a tool would not build (the sanitizer build relies on them
// starting none, test/CMakeLists.txt).
#include <cstdlib>

#include "command.hpp"

namespace ljmm::test {

std::string bin_dir() {
  const char* other = std::getenv("LJMM_TEST_TOOLS_DIR");
  return other && *other ? other : LJMM_BIN_DIR;
}

std::string tool(const std::string& name) { return bin_dir() + "/" + name; }

}  // namespace ljmm::test
