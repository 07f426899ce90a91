/* ljmm runtime: mmap placement below an address limit (LuaJIT without GC64, MAP_32BIT users)
 * and near a symbol (JITs that need rel32 reach).
 *
 * Shipped three ways:
 *   ljmm.o             plain object: link with -Wl,--wrap=mmap64,--wrap=mmap (and
 *                      --wrap=munmap,--wrap=mremap for reservations) BEFORE -lluajit;
 *                      an archive named first would be dropped by the linker.
 *   libljmm_runtime.a  the same as an archive, for links where the order is right.
 *   libljmm_preload.so LD_PRELOAD shim interposing mmap, mmap64, munmap, mremap; it calls
 *                      the kernel directly, never dlsym (dlsym -> malloc -> mmap recursion).
 *
 * Environment (read once, at the first call):
 *   LJMM_WINDOW=0x10000-0x80000000   the low window; default [page-rounded sbrk(0) + brk headroom,
 *                                    2 GiB) for non-PIE, and [max(mmap_min_addr, 64 KiB), 2 GiB)
 *                                    when the heap lies above 2 GiB (PIE)
 *   LJMM_BRK_HEADROOM=256MiB         room kept free above the break for glibc's brk heap (default
 *                                    256 MiB for the default window of a non-PIE program)
 *   LJMM_RESERVE=brk-block|window    reserve at start-up (see docs/runtime.md)
 *   LJMM_STATS=/path/%p.stats        write the counters there at exit (%p: the pid)
 *   LJMM_PLACE_WITH_HINTS=1          place with plain hints and verify, as on kernels before
 *                                    4.17 that ignore MAP_FIXED_NOREPLACE (to test that path)
 *
 * The placement path never calls malloc, stdio or dlsym; it reads /proc/self/maps with read(2)
 * into a static buffer under the lock, takes a spinlock with all signals blocked, and is async-signal-safe. */
#ifndef LJMM_RUNTIME_H
#define LJMM_RUNTIME_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LJMM_API __attribute__((visibility("default")))

/* Counters since start-up, each once: X(name, unit, what it counts), unit `count` or `bytes`.
 * struct ljmm_stats, the LJMM_STATS file, and ljmm-inspect's JSON, text and metrics all come from
 * this list, in this order. Every low request ends in exactly one of fast_path, fallbacks,
 * outside_window, failures: low_requests == fast_path + fallbacks + outside_window + failures.
 * Add a counter at the end: another build of ljmm reads the page by this layout. */
#define LJMM_STATS_COUNTERS(X)                                                                 \
  X(calls, count, "every mmap call seen by the runtime")                                       \
  X(low_requests, count, "calls with MAP_32BIT or a hint inside the window")                   \
  X(fast_path, count, "the kernel's own placement landed inside the window")                   \
  X(fallbacks, count, "placed by ljmm from a scan of /proc/self/maps")                         \
  X(outside_window, count, "hint requests the window had no room for: the kernel's placement") \
  X(failures, count, "low requests that failed with ENOMEM (or another errno)")                \
  X(retries, count, "lost races (EEXIST) and missed hints, each rescanned")                    \
  X(bytes_placed, bytes, "bytes of the fallback placements")                                   \
  X(scans, count, "reads of /proc/self/maps")                                                  \
  X(unmaps_in_window, count, "munmap calls inside the window")                                 \
  X(remaps_in_window, count, "mremap calls inside the window")                                 \
  X(returned_to_reserve, bytes, "bytes given back to the reservation by munmap/mremap")        \
  X(reserved_bytes, bytes, "bytes reserved at start-up")                                       \
  X(near_requests, count, "ljmm_map_near calls")                                               \
  X(near_failures, count, "ljmm_map_near calls that failed: a bad size, or nothing free within reach")

struct ljmm_stats {
#define LJMM_STATS_FIELD(name, unit, what) uint64_t name;
  LJMM_STATS_COUNTERS(LJMM_STATS_FIELD)
#undef LJMM_STATS_FIELD
};

/* The runtime's memfds by name. /proc/PID/maps shows each as LJMM_MEMFD_PATH(name) " (deleted)". */
#define LJMM_STATS_MEMFD "ljmm-runtime-stats" /* the counters page */
#define LJMM_RESERVE_MEMFD "ljmm-reserve"     /* the free parts of a reservation (LJMM_RESERVE) */
#define LJMM_MEMFD_PATH(name) "/memfd:" name

/* The page that holds the counters. It is a shared mapping of the memfd LJMM_STATS_MEMFD, so
 * `ljmm-inspect PID` finds it in /proc/PID/maps and reads it. */
#define LJMM_STATS_MAGIC "ljmm-stats-v1"
struct ljmm_stats_page {
  char magic[16];
  uint64_t window_start;
  uint64_t window_end;
  uint32_t reserve_mode; /* enum ljmm_reserve_mode */
  uint32_t flags;        /* LJMM_FLAG_* */
  struct ljmm_stats stats;
};

enum ljmm_reserve_mode { LJMM_RESERVE_NONE = 0, LJMM_RESERVE_BRK_BLOCK = 1, LJMM_RESERVE_WINDOW = 2 };
/* Each mode's name, indexed by its value: what LJMM_RESERVE takes and ljmm-inspect shows. */
#define LJMM_RESERVE_MODE_NAMES \
  { "none", "brk-block", "window" }
#define LJMM_FLAG_NOREPLACE_UNSUPPORTED 1u /* the kernel ignores MAP_FIXED_NOREPLACE: hints verified */
#define LJMM_FLAG_FIXED_UNSUPPORTED 2u     /* fixed placement gives EINVAL (no-MMU style): no fallbacks */

/* Sets the low window [start, end), page-aligned; returns 0, or -1 with errno EINVAL. */
LJMM_API int ljmm_set_window(uintptr_t start, uintptr_t end);
LJMM_API void ljmm_get_window(uintptr_t *start, uintptr_t *end);

/* Reserves as LJMM_RESERVE would; returns 0 or -1 with errno. Call it before other threads map. */
LJMM_API int ljmm_reserve(enum ljmm_reserve_mode mode);

/* A copy of the counters (each read atomically). */
LJMM_API void ljmm_get_stats(struct ljmm_stats *out);

/* Maps `size` bytes so every byte lies within +-(2 GiB - size) of `symbol`: code there reaches
 * the symbol, and the symbol reaches it, with a rel32 displacement. Anonymous, private, `prot`.
 * Returns NULL with errno ENOMEM when no such free range exists, EINVAL for a bad size. */
LJMM_API void *ljmm_map_near(const void *symbol, size_t size, int prot);

/* The runtime's mmap/munmap/mremap, for code that wants them without symbol wrapping. */
LJMM_API void *ljmm_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
LJMM_API int ljmm_munmap(void *addr, size_t length);
LJMM_API void *ljmm_mremap(void *old_address, size_t old_size, size_t new_size, int flags, void *new_address);

#ifdef __cplusplus
}
#endif

#endif
