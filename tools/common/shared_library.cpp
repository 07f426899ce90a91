#include "shared_library.hpp"

#include <fmt/format.h>

namespace ljmm::cli {

Result<SharedLibrary> SharedLibrary::open(const char* soname, const char* package, const char* needed_for) {
  void* handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr)
    return make_error(Errc::unsupported, fmt::format("{} needs {} (Debian package {}): {}", needed_for, soname,
                                                     package, dlerror()));
  return SharedLibrary(handle, soname, package);
}

Status SharedLibrary::check() const {
  if (missing_.empty()) return {};
  return make_error(Errc::unsupported, fmt::format("{} has no function {}: Debian package {} is too old", soname_,
                                                   missing_, package_));
}

}  // namespace ljmm::cli
