/* The runtime's mmap, munmap and mremap, and its C API. The symbol wrappers (wrap.c) and the
 * LD_PRELOAD shim (preload.c) both call these. */
#include <errno.h>
#include <stdarg.h>

#include "internal.h"
#include "raw.h"

#ifndef MREMAP_MAYMOVE
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#endif

static void *as_result(long result) {
  if (raw_failed(result)) {
    errno = (int)-result;
    return MAP_FAILED;
  }
  return (void *)result;
}

static int in_window(uintptr_t start, uintptr_t length) {
  return start >= ljmm_state.window_start && start + length <= ljmm_state.window_end && start + length >= start;
}

static int is_low_request(uintptr_t addr, int flags) {
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) return 0; /* the caller chose the address */
  return (flags & MAP_32BIT) || (addr >= ljmm_state.window_start && addr < ljmm_state.window_end);
}

/* The slow path: a fit from the reservation or from the maps, under the lock. */
static long place_low(uintptr_t length, int prot, int flags, int fd, long offset) {
  uint64_t mask;
  ljmm_lock(&mask);
  long result = ljmm_carve(length, prot, flags, fd, offset);
  if (raw_failed(result)) {
    struct ljmm_fit fit = {0};
    fit.lo = ljmm_state.window_start;
    fit.hi = ljmm_state.window_end;
    fit.size = length;
    result = ljmm_place(&fit, prot, flags, fd, offset);
  }
  ljmm_unlock(mask);
  return result;
}

void *ljmm_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset) {
  ljmm_init();
  LJMM_COUNT(calls, 1);
  uintptr_t hint = (uintptr_t)addr;
  if (!is_low_request(hint, flags) || length == 0) return as_result(raw_mmap(hint, length, prot, flags, fd, offset));

  LJMM_COUNT(low_requests, 1);
  uintptr_t size = ljmm_page_round_up(length);
  long elsewhere = -ENOMEM; /* where the kernel put it, outside the window */
  /* With the window reserved, the kernel has no room there: go straight to the reservation. */
  if (ljmm_state.page->reserve_mode != LJMM_RESERVE_WINDOW) {
    long result = raw_mmap(hint, length, prot, flags, fd, offset);
    if (!raw_failed(result) && in_window((uintptr_t)result, size)) {
      LJMM_COUNT(fast_path, 1);
      return (void *)result;
    }
    if (result != -ENOMEM && raw_failed(result)) {
      LJMM_COUNT(failures, 1); /* EBADF, EACCES, ...: not a question of room */
      return as_result(result);
    }
    elsewhere = result;
  }
  long placed = place_low(size, prot, flags, fd, offset);
  if (!raw_failed(placed)) {
    if (!raw_failed(elsewhere)) raw_munmap((uintptr_t)elsewhere, size);
    LJMM_COUNT(fallbacks, 1);
    LJMM_COUNT(bytes_placed, size);
    return (void *)placed;
  }
  if (!raw_failed(elsewhere) && !(flags & MAP_32BIT)) {
    /* A hint is only a hint: with no room in the window, give what mmap would have given.
       Callers that probe with hints (LuaJIT) look elsewhere on their own; ENOMEM would stop them. */
    LJMM_COUNT(outside_window, 1);
    return (void *)elsewhere;
  }
  if (!raw_failed(elsewhere)) raw_munmap((uintptr_t)elsewhere, size);
  LJMM_COUNT(failures, 1);
  return as_result(placed == -EEXIST ? -ENOMEM : placed);
}

int ljmm_munmap(void *addr, size_t length) {
  ljmm_init();
  uintptr_t start = (uintptr_t)addr, end = start + ljmm_page_round_up(length);
  if (start < ljmm_state.window_end && end > ljmm_state.window_start) LJMM_COUNT(unmaps_in_window, 1);
  if (length == 0 || (start & (ljmm_state.page_size - 1)) || !ljmm_in_reservation(start, end)) {
    long result = raw_munmap(start, length);
    /* Cached gaps only ever miss space freed since the scan, which a failed fit rescans for;
       forgetting them here would cost a scan on every munmap of an allocator's chunk. */
    if (raw_failed(result)) {
      errno = (int)-result;
      return -1;
    }
    return 0;
  }
  uint64_t mask;
  ljmm_lock(&mask);
  uintptr_t given = ljmm_give_back(start, end);
  ljmm_unlock(mask);
  LJMM_COUNT(returned_to_reserve, given);
  return 0;
}

