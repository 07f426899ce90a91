/* The runtime's mmap, munmap and mremap, and its C API. The symbol wrappers (wrap.c) and the
 * LD_PRELOAD shim (preload.c) both call these. */
#include <errno.h>
#include <stdarg.h>

#include "internal.h"
#include "raw.h"

void *ljmm_result(long result) {
  if (raw_failed(result)) {
    errno = (int)-result;
    return MAP_FAILED;
  }
  return (void *)result;
}

int ljmm_window_reserved(void) { return ljmm_state.page->reserve_mode == LJMM_RESERVE_WINDOW; }

int ljmm_in_window(uintptr_t start, uintptr_t length) {
  return start >= ljmm_state.window_start && start + length <= ljmm_state.window_end && start + length >= start;
}

static int touches_window(uintptr_t start, uintptr_t length) {
  return start < ljmm_state.window_end && start + length > ljmm_state.window_start;
}

static int is_low_request(uintptr_t addr, int flags) {
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) return 0; /* the caller chose the address */
  return (flags & MAP_32BIT) || (addr >= ljmm_state.window_start && addr < ljmm_state.window_end);
}

/* Where a low request may end up: MAP_32BIT promises memory below 2 GiB whatever the window. */
static int acceptable(uintptr_t start, uintptr_t size, int flags) {
  if (flags & MAP_32BIT) return start + size <= LJMM_TWO_GIB && start + size > start;
  return ljmm_in_window(start, size);
}

long ljmm_place_low_locked(uintptr_t hint, uintptr_t size, int prot, int flags, int fd, long offset) {
  struct ljmm_fit fit = {0};
  fit.lo = ljmm_state.window_start;
  fit.hi = ljmm_state.window_end;
  if ((flags & MAP_32BIT) && fit.hi > LJMM_TWO_GIB) fit.hi = LJMM_TWO_GIB;
  if (fit.lo >= fit.hi || size > fit.hi - fit.lo) return -ENOMEM;
  fit.size = size;
  fit.hint = hint;
  if (ljmm_window_reserved()) {
    long carved = ljmm_carve(&fit, prot, flags, fd, offset);
    if (carved != -ENOMEM) return carved;
    fit.hint = 0; /* no room in the reservation: a hole someone left, from the maps */
  }
  return ljmm_place(&fit, prot, flags, fd, offset);
}

static long place_low(uintptr_t hint, uintptr_t size, int prot, int flags, int fd, long offset) {
  uint64_t mask;
  ljmm_lock(&mask);
  long result = ljmm_place_low_locked(hint, size, prot, flags, fd, offset);
  ljmm_unlock(mask);
  return result;
}

/* The program's own MAP_FIXED or MAP_FIXED_NOREPLACE inside a reserved window: a NOREPLACE range
   that is free reservation is given to it; a MAP_FIXED one is the program's from now on. */
static long fixed_in_reservation(uintptr_t addr, uintptr_t length, int prot, int flags, int fd, long offset) {
  uintptr_t size = ljmm_page_round_up(length);
  if (size < length || addr + size < addr || (addr & (ljmm_state.page_size - 1)))
    return raw_mmap(addr, length, prot, flags, fd, offset); /* the kernel's error */
  uint64_t mask;
  ljmm_lock(&mask);
  long result = -ENOMEM;
  if (!(flags & MAP_FIXED)) {
    struct ljmm_fit fit = {0};
    fit.lo = ljmm_state.window_start, fit.hi = ljmm_state.window_end;
    fit.size = size, fit.hint = addr, fit.exact = 1;
    result = ljmm_carve(&fit, prot, flags, fd, offset);
  }
  if (result == -ENOMEM) {
    result = raw_mmap(addr, length, prot, flags, fd, offset);
    if (!raw_failed(result)) ljmm_table_remove((uintptr_t)result, (uintptr_t)result + size);
  }
  ljmm_unlock(mask);
  return result;
}

/* Requests the runtime does not place: huge pages (their alignment is the kernel's business).
   MAP_32BIT's promise is still checked, as hugetlbfs may not honour it. */
static long pass_through(uintptr_t hint, uintptr_t length, uintptr_t size, int prot, int flags, int fd, long offset) {
  long result = raw_mmap(hint, length, prot, flags, fd, offset);
  if (!raw_failed(result) && (flags & MAP_32BIT) && !acceptable((uintptr_t)result, size, flags)) {
    raw_munmap((uintptr_t)result, size);
    result = -ENOMEM;
  }
  if (raw_failed(result)) LJMM_COUNT(failures, 1);
  else if (acceptable((uintptr_t)result, size, flags)) LJMM_COUNT(fast_path, 1);
  else LJMM_COUNT(outside_window, 1);
  return result;
}

