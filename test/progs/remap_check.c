/* mremap and munmap of low memory through ljmm: a mapping that must move stays in the window
 * and keeps its content; with LJMM_RESERVE=window, freed ranges return to the reservation.
 * Prints one JSON line per check; exits 0 when all pass. Linked with ljmm.o and --wrap. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "ljmm/runtime.h"

static int failures;
static uintptr_t window_start, window_end;

static void check(const char *name, int ok, void *detail) {
  printf("{\"check\":\"%s\",\"ok\":%s,\"address\":\"%p\"}\n", name, ok ? "true" : "false", detail);
  if (!ok) failures++;
}

static int low(void *p, size_t size) {
  return p != MAP_FAILED && (uintptr_t)p >= window_start && (uintptr_t)p + size <= window_end;
}

int main(void) {
  ljmm_get_window(&window_start, &window_end);
  const size_t page = 4096;
  char *a = mmap(NULL, 16 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  check("low mapping", low(a, 16 * page), a);
  memset(a, 0x5a, 16 * page);

  /* Block the pages above it, then grow: in place is impossible, so it must move. */
  void *blocker = mmap(a + 16 * page, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  int blocked = blocker == a + 16 * page;
  char *grown = mremap(a, 16 * page, 64 * page, MREMAP_MAYMOVE);
  check("grown mapping moved and stayed low", blocked && low(grown, 64 * page) && grown != a, grown);
  check("content moved with it", grown != MAP_FAILED && grown[0] == 0x5a && grown[16 * page - 1] == 0x5a, grown);

  char *shrunk = mremap(grown, 64 * page, 8 * page, 0);
  check("shrunk in place", shrunk == grown, shrunk);
  check("munmap", munmap(shrunk, 8 * page) == 0, shrunk);

  char *fixed_elsewhere = mremap(MAP_FAILED, page, page, 0); /* a bad address: the kernel's error */
  check("errors pass through", fixed_elsewhere == MAP_FAILED, fixed_elsewhere);

  struct ljmm_stats s;
  ljmm_get_stats(&s);
  check("remaps counted", s.remaps_in_window >= 2, NULL);
  if (s.reserved_bytes > 0) check("freed ranges went back to the reservation", s.returned_to_reserve > 0, NULL);
  return failures == 0 ? 0 : 1;
}
