#include "ljmm/result.hpp"

namespace ljmm {

const char* errc_name(Errc code) {
  switch (code) {
    case Errc::not_found: return "not found";
    case Errc::permission_denied: return "permission denied";
    case Errc::vanished: return "process exited";
    case Errc::malformed: return "malformed input";
    case Errc::io_error: return "I/O error";
    case Errc::invalid_argument: return "invalid argument";
    case Errc::unsupported: return "unsupported";
    case Errc::not_permitted: return "not permitted";
  }
  return "error";
}

}  // namespace ljmm