void *ljmm_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset) {
  ljmm_init();
  LJMM_COUNT(calls, 1);
  uintptr_t hint = (uintptr_t)addr;
  if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && ljmm_window_reserved() && touches_window(hint, length))
    return ljmm_result(fixed_in_reservation(hint, length, prot, flags, fd, offset));
  if (!is_low_request(hint, flags) || length == 0) return ljmm_result(raw_mmap(hint, length, prot, flags, fd, offset));

  LJMM_COUNT(low_requests, 1);
  uintptr_t size = ljmm_page_round_up(length);
  if (size < length) { /* rounding overflows: the kernel says ENOMEM, and so do we */
    LJMM_COUNT(failures, 1);
    return ljmm_result(-ENOMEM);
  }
  if (flags & MAP_HUGETLB) return ljmm_result(pass_through(hint, length, size, prot, flags, fd, offset));
  if (!ljmm_in_window(hint, size)) hint = 0;
  long elsewhere = -ENOMEM; /* where the kernel put it, outside the window */
  /* With the window reserved, the kernel has no room there: go to the reservation first. */
  if (!ljmm_window_reserved()) {
    long result = raw_mmap((uintptr_t)addr, length, prot, flags, fd, offset);
    if (!raw_failed(result) && acceptable((uintptr_t)result, size, flags)) {
      LJMM_COUNT(fast_path, 1);
      return (void *)result;
    }
    if (result != -ENOMEM && raw_failed(result)) {
      LJMM_COUNT(failures, 1); /* EBADF, EACCES, ...: not a question of room */
      return ljmm_result(result);
    }
    elsewhere = result;
  }
  long placed = place_low(hint, size, prot, flags, fd, offset);
  if (!raw_failed(placed)) {
    if (!raw_failed(elsewhere)) raw_munmap((uintptr_t)elsewhere, size);
    LJMM_COUNT(fallbacks, 1);
    LJMM_COUNT(bytes_placed, size);
    return (void *)placed;
  }
  if (placed != -ENOMEM && placed != -EEXIST) { /* this request's own error (EINVAL, EBADF...) */
    if (!raw_failed(elsewhere)) raw_munmap((uintptr_t)elsewhere, size);
    LJMM_COUNT(failures, 1);
    return ljmm_result(placed);
  }
  if (ljmm_window_reserved()) {
    /* The reservation is full: the kernel's placement, elsewhere (MAP_32BIT may still find room
       below 2 GiB when the window ends lower). */
    elsewhere = raw_mmap((uintptr_t)addr, length, prot, flags, fd, offset);
    if (!raw_failed(elsewhere) && acceptable((uintptr_t)elsewhere, size, flags)) {
      LJMM_COUNT(fast_path, 1);
      return (void *)elsewhere;
    }
  }
  if (!raw_failed(elsewhere) && !(flags & MAP_32BIT)) {
    /* A hint is only a hint: with no room in the window, give what mmap would have given.
       Callers that probe with hints (LuaJIT) look elsewhere on their own; ENOMEM would stop them. */
    LJMM_COUNT(outside_window, 1);
    return (void *)elsewhere;
  }
  if (!raw_failed(elsewhere)) raw_munmap((uintptr_t)elsewhere, size);
  LJMM_COUNT(failures, 1);
  return ljmm_result(raw_failed(elsewhere) && elsewhere != -ENOMEM ? elsewhere : -ENOMEM);
}

int ljmm_munmap(void *addr, size_t length) {
  ljmm_init();
  uintptr_t start = (uintptr_t)addr, end = start + ljmm_page_round_up(length);
  if (start < ljmm_state.window_end && end > ljmm_state.window_start) LJMM_COUNT(unmaps_in_window, 1);
  if (length == 0 || end <= start || (start & (ljmm_state.page_size - 1)) || !ljmm_in_reservation(start, end)) {
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
  long given = ljmm_give_back(start, end, LJMM_REPLACE);
  ljmm_unlock(mask);
  if (raw_failed(given)) { /* still mapped, as after the kernel's own munmap at the limit */
    errno = (int)-given;
    return -1;
  }
  LJMM_COUNT(returned_to_reserve, (uintptr_t)given);
  return 0;
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
  /* Every byte within +-(2 GiB - size) of the symbol; a symbol below 2 GiB (non-PIE) has no
     lower bound but the first mappable page. */
  uintptr_t slack = reach - length, user_top = 0x7ffffffff000ULL;
  uintptr_t lowest = target > slack ? target - slack : 0, highest = target + slack;
  if (highest > user_top || highest < target) highest = user_top;
  struct ljmm_fit fit = {0};
  fit.lo = ljmm_page_round_up(lowest);
  if (fit.lo < ljmm_state.mmap_min_addr) fit.lo = ljmm_page_round_up(ljmm_state.mmap_min_addr);
  fit.hi = highest & ~(ljmm_state.page_size - 1);
  fit.size = length;
  fit.target = target;
  uint64_t mask;
  ljmm_lock(&mask);
  long result = ljmm_place(&fit, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ljmm_unlock(mask);
  uintptr_t start = (uintptr_t)result;
  /* Verify the reach of what the kernel gave, whatever the kernel is. */
  if (!raw_failed(result) && (start < lowest || start + length > highest)) {
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
