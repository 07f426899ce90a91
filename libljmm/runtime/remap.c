/* mremap of low memory. Growing in place takes only pages the ownership table says are free
 * reservation (LuaJIT without GC64 grows its blocks this way, without MREMAP_MAYMOVE: taking
 * anything else would destroy a neighbour). A move places its target in the window and keeps the
 * lock until the vacated range is back in the reservation, so no other thread can take it in
 * between. */
#include <errno.h>

#include "internal.h"
#include "raw.h"

/* Grows [old_start, old_end) to new_end where it is, under the lock. */
static long grow_in_place(uintptr_t old_start, uintptr_t old_size, uintptr_t new_size, uintptr_t old_end,
                          uintptr_t new_end) {
  if (!ljmm_window_reserved()) return raw_mremap(old_start, old_size, new_size, 0, 0);
  if (ljmm_release(old_end, new_end) != 0) return -ENOMEM; /* not free: as the kernel would say */
  long result = raw_mremap(old_start, old_size, new_size, 0, 0);
  if (raw_failed(result)) ljmm_give_back(old_end, new_end, LJMM_REFILL); /* could not grow: reserve it again */
  return result;
}

/* Moves the mapping to a new place in the window, under the lock. */
static long move_low(uintptr_t old_start, uintptr_t old_size, uintptr_t new_size, int flags) {
  uintptr_t size = ljmm_page_round_up(new_size), old_end = old_start + ljmm_page_round_up(old_size);
  long target = ljmm_place_low_locked(0, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (raw_failed(target)) return target;
  int keep_old = flags & MREMAP_DONTUNMAP;
  long result = raw_mremap(old_start, old_size, new_size, MREMAP_MAYMOVE | MREMAP_FIXED | keep_old, (uintptr_t)target);
  if (raw_failed(result)) {
    ljmm_give_back((uintptr_t)target, (uintptr_t)target + size, LJMM_REPLACE);
    return result;
  }
  if (!keep_old) LJMM_COUNT(returned_to_reserve, ljmm_give_back(old_start, old_end, LJMM_REFILL));
  return result;
}

/* MREMAP_FIXED into a reserved window: the target is the program's from now on. */
static long remap_fixed(uintptr_t old_start, uintptr_t old_size, uintptr_t new_size, int flags, uintptr_t new_address) {
  uint64_t mask;
  ljmm_lock(&mask);
  long result = raw_mremap(old_start, old_size, new_size, flags, new_address);
  if (!raw_failed(result)) {
    ljmm_table_remove(new_address, new_address + ljmm_page_round_up(new_size));
    if (!(flags & MREMAP_DONTUNMAP))
      LJMM_COUNT(returned_to_reserve, ljmm_give_back(old_start, old_start + ljmm_page_round_up(old_size), LJMM_REFILL));
  }
  ljmm_unlock(mask);
  return result;
}

void *ljmm_mremap(void *old_address, size_t old_size, size_t new_size, int flags, void *new_address) {
  ljmm_init();
  uintptr_t old_start = (uintptr_t)old_address;
  uintptr_t old_end = old_start + ljmm_page_round_up(old_size), new_end = old_start + ljmm_page_round_up(new_size);
  /* The kernel's own errors (and old_size 0, which duplicates a shared mapping) go to it. */
  int malformed = new_size == 0 || old_size == 0 || (old_start & (ljmm_state.page_size - 1)) || old_end < old_start ||
                  new_end < old_start || ljmm_page_round_up(new_size) < new_size;
  if ((flags & MREMAP_FIXED) && !malformed && ljmm_window_reserved())
    return ljmm_result(remap_fixed(old_start, old_size, new_size, flags, (uintptr_t)new_address));
  if (malformed || !ljmm_in_window(old_start, old_size) || (flags & MREMAP_FIXED))
    return ljmm_result(raw_mremap(old_start, old_size, new_size, flags, (uintptr_t)new_address));
  LJMM_COUNT(remaps_in_window, 1);
  uint64_t mask;
  ljmm_lock(&mask);
  long result;
  if (flags & MREMAP_DONTUNMAP) {
    result = -ENOMEM; /* always a move */
  } else if (new_end > old_end) {
    result = grow_in_place(old_start, old_size, new_size, old_end, new_end);
  } else {
    result = raw_mremap(old_start, old_size, new_size, 0, 0);
    if (!raw_failed(result) && new_end < old_end && ljmm_window_reserved())
      LJMM_COUNT(returned_to_reserve, ljmm_give_back(new_end, old_end, LJMM_REFILL));
  }
  if (result == -ENOMEM && (flags & MREMAP_MAYMOVE)) result = move_low(old_start, old_size, new_size, flags);
  ljmm_unlock(mask);
  return ljmm_result(result);
}
