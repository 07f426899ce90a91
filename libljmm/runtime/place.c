/* Choosing a free range from /proc/self/maps and mapping it without replacing anything.
 *
 * The free gaps of the window are cached (a static array, no allocation) so a fallback costs one
 * mmap, not a read of /proc/self/maps. A stale cache is safe: the placement uses
 * MAP_FIXED_NOREPLACE, so a gap someone else took since gives EEXIST and a rescan, and a request
 * that fits no cached gap rescans once before giving up (others may have freed memory). */
#include <errno.h>

#include "internal.h"
#include "raw.h"

struct gap_walk {
  struct ljmm_fit *fit;
  uintptr_t previous_end;
};

static uintptr_t distance(uintptr_t a, uintptr_t b) { return a > b ? a - b : b - a; }

/* Returns 1 when this gap became the best choice so far. */
static int consider_gap(struct ljmm_fit *fit, uintptr_t start, uintptr_t end) {
  if (start < fit->lo) start = fit->lo;
  if (end > fit->hi) end = fit->hi;
  if (end <= start || end - start < fit->size) return 0;
  uintptr_t candidate, score;
  if (fit->target == 0) {
    /* Best fit: the smallest gap that holds the request, at its bottom end, so what grows
       upward (a block mremap'ed in place, an allocator's next segment) finds the rest of the
       gap right above it. The brk headroom keeps the window itself clear of the break. */
    candidate = start;
    score = end - start;
  } else {
    /* Near a symbol: the end of the gap closest to it. */
    candidate = end <= fit->target ? end - fit->size : start;
    score = distance(candidate + fit->size / 2, fit->target);
  }
  if (fit->found && score > fit->score) return 0;
  fit->found = 1;
  fit->score = score;
  fit->chosen = candidate;
  return 1;
}

static int visit_entry(const struct ljmm_map_entry *entry, void *context) {
  struct gap_walk *walk = context;
  if (entry->start > walk->previous_end) consider_gap(walk->fit, walk->previous_end, entry->start);
  if (entry->end > walk->previous_end) walk->previous_end = entry->end;
  return walk->previous_end >= walk->fit->hi; /* nothing above the window matters */
}

#define GAP_CACHE_SIZE 4096

/* The window's gaps as of the last scan, minus what ljmm placed since. Guarded by the lock. */
static struct {
  int valid;
  uintptr_t lo, hi;
  int count;
  struct ljmm_range gaps[GAP_CACHE_SIZE];
} cache;

void ljmm_forget_gaps(void) { cache.valid = 0; }

static int visit_for_cache(const struct ljmm_map_entry *entry, void *context) {
  uintptr_t *previous_end = context;
  uintptr_t start = *previous_end > cache.lo ? *previous_end : cache.lo;
  uintptr_t end = entry->start < cache.hi ? entry->start : cache.hi;
  if (end > start) {
    if (cache.count == GAP_CACHE_SIZE) {
      cache.valid = 0; /* too many gaps to keep: scan every time instead */
      return 1;
    }
    cache.gaps[cache.count++] = (struct ljmm_range){start, end};
  }
  if (entry->end > *previous_end) *previous_end = entry->end;
  return *previous_end >= cache.hi;
}

static long refill_cache(uintptr_t lo, uintptr_t hi) {
  cache.valid = 1;
  cache.lo = lo;
  cache.hi = hi;
  cache.count = 0;
  uintptr_t previous_end = 0;
  long scanned = ljmm_scan_maps(visit_for_cache, &previous_end);
  if (raw_failed(scanned)) {
    cache.valid = 0;
    return scanned;
  }
  if (cache.valid && previous_end < hi && cache.count < GAP_CACHE_SIZE)
    cache.gaps[cache.count++] = (struct ljmm_range){previous_end > lo ? previous_end : lo, hi};
  return 0;
}

static int choose_cached(struct ljmm_fit *fit, int *index) {
  fit->found = 0;
  for (int i = 0; i < cache.count; ++i)
    if (consider_gap(fit, cache.gaps[i].start, cache.gaps[i].end)) *index = i;
  return fit->found;
}

