// Facts about the layout calls' arguments that both the model (what a call does) and the trace's
// decoder (how strace names it) need: madvise's advice, the lock and shm flags, mbind's modes.
#pragma once

#include <cstdint>

#include "ljmm/film.hpp"

namespace ljmm::film::detail {

using namespace vma_flag;

// What an advice does to the mappings it covers.
enum class AdviceEffect {
  none,        // a hint about the pages: the list of mappings stays
  frees,       // the pages are handed back (the bytes count as advised away); the mappings stay
  set_flag,    // sets `flag` on the range, splitting mappings at its ends
  clear_flag,  // clears `flag` (and `also_clears`)
};

struct Advice {
  uint64_t value;
  const char* name;  // as strace prints it
  AdviceEffect effect;
  uint32_t flag = 0;         // vma_flag::*
  uint32_t also_clears = 0;  // the flag it excludes (MADV_HUGEPAGE clears no_huge_page, ...)
};

inline constexpr Advice madvise_advice[] = {
    {0, "MADV_NORMAL", AdviceEffect::clear_flag, random_read, sequential_read},
    {1, "MADV_RANDOM", AdviceEffect::set_flag, random_read, sequential_read},
    {2, "MADV_SEQUENTIAL", AdviceEffect::set_flag, sequential_read, random_read},
    {3, "MADV_WILLNEED", AdviceEffect::none},
    {4, "MADV_DONTNEED", AdviceEffect::frees},
    {8, "MADV_FREE", AdviceEffect::frees},
    {9, "MADV_REMOVE", AdviceEffect::frees},
    {10, "MADV_DONTFORK", AdviceEffect::set_flag, dont_fork},
    {11, "MADV_DOFORK", AdviceEffect::clear_flag, dont_fork},
    {12, "MADV_MERGEABLE", AdviceEffect::set_flag, mergeable},
    {13, "MADV_UNMERGEABLE", AdviceEffect::clear_flag, mergeable},
    {14, "MADV_HUGEPAGE", AdviceEffect::set_flag, huge_page, no_huge_page},
    {15, "MADV_NOHUGEPAGE", AdviceEffect::set_flag, no_huge_page, huge_page},
    {16, "MADV_DONTDUMP", AdviceEffect::set_flag, dont_dump},
    {17, "MADV_DODUMP", AdviceEffect::clear_flag, dont_dump},
    {18, "MADV_WIPEONFORK", AdviceEffect::set_flag, wipe_on_fork},
    {19, "MADV_KEEPONFORK", AdviceEffect::clear_flag, wipe_on_fork},
    {20, "MADV_COLD", AdviceEffect::none},
    {21, "MADV_PAGEOUT", AdviceEffect::none},
    {22, "MADV_POPULATE_READ", AdviceEffect::none},
    {23, "MADV_POPULATE_WRITE", AdviceEffect::none},
    {24, "MADV_DONTNEED_LOCKED", AdviceEffect::frees},
    {25, "MADV_COLLAPSE", AdviceEffect::none},
    {100, "MADV_HWPOISON", AdviceEffect::none},
    {101, "MADV_SOFT_OFFLINE", AdviceEffect::none},
    {102, "MADV_GUARD_INSTALL", AdviceEffect::none},
    {103, "MADV_GUARD_REMOVE", AdviceEffect::none},
};

inline const Advice* find_advice(uint64_t value) {
  for (const Advice& advice : madvise_advice)
    if (advice.value == value) return &advice;
  return nullptr;
}

struct FlagName {
  uint64_t bit;
  const char* name;
};

inline constexpr uint64_t mlock_onfault = 1;  // mlock2's MLOCK_ONFAULT
inline constexpr FlagName mlock2_flags[] = {{mlock_onfault, "MLOCK_ONFAULT"}};

inline constexpr uint64_t mcl_current = 1, mcl_future = 2, mcl_onfault = 4;
inline constexpr FlagName mlockall_flags[] = {
    {mcl_current, "MCL_CURRENT"}, {mcl_future, "MCL_FUTURE"}, {mcl_onfault, "MCL_ONFAULT"}};

inline constexpr uint64_t shm_rdonly = 010000, shm_rnd = 020000, shm_remap = 040000, shm_exec = 0100000;
inline constexpr FlagName shmat_flags[] = {
    {shm_rdonly, "SHM_RDONLY"}, {shm_rnd, "SHM_RND"}, {shm_remap, "SHM_REMAP"}, {shm_exec, "SHM_EXEC"}};

// mbind: the mode in the low bits, mode flags above; then its own flags.
inline constexpr FlagName mbind_modes[] = {{0, "MPOL_DEFAULT"}, {1, "MPOL_PREFERRED"},      {2, "MPOL_BIND"},
                                           {3, "MPOL_INTERLEAVE"}, {4, "MPOL_LOCAL"},   {5, "MPOL_PREFERRED_MANY"},
                                           {6, "MPOL_WEIGHTED_INTERLEAVE"}};
inline constexpr FlagName mbind_mode_flags[] = {
    {1u << 15, "MPOL_F_STATIC_NODES"}, {1u << 14, "MPOL_F_RELATIVE_NODES"}, {1u << 13, "MPOL_F_NUMA_BALANCING"}};
inline constexpr FlagName mbind_flags[] = {{1, "MPOL_MF_STRICT"}, {2, "MPOL_MF_MOVE"}, {4, "MPOL_MF_MOVE_ALL"}};

// Huge page mappings round lengths up to the huge page size: log2 in bits 26-31, else 2 MiB.
inline constexpr uint64_t map_huge_shift = 26, map_huge_mask = 0x3f, default_huge_page_log2 = 21;

}  // namespace ljmm::film::detail
