// Events as people read them: a call's arguments decoded as strace names them, its result, its
// flags and errors. ljmm-trace's lines and JSON objects and the recording page's event list say
// the same, from these.
#pragma once

#include <cstdint>
#include <string>

#include "ljmm/event.hpp"
#include "ljmm/export.hpp"

namespace ljmm::trace {

// "rw-", "MAP_PRIVATE|MAP_ANONYMOUS", "MREMAP_MAYMOVE": flags as their names, unknown bits in hex.
LJMM_API std::string describe_prot(uint64_t prot);
LJMM_API std::string describe_mmap_flags(uint64_t flags);
LJMM_API std::string describe_mremap_flags(uint64_t flags);
// "NULL, 1 MiB, rw-, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0" (the arguments as a person reads them)
LJMM_API std::string describe_arguments(const Event& event);
// "0x7f12a000", "-ENOMEM", "0x5555 (failed)"; for fork/exec/exit a short description.
LJMM_API std::string describe_result(const Event& event);
LJMM_API std::string errno_name(int64_t error);  // "ENOMEM"

}  // namespace ljmm::trace