/* Fills fit->chosen from a fresh scan; returns 0, -ENOMEM when nothing fits, or -errno. */
static long choose_by_scan(struct ljmm_fit *fit) {
  struct gap_walk walk = {fit, 0};
  fit->found = 0;
  long scanned = ljmm_scan_maps(visit_entry, &walk);
  if (raw_failed(scanned)) return scanned;
  if (walk.previous_end < fit->hi) consider_gap(fit, walk.previous_end, fit->hi);
  return fit->found ? 0 : -ENOMEM;
}

/* Best fit from the cache (refilled when it is for another range, stale or has no fit);
   a symbol-near request always scans. *index is the cache entry chosen, or -1. */
static long choose(struct ljmm_fit *fit, int *index) {
  *index = -1;
  if (fit->target != 0) return choose_by_scan(fit);
  int fresh = 0;
  if (!cache.valid || cache.lo != fit->lo || cache.hi != fit->hi) {
    long refilled = refill_cache(fit->lo, fit->hi);
    if (raw_failed(refilled)) return refilled;
    fresh = 1;
  }
  if (!cache.valid) return choose_by_scan(fit);
  if (choose_cached(fit, index)) return 0;
  if (fresh) return -ENOMEM;
  long refilled = refill_cache(fit->lo, fit->hi); /* memory may have been freed by others */
  if (raw_failed(refilled)) return refilled;
  if (!cache.valid) return choose_by_scan(fit);
  return choose_cached(fit, index) ? 0 : -ENOMEM;
}

static void take_from_cache(int index, uintptr_t start, uintptr_t size) {
  if (index < 0 || !cache.valid) return;
  struct ljmm_range *gap = &cache.gaps[index];
  if (start + size == gap->end) {
    gap->end = start;
  } else if (start == gap->start) {
    gap->start = start + size;
  } else {
    cache.valid = 0; /* placed in the middle: simpler to scan again next time */
    return;
  }
  if (gap->end <= gap->start) cache.gaps[index] = cache.gaps[--cache.count];
}

long ljmm_place(struct ljmm_fit *fit, int prot, int flags, int fd, long offset) {
  if (ljmm_has_flag(LJMM_FLAG_FIXED_UNSUPPORTED)) return -ENOMEM;
  flags &= ~(MAP_32BIT | MAP_FIXED);
  for (int attempt = 0; attempt < LJMM_MAX_RETRIES; ++attempt) {
    int index;
    long chosen = choose(fit, &index);
    if (raw_failed(chosen)) return chosen;
    /* Once the kernel has shown it ignores MAP_FIXED_NOREPLACE (or LJMM_PLACE_WITH_HINTS asks
       for it), the address is passed as a plain hint; the check below works the same. */
    int noreplace = ljmm_has_flag(LJMM_FLAG_NOREPLACE_UNSUPPORTED) ? 0 : MAP_FIXED_NOREPLACE;
    long result = raw_mmap(fit->chosen, fit->size, prot, flags | noreplace, fd, offset);
    if ((uintptr_t)result == fit->chosen) {
      take_from_cache(index, fit->chosen, fit->size);
      return result;
    }
    ljmm_forget_gaps();
    if (result == -EEXIST) { /* another mapper took it since the scan: look again */
      LJMM_COUNT(retries, 1);
      continue;
    }
    if (result == -EINVAL) {
      /* This request's own fault (a flag, a huge length...) or no fixed placement at all (no-MMU
         style)? One page at the same known-free address, fixed, tells. */
      long probe = raw_mmap(fit->chosen, ljmm_state.page_size, PROT_NONE,
                            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | noreplace, -1, 0);
      if (!raw_failed(probe)) raw_munmap((uintptr_t)probe, ljmm_state.page_size);
      if (probe != -EINVAL) return -EINVAL;
      ljmm_set_flag(LJMM_FLAG_FIXED_UNSUPPORTED); /* said once; later requests get the kernel's answer */
      return -ENOMEM;
    }
    if (raw_failed(result)) return result;
    /* A kernel before 4.17 ignores MAP_FIXED_NOREPLACE and takes the address as a hint: it
       mapped elsewhere because something is there now. Undo and look again. */
    ljmm_set_flag(LJMM_FLAG_NOREPLACE_UNSUPPORTED);
    raw_munmap((uintptr_t)result, fit->size);
    LJMM_COUNT(retries, 1);
  }
  return -ENOMEM;
}
