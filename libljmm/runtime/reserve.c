/* Start-up reservations.
 *
 * brk-block: one PROT_NONE page right after the break, as the classic LuaJIT wrapper did with
 *   a tiny block: glibc's brk heap can no longer grow into the window. It is PROT_NONE so it
 *   never merges into [heap] and stays visible; ljmm-inspect reports the blocked brk it causes.
 * window: every free range of the window is mapped PROT_NONE, MAP_NORESERVE (costs no memory)
 *   before anything else can take it, as Wine's preloader does. The free parts are recorded in
 *   the ownership table (table.c); low requests are carved from it with MAP_FIXED (no race with
 *   other mappers: they cannot get in), and munmap/mremap give ranges back as PROT_NONE instead
 *   of leaving holes.
 *
 * The reservation maps an empty memfd named LJMM_RESERVE_MEMFD ("ljmm-reserve"), so its free
 * parts are named in /proc/self/maps and never confused with a caller's own PROT_NONE mapping.
 * Each piece is mapped at the file offset equal to its address: neighbouring pieces then have
 * contiguous offsets and the kernel merges them back into one mapping when they are given back. */
#include <errno.h>

#include "internal.h"
#include "raw.h"

static long map_reserve(uintptr_t start, uintptr_t length, int extra_flags) {
  int flags = MAP_PRIVATE | MAP_NORESERVE | extra_flags;
  return raw_mmap(start, length, PROT_NONE, flags, ljmm_state.reserve_fd, (long)start); /* offset: see above */
}

struct reserve_walk {
  uintptr_t previous_end;
  long error;
};

static void reserve_gap(struct reserve_walk *walk, uintptr_t start, uintptr_t end) {
  if (start < ljmm_state.window_start) start = ljmm_state.window_start;
  if (end > ljmm_state.window_end) end = ljmm_state.window_end;
  if (end <= start || ljmm_state.reserved_count == LJMM_MAX_RESERVATIONS) return;
  long result = map_reserve(start, end - start, MAP_FIXED_NOREPLACE);
  if ((uintptr_t)result != start) {
    if (!raw_failed(result)) raw_munmap((uintptr_t)result, end - start);
    walk->error = raw_failed(result) ? result : -EEXIST;
    return;
  }
  ljmm_state.reserved[ljmm_state.reserved_count++] = (struct ljmm_range){start, end};
  if (ljmm_table_add(start, end) != 0) walk->error = -ENOSPC;
  LJMM_COUNT(reserved_bytes, end - start);
}

static int visit_for_reserve(const struct ljmm_map_entry *entry, void *context) {
  struct reserve_walk *walk = context;
  if (entry->start > walk->previous_end) reserve_gap(walk, walk->previous_end, entry->start);
  if (entry->end > walk->previous_end) walk->previous_end = entry->end;
  return walk->previous_end >= ljmm_state.window_end;
}

static int reserve_window(void) {
  int table = ljmm_table_setup();
  if (table != 0) return table;
  long fd = raw_memfd_create(LJMM_RESERVE_MEMFD, MFD_CLOEXEC);
  if (raw_failed(fd)) return (int)fd;
  ljmm_state.reserve_fd = (int)fd;
  /* Gaps are reserved while the scan goes on; each reservation only fills the gap it saw. */
  struct reserve_walk walk = {0, 0};
  long scanned = ljmm_scan_maps(visit_for_reserve, &walk);
  if (raw_failed(scanned)) return (int)scanned;
  if (walk.previous_end < ljmm_state.window_end) reserve_gap(&walk, walk.previous_end, ljmm_state.window_end);
  return (int)walk.error;
}

static int reserve_brk_block(void) {
  uintptr_t at = ljmm_page_round_up((uintptr_t)raw_brk(0));
  long result = raw_mmap(at, ljmm_state.page_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE,
                         -1, 0);
  if ((uintptr_t)result != at) {
    if (!raw_failed(result)) raw_munmap((uintptr_t)result, ljmm_state.page_size);
    return raw_failed(result) ? (int)result : -EEXIST;
  }
  LJMM_COUNT(reserved_bytes, ljmm_state.page_size);
  return 0;
}

int ljmm_reserve_locked(enum ljmm_reserve_mode mode) {
  if (ljmm_state.page->reserve_mode != LJMM_RESERVE_NONE) return mode == ljmm_state.page->reserve_mode ? 0 : -EBUSY;
  int result = mode == LJMM_RESERVE_BRK_BLOCK ? reserve_brk_block() : mode == LJMM_RESERVE_WINDOW ? reserve_window() : 0;
  if (result == 0) ljmm_state.page->reserve_mode = (uint32_t)mode;
  return result;
}

int ljmm_in_reservation(uintptr_t start, uintptr_t end) {
  for (int i = 0; i < ljmm_state.reserved_count; ++i)
    if (start < ljmm_state.reserved[i].end && end > ljmm_state.reserved[i].start) return 1;
  return 0;
}

struct coverage {
  uintptr_t cursor, end;
  int covered;
};

static int visit_for_coverage(const struct ljmm_map_entry *entry, void *context) {
  struct coverage *c = context;
  if (entry->end <= c->cursor) return 0;
  if (entry->start > c->cursor || !entry->free_reserve) return 1; /* a hole, or someone's mapping */
  c->cursor = entry->end;
  c->covered = c->cursor >= c->end;
  return c->covered;
}