void *ljmm_mremap(void *old_address, size_t old_size, size_t new_size, int flags, void *new_address) {
  ljmm_init();
  uintptr_t old_start = (uintptr_t)old_address;
  if (!in_window(old_start, old_size) || (flags & MREMAP_FIXED))
    return as_result(raw_mremap(old_start, old_size, new_size, flags, (uintptr_t)new_address));
  LJMM_COUNT(remaps_in_window, 1);
  uintptr_t old_end = old_start + ljmm_page_round_up(old_size), new_end = old_start + ljmm_page_round_up(new_size);
  uint64_t mask;
  ljmm_lock(&mask);
  if (new_end > old_end && ljmm_in_reservation(old_end, new_end)) {
    /* Growing into our own free reservation: release just that part first. */
    raw_munmap(old_end, new_end - old_end);
  }
  long result = raw_mremap(old_start, old_size, new_size, flags & ~MREMAP_MAYMOVE, 0);
  if (!raw_failed(result) && new_end < old_end && ljmm_in_reservation(new_end, old_end)) {
    LJMM_COUNT(returned_to_reserve, ljmm_give_back(new_end, old_end));
  }
  if (raw_failed(result) && new_end > old_end && ljmm_in_reservation(old_end, new_end)) {
    ljmm_give_back(old_end, new_end); /* could not grow: put the reservation back */
  }
  ljmm_unlock(mask);
  if (!raw_failed(result) || !(flags & MREMAP_MAYMOVE)) return as_result(result);

  /* It has to move: find room in the window and move it there, so it stays low. */
  uintptr_t size = ljmm_page_round_up(new_size);
  long target = place_low(size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (raw_failed(target)) return as_result(target);
  result = raw_mremap(old_start, old_size, new_size, MREMAP_MAYMOVE | MREMAP_FIXED, (uintptr_t)target);
  if (raw_failed(result)) {
    raw_munmap((uintptr_t)target, size);
    return as_result(result);
  }
  if (ljmm_in_reservation(old_start, old_end)) {
    ljmm_lock(&mask);
    LJMM_COUNT(returned_to_reserve, ljmm_give_back(old_start, old_end));
    ljmm_unlock(mask);
  }
  return (void *)result;
}

void *ljmm_map_near(const void *symbol, size_t size, int prot) {
  ljmm_init();
  LJMM_COUNT(near_requests, 1);
  const uintptr_t reach = (uintptr_t)2 << 30; /* rel32: +-2 GiB */
  uintptr_t target = (uintptr_t)symbol, length = ljmm_page_round_up(size);
  if (size == 0 || length >= reach / 2) {
    LJMM_COUNT(near_failures, 1);
    errno = EINVAL;
    return 0;
  }
  uintptr_t slack = reach - length; /* every byte within +-(2 GiB - size) of the symbol */
  struct ljmm_fit fit = {0};
  fit.lo = target > slack ? ljmm_page_round_up(target - slack) : 0;
  if (fit.lo < ljmm_state.mmap_min_addr) fit.lo = ljmm_page_round_up(ljmm_state.mmap_min_addr);
  fit.hi = (target + slack) & ~(ljmm_state.page_size - 1);
  if (fit.hi > 0x7ffffffff000ULL) fit.hi = 0x7ffffffff000ULL;
  fit.size = length;
  fit.target = target;
  uint64_t mask;
  ljmm_lock(&mask);
  long result = ljmm_place(&fit, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ljmm_unlock(mask);
  uintptr_t start = (uintptr_t)result;
  /* Verify the reach of what the kernel gave, whatever the kernel is. */
  if (!raw_failed(result) && (start < target - slack || start + length > target + slack)) {
    raw_munmap(start, length);
    result = -ENOMEM;
  }
  if (raw_failed(result)) {
    LJMM_COUNT(near_failures, 1);
    errno = (int)-result;
    return 0;
  }
  return (void *)start;
}

int ljmm_set_window(uintptr_t start, uintptr_t end) {
  ljmm_init();
  if (start >= end || (start & (ljmm_state.page_size - 1)) || (end & (ljmm_state.page_size - 1)) ||
      start < ljmm_state.mmap_min_addr) {
    errno = EINVAL;
    return -1;
  }
  uint64_t mask;
  ljmm_lock(&mask);
  ljmm_state.window_start = start;
  ljmm_state.window_end = end;
  ljmm_state.page->window_start = start;
  ljmm_state.page->window_end = end;
  ljmm_forget_gaps();
  ljmm_unlock(mask);
  return 0;
}

void ljmm_get_window(uintptr_t *start, uintptr_t *end) {
  ljmm_init();
  *start = ljmm_state.window_start;
  *end = ljmm_state.window_end;
}

int ljmm_reserve(enum ljmm_reserve_mode mode) {
  ljmm_init();
  uint64_t mask;
  ljmm_lock(&mask);
  int result = ljmm_reserve_locked(mode);
  ljmm_unlock(mask);
  if (result < 0) {
    errno = -result;
    return -1;
  }
  return 0;
}
