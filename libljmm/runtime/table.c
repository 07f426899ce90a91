/* The ownership table: the free parts of the window reservation, as a sorted array of disjoint
 * ranges, neighbours merged as they are added. Placement, munmap and mremap inside a reserved
 * window decide from it, so a low request costs a walk of this array, not a read of
 * /proc/self/maps, and nothing the runtime does not own is ever handed out or overwritten.
 *
 * The array is mapped by the runtime itself (private anonymous memory, no malloc): a forked child
 * has its own copy. Guarded by the lock. When it is full, a range that cannot be recorded is
 * simply not owned any more (the caller unmaps it): losing free space is safe, inventing it is not. */
#include <errno.h>

#include "internal.h"
#include "raw.h"

#define TABLE_CAPACITY 16384

static struct ljmm_range *table;
static int table_count;

int ljmm_table_setup(void) {
  if (table) return 0;
  long memory = raw_mmap(0, TABLE_CAPACITY * sizeof *table, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (raw_failed(memory)) return (int)memory;
  table = (struct ljmm_range *)memory;
  return 0;
}

void ljmm_table_clear(void) { table_count = 0; }

/* The index of the first range whose end is above `address`. */
static int first_ending_above(uintptr_t address) {
  int lo = 0, hi = table_count;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (table[mid].end <= address) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

static void move_entries(int to, int from) {
  if (to < from)
    for (int i = from; i < table_count; ++i) table[to + i - from] = table[i];
  else
    for (int i = table_count - 1; i >= from; --i) table[to + i - from] = table[i];
  table_count += to - from;
}

int ljmm_table_add(uintptr_t start, uintptr_t end) {
  if (!table || end <= start) return -ENOSPC;
  /* Every range that overlaps or touches [start, end) merges into one. */
  int first = first_ending_above(start - 1); /* the first range ending at or above start */
  int last = first;
  while (last < table_count && table[last].start <= end) ++last;
  if (first < last) {
    if (table[first].start < start) start = table[first].start;
    if (table[last - 1].end > end) end = table[last - 1].end;
  } else if (table_count == TABLE_CAPACITY) {
    return -ENOSPC;
  }
  move_entries(first + 1, last);
  table[first] = (struct ljmm_range){start, end};
  return 0;
}

void ljmm_table_remove(uintptr_t start, uintptr_t end) {
  if (!table || end <= start) return;
  int i = first_ending_above(start);
  if (i < table_count && table[i].start < start && table[i].end > end) {
    /* Inside one range: split it in two, or, with no room, keep the larger part. */
    struct ljmm_range upper = {end, table[i].end};
    if (table_count < TABLE_CAPACITY) {
      table[i].end = start;
      move_entries(i + 2, i + 1);
      table[i + 1] = upper;
    } else if (upper.end - upper.start > start - table[i].start) {
      table[i] = upper;
    } else {
      table[i].end = start;
    }
    return;
  }
  if (i < table_count && table[i].start < start) table[i++].end = start;
  int first_gone = i;
  while (i < table_count && table[i].end <= end) ++i;
  if (i < table_count && table[i].start < end) table[i].start = end;
  move_entries(first_gone, i);
}

int ljmm_table_is_free(uintptr_t start, uintptr_t end) {
  if (!table || end <= start) return 0;
  int i = first_ending_above(start);
  return i < table_count && table[i].start <= start && table[i].end >= end;
}

/* Best fit: the smallest free range that holds `size` inside [lo, hi), taken at its bottom end
   (see place.c: growth goes upward). */
int ljmm_table_best_fit(uintptr_t size, uintptr_t lo, uintptr_t hi, uintptr_t *chosen) {
  uintptr_t best_size = 0;
  int found = 0;
  for (int i = table ? first_ending_above(lo) : 0; table && i < table_count && table[i].start < hi; ++i) {
    uintptr_t a = table[i].start > lo ? table[i].start : lo, b = table[i].end < hi ? table[i].end : hi;
    if (b <= a || b - a < size) continue;
    if (!found || b - a < best_size) {
      found = 1;
      best_size = b - a;
      *chosen = a;
      if (best_size == size) break; /* an exact fit cannot be beaten */
    }
  }
  return found;
}