/* Whether the maps show [start, end) as free reservation from end to end. */
static int still_free_reserve(uintptr_t start, uintptr_t end) {
  struct coverage c = {start, end, 0};
  return !raw_failed(ljmm_scan_maps(visit_for_coverage, &c)) && c.covered;
}

/* Maps [start, start + size) over free reservation, taking it out of the table. A request the
   kernel refuses up front (EBADF, EINVAL, EACCES...) changed nothing: the range is recorded as
   free again. ENOMEM and EAGAIN can be either: at vm.max_map_count the kernel refuses before
   touching anything (cutting a block out of a reservation mapping needs one more mapping), while
   an older kernel out of commit charge has already unmapped the range (it unmapped first, then
   checked the charge). A NOREPLACE refill alone would meet our own untouched reservation (EEXIST)
   and drop it from the table: every request refused at the limit would cost the window its size
   for good. The maps, read only on this failure path, tell the two apart. */
static long map_over_reserve(uintptr_t start, uintptr_t size, int prot, int flags, int fd, long offset) {
  flags = (flags & ~(MAP_32BIT | MAP_FIXED_NOREPLACE)) | MAP_FIXED;
  ljmm_table_remove(start, start + size);
  long result = raw_mmap(start, size, prot, flags, fd, offset);
  if (result == -ENOMEM || result == -EAGAIN) {
    if (still_free_reserve(start, start + size)) ljmm_table_add(start, start + size);
    else ljmm_give_back(start, start + size, LJMM_REFILL);
  } else if (raw_failed(result)) {
    ljmm_table_add(start, start + size);
  }
  return result;
}

long ljmm_carve(struct ljmm_fit *fit, int prot, int flags, int fd, long offset) {
  uintptr_t at = fit->hint;
  if (at == 0 || at < fit->lo || at + fit->size > fit->hi || at + fit->size < at ||
      !ljmm_table_is_free(at, at + fit->size)) {
    if (fit->exact || !ljmm_table_best_fit(fit->size, fit->lo, fit->hi, &at)) return -ENOMEM;
  }
  return map_over_reserve(at, fit->size, prot, flags, fd, offset);
}

int ljmm_release(uintptr_t start, uintptr_t end) {
  for (int i = 0; i < ljmm_state.reserved_count; ++i) {
    struct ljmm_range r = ljmm_state.reserved[i];
    uintptr_t a = r.start > start ? r.start : start, b = r.end < end ? r.end : end;
    if (a < b && !ljmm_table_is_free(a, b)) return -ENOMEM; /* someone else's pages are there */
  }
  for (int i = 0; i < ljmm_state.reserved_count; ++i) {
    struct ljmm_range r = ljmm_state.reserved[i];
    uintptr_t a = r.start > start ? r.start : start, b = r.end < end ? r.end : end;
    if (a >= b) continue;
    ljmm_table_remove(a, b);
    raw_munmap(a, b - a);
  }
  return 0;
}

static void keep_first_error(long *error, long result) {
  if (raw_failed(result) && *error == 0) *error = result;
}

long ljmm_give_back(uintptr_t start, uintptr_t end, enum ljmm_give_back_mode mode) {
  int replace = mode == LJMM_REPLACE;
  uintptr_t given = 0;
  long error = 0;
  uintptr_t cursor = start;
  while (cursor < end) {
    /* The next reserved range that overlaps [cursor, end), if any. */
    uintptr_t from = end, to = end;
    for (int i = 0; i < ljmm_state.reserved_count; ++i) {
      struct ljmm_range r = ljmm_state.reserved[i];
      uintptr_t a = r.start > cursor ? r.start : cursor, b = r.end < end ? r.end : end;
      if (a < b && a < from) from = a, to = b;
    }
    if (from > cursor && replace) keep_first_error(&error, raw_munmap(cursor, from - cursor)); /* not ours */
    long got = from < to ? map_reserve(from, to - from, replace ? MAP_FIXED : MAP_FIXED_NOREPLACE) : -EINVAL;
    if (got != (long)from && !raw_failed(got)) raw_munmap((uintptr_t)got, to - from); /* taken as a hint */
    if (got == (long)from) {
      if (ljmm_table_add(from, to) == 0) {
        given += to - from;
      } else {
        raw_munmap(from, to - from); /* the table is full: not ours any more, a plain hole */
      }
    } else if (replace && from < to) {
      /* The program's range is still mapped: at vm.max_map_count the kernel will not cut it out
         of the block. Unmap it for real if the kernel will (a plain hole, as when the table is
         full), or fail as munmap fails there, instead of saying it is gone. */
      keep_first_error(&error, raw_munmap(from, to - from));
    }
    cursor = to;
  }
  return error ? error : (long)given;
}

/* The free reservation as the maps show it: our memfd's pieces inside the reserved ranges. */
static int visit_for_recovery(const struct ljmm_map_entry *entry, void *context) {
  (void)context;
  if (entry->free_reserve && ljmm_in_reservation(entry->start, entry->end)) ljmm_table_add(entry->start, entry->end);
  return 0;
}

void ljmm_recover_locked(void) {
  ljmm_forget_gaps();
  if (ljmm_state.reserved_count == 0) return;
  ljmm_table_clear();
  ljmm_scan_maps(visit_for_recovery, 0);
}
