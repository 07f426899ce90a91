/* ljmm_map_near against the real address space: reach is verified for every result, a crowded
 * neighbourhood gives ENOMEM, one hole far away is found, bad sizes give EINVAL.
 * Prints one JSON line per check and exits 0 when all pass. Linked with ljmm.o. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "ljmm/runtime.h"

#define GiB ((uintptr_t)1 << 30)
#define KiB ((uintptr_t)1 << 10)

static int failures;

static void check(const char *name, int ok, const char *detail) {
  printf("{\"check\":\"%s\",\"ok\":%s,\"detail\":\"%s\"}\n", name, ok ? "true" : "false", detail);
  if (!ok) failures++;
}

/* Every byte of [start, start + size) within +-(2 GiB - size) of the symbol; below a symbol
   under 2 GiB (non-PIE) nothing is out of reach. */
static int within_reach(uintptr_t start, size_t size, uintptr_t symbol) {
  uintptr_t slack = 2 * GiB - size, lowest = symbol > slack ? symbol - slack : 0;
  return start >= lowest && start + size <= symbol + slack;
}

__attribute__((noinline)) int jit_target(int x) { return x * 3 + 1; }

/* Fills every free range within +-2 GiB of `symbol` with PROT_NONE reservations. */
static void crowd_around(uintptr_t symbol) {
  uintptr_t lo = symbol > 2 * GiB ? (symbol - 2 * GiB + 4095) & ~(uintptr_t)4095 : 65536;
  uintptr_t hi = (symbol + 2 * GiB) & ~(uintptr_t)4095;
  FILE *maps = fopen("/proc/self/maps", "r");
  unsigned long ranges[4096][2];
  int count = 0;
  char line[4096];
  while (maps && fgets(line, sizeof line, maps) && count < 4096)
    if (sscanf(line, "%lx-%lx", &ranges[count][0], &ranges[count][1]) == 2) count++;
  if (maps) fclose(maps);
  uintptr_t cursor = lo;
  for (int i = 0; i <= count; ++i) {
    uintptr_t start = i < count ? ranges[i][0] : hi;
    if (start > hi) start = hi;
    if (start > cursor)
      mmap((void *)cursor, start - cursor, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE,
           -1, 0);
    if (i < count && ranges[i][1] > cursor) cursor = ranges[i][1];
    if (cursor >= hi) break;
  }
}

int main(void) {
  char detail[256];
  uintptr_t symbol = (uintptr_t)&jit_target;
  int requests = 0;

  /* Sizes from a page to 64 MiB, for a symbol anywhere (a non-PIE program's lies below 2 GiB). */
  for (size_t size = 4 * KiB; size <= 64 * 1024 * KiB; size *= 4, ++requests) {
    char *p = ljmm_map_near((void *)symbol, size, PROT_READ | PROT_WRITE);
    snprintf(detail, sizeof detail, "symbol %#lx size %zu got %p", (unsigned long)symbol, size, (void *)p);
    check("every byte within rel32 reach", p && within_reach((uintptr_t)p, size, symbol), detail);
    if (!p) continue;
    p[0] = 1, p[size - 1] = 1;
    munmap(p, size);
  }

  void *near = ljmm_map_near((void *)symbol, 64 * KiB, PROT_READ | PROT_WRITE);
  snprintf(detail, sizeof detail, "symbol %#lx mapping %p", (unsigned long)symbol, near);
  check("finds room near the code", near && within_reach((uintptr_t)near, 64 * KiB, symbol), detail);
  if (near) munmap(near, 64 * KiB);

  errno = 0;
  check("size 0 is EINVAL", ljmm_map_near((void *)symbol, 0, PROT_READ) == NULL && errno == EINVAL, "");
  errno = 0;
  check("size of 1 GiB or more is EINVAL", ljmm_map_near((void *)symbol, GiB, PROT_READ) == NULL && errno == EINVAL, "");

  crowd_around(symbol);
  errno = 0;
  void *none = ljmm_map_near((void *)symbol, 64 * KiB, PROT_READ | PROT_WRITE);
  snprintf(detail, sizeof detail, "got %p errno %d", none, errno);
  check("crowded neighbourhood gives ENOMEM", none == NULL && errno == ENOMEM, detail);

  /* Open one 64 KiB hole 1.5 GiB from the symbol (below it, if there is room): the only place left. */
  uintptr_t hole = (symbol > 2 * GiB ? symbol - 3 * GiB / 2 : symbol + 3 * GiB / 2) & ~(uintptr_t)0xffff;
  munmap((void *)hole, 64 * KiB);
  void *found = ljmm_map_near((void *)symbol, 64 * KiB, PROT_READ | PROT_WRITE);
  snprintf(detail, sizeof detail, "hole %#lx got %p", (unsigned long)hole, found);
  check("the one hole is found", (uintptr_t)found == hole && within_reach(hole, 64 * KiB, symbol), detail);
  if (found) memset(found, 0xc3, 64 * KiB); /* usable memory */

  errno = 0;
  void *too_big = ljmm_map_near((void *)symbol, 128 * KiB, PROT_READ | PROT_WRITE);
  check("a request larger than the hole gives ENOMEM", too_big == NULL && errno == ENOMEM, "");

  /* Everything within reach is taken again; the free space beyond +-2 GiB must not be used. */
  if (found) munmap(found, 64 * KiB);
  mmap((void *)hole, 64 * KiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
  errno = 0;
  void *unreachable = ljmm_map_near((void *)symbol, 64 * KiB, PROT_READ | PROT_WRITE);
  snprintf(detail, sizeof detail, "got %p", unreachable);
  check("free space beyond reach is not used", unreachable == NULL && errno == ENOMEM, detail);

  struct ljmm_stats stats;
  ljmm_get_stats(&stats);
  snprintf(detail, sizeof detail, "near_requests %lu near_failures %lu", (unsigned long)stats.near_requests,
           (unsigned long)stats.near_failures);
  check("counters", stats.near_requests == 7u + (unsigned)requests && stats.near_failures == 5, detail);
  return failures == 0 ? 0 : 1;
}
