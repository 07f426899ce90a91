/* Eight threads map MAP_32BIT memory through ljmm, grow and shrink it with mremap (in place and
 * with MREMAP_MAYMOVE) and unmap it again for a few seconds, while a timer signal's handler maps
 * and unmaps too. [1 GiB, 2 GiB) is taken first, so every request
 * goes through ljmm's placement. Afterwards:
 *   - no two live mappings overlap, and each still holds the pattern its owner wrote;
 *   - pre-existing mappings in the window were not replaced (their checksums are unchanged);
 *   - the counters add up.
 * Linked with ljmm.o and -Wl,--wrap=mmap64,--wrap=mmap,--wrap=munmap,--wrap=mremap.
 * usage: runtime_stress [SECONDS] [THREADS]; prints one JSON line, exits 0 when all holds. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "ljmm/runtime.h"

#define MAX_THREADS 16
#define LIVE_PER_THREAD 48
#define PREEXISTING 32
#define GiB ((uintptr_t)1 << 30)

struct mapping {
  uintptr_t start;
  size_t size;
  uint64_t tag;
};

struct worker {
  int index;
  struct mapping live[LIVE_PER_THREAD];
  int live_count;
  unsigned long mapped, unmapped, failed, corrupt, remapped, remap_refused, failed_remaps_that_should_work;
  unsigned seed;
};

static int stop;  /* read and written with __atomic builtins: threads poll it */
static struct worker workers[MAX_THREADS];
static struct mapping preexisting[PREEXISTING];
static uint64_t preexisting_sum[PREEXISTING];
static unsigned long handler_maps, handler_failures;  /* __atomic: bumped in a signal handler */
static struct worker rogue; /* maps behind ljmm's back, so ljmm loses races and must rescan */
static uintptr_t window_start, window_end;

static void fill(struct mapping *m) {
  uint64_t *words = (uint64_t *)m->start;
  size_t count = m->size / sizeof *words;
  for (size_t i = 0; i < count; i += 512) words[i] = m->tag ^ i; /* one word a page */
  words[count - 1] = m->tag;
}

static int intact(const struct mapping *m) {
  const uint64_t *words = (const uint64_t *)m->start;
  size_t count = m->size / sizeof *words;
  for (size_t i = 0; i < count; i += 512)
    if (words[i] != (m->tag ^ i)) return 0;
  return words[count - 1] == m->tag;
}

/* The first `size` bytes still hold the pattern of a mapping of `old_size` bytes. */
static int prefix_intact(uintptr_t start, size_t size, size_t old_size, uint64_t tag) {
  const uint64_t *words = (const uint64_t *)start;
  for (size_t i = 0; i < size / sizeof *words; i += 512)
    if (words[i] != (tag ^ i)) return 0;
  return size < old_size || words[old_size / sizeof *words - 1] == tag;
}

/* Grows in place, shrinks, or grows with MREMAP_MAYMOVE one live mapping; its content must come
   along, and (checked at the end) no neighbour may be touched. In-place growth may be refused;
   the other two must work. */
static void remap_one(struct worker *w) {
  struct mapping *m = &w->live[rand_r(&w->seed) % (unsigned)w->live_count];
  int kind = (int)(rand_r(&w->seed) % 3);
  size_t old_size = m->size, new_size = old_size + (1 + rand_r(&w->seed) % 16) * 4096;
  if (kind == 1) new_size = old_size > 4096 ? (old_size / 2 + 4095) & ~(size_t)4095 : old_size;
  void *p = mremap((void *)m->start, old_size, new_size, kind == 2 ? MREMAP_MAYMOVE : 0);
  if (p == MAP_FAILED) {
    w->remap_refused++;
    if (kind != 0) w->failed_remaps_that_should_work++;
    return;
  }
  if (!prefix_intact((uintptr_t)p, new_size < old_size ? new_size : old_size, old_size, m->tag)) w->corrupt++;
  m->start = (uintptr_t)p;
  m->size = new_size;
  fill(m);
  w->remapped++;
}

static uint64_t checksum(const struct mapping *m) {
  const uint64_t *words = (const uint64_t *)m->start;
  uint64_t sum = 0;
  for (size_t i = 0; i < m->size / sizeof *words; ++i) sum = sum * 31 + words[i];
  return sum;
}

static void *map_low(size_t size) {
  void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  return p;
}

static void *work(void *arg) {
  struct worker *w = arg;
  uint64_t serial = 0;
  while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
    int unmap = w->live_count == LIVE_PER_THREAD || (w->live_count > 0 && rand_r(&w->seed) % 3 == 0);
    if (unmap) {
      int victim = (int)(rand_r(&w->seed) % (unsigned)w->live_count);
      struct mapping m = w->live[victim];
      if (!intact(&m)) w->corrupt++;
      munmap((void *)m.start, m.size);
      w->live[victim] = w->live[--w->live_count];
      w->unmapped++;
      continue;
    }
    if (w->live_count > 0 && rand_r(&w->seed) % 4 == 0) {
      remap_one(w);
      continue;
    }
    size_t size = (size_t)(1 + rand_r(&w->seed) % 64) * 4096;
    void *p = map_low(size);
    if (p == MAP_FAILED) {
      w->failed++;
      continue;
    }
    struct mapping m = {(uintptr_t)p, size, ((uint64_t)w->index << 48) | ++serial};
    fill(&m);
    w->live[w->live_count++] = m;
    w->mapped++;
  }
  return NULL;
}

/* Where ljmm is likely to place next: the bottom of the smallest free gap of 64 KiB or more
   below 1 GiB (ljmm takes the bottom of the best-fitting gap). 0 when there is none. */
static uintptr_t likely_choice(void) {
  static char text[1 << 20];
  FILE *maps = fopen("/proc/self/maps", "r");
  if (!maps) return 0;
  size_t length = fread(text, 1, sizeof text - 1, maps);
  fclose(maps);
  text[length] = 0;
  uintptr_t previous_end = window_start, best = 0, best_size = UINTPTR_MAX;
  for (char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
    unsigned long start, end;
    if (sscanf(line, "%lx-%lx", &start, &end) != 2) continue;
    if (start >= GiB) break;
    if (start > previous_end && start - previous_end >= 65536 && start - previous_end < best_size) {
      best_size = start - previous_end;
      best = previous_end;
    }
    if (end > previous_end) previous_end = end;
  }
  return best;
}

/* Another mapper that does not use ljmm: raw system calls with MAP_FIXED_NOREPLACE where ljmm
   is about to place, so ljmm loses races (EEXIST) and must rescan. It never replaces anything. */
static void *rogue_work(void *arg) {
  struct worker *w = arg;
  uint64_t serial = 0;
  uintptr_t pages = (GiB - window_start) / 4096 - 16;
  while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
    if (w->live_count == LIVE_PER_THREAD || (w->live_count > 0 && rand_r(&w->seed) % 2 == 0)) {
      int victim = (int)(rand_r(&w->seed) % (unsigned)w->live_count);
      if (!intact(&w->live[victim])) w->corrupt++;
      syscall(SYS_munmap, w->live[victim].start, w->live[victim].size);
      w->live[victim] = w->live[--w->live_count];
      continue;
    }
    uintptr_t at = likely_choice();
    if (!at) at = window_start + (uintptr_t)(((uint64_t)rand_r(&w->seed) << 16 ^ (uint64_t)rand_r(&w->seed)) % pages) * 4096;
    long p = syscall(SYS_mmap, at, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p != (long)at) continue;
    struct mapping m = {at, 65536, (0xbadULL << 48) | ++serial};
    fill(&m);
    w->live[w->live_count++] = m;
    w->mapped++;
  }
  return NULL;
}

/* A signal handler that maps through ljmm: the runtime blocks signals while it holds its lock,
   so this cannot deadlock against the thread it interrupts. Like any handler that makes calls,
   it gives the interrupted code its errno back (a failed mmap sets it). */
static void on_timer(int signal_number) {
  (void)signal_number;
  int saved_errno = errno;
  void *p = map_low(8192);
  if (p == MAP_FAILED) {
    __atomic_fetch_add(&handler_failures, 1, __ATOMIC_RELAXED);
    errno = saved_errno;
    return;
  }
  ((volatile char *)p)[0] = 1;
  munmap(p, 8192);
  __atomic_fetch_add(&handler_maps, 1, __ATOMIC_RELAXED);
  errno = saved_errno;
}

static int compare(const void *a, const void *b) {
  const struct mapping *x = a, *y = b;
  return x->start < y->start ? -1 : x->start > y->start;
}

int main(int argc, char **argv) {
  int seconds = argc > 1 ? atoi(argv[1]) : 4;
  int threads = argc > 2 ? atoi(argv[2]) : 8;
  if (threads > MAX_THREADS) threads = MAX_THREADS;
  ljmm_get_window(&window_start, &window_end);

  struct ljmm_stats before;
  ljmm_get_stats(&before);
  int reserved = before.reserved_bytes > 0; /* LJMM_RESERVE=window: the window is ljmm's already */
  /* Take [1 GiB, 2 GiB): MAP_32BIT's own range is full, ljmm places everything. */
  if (!reserved &&
      mmap((void *)GiB, GiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0) !=
          (void *)GiB) {
    printf("{\"error\":\"cannot take [1 GiB, 2 GiB)\"}\n");
    return 2;
  }
  /* Pre-existing mappings spread over the rest of the window, with content. */
  for (int i = 0; i < PREEXISTING; ++i) {
    uintptr_t at = window_start + (GiB - window_start) / PREEXISTING * (uintptr_t)i;
    at = (at + 0xfffff) & ~(uintptr_t)0xfffff;
    void *p = mmap((void *)at, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED) continue;
    preexisting[i] = (struct mapping){(uintptr_t)p, 65536, 0xfeedULL << 32 | (uint64_t)i};
    fill(&preexisting[i]);
    preexisting_sum[i] = checksum(&preexisting[i]);
  }

  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_timer;
  action.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &action, NULL);
  struct itimerval timer = {{0, 2000}, {0, 2000}};
  setitimer(ITIMER_REAL, &timer, NULL);

  pthread_t ids[MAX_THREADS], rogue_id;
  for (int i = 0; i < threads; ++i) {
    workers[i].index = i + 1;
    workers[i].seed = (unsigned)(i * 7919 + 1);
    pthread_create(&ids[i], NULL, work, &workers[i]);
  }
  rogue.seed = 424242;
  pthread_create(&rogue_id, NULL, rogue_work, &rogue);
  struct timespec deadline;
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += seconds;
  /* The timer signal interrupts sleeping: sleep until the deadline, not for a duration. */
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, NULL) != 0) {
  }
  __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
  for (int i = 0; i < threads; ++i) pthread_join(ids[i], NULL);
  pthread_join(rogue_id, NULL);
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &off, NULL);

  static struct mapping all[(MAX_THREADS + 1) * LIVE_PER_THREAD];
  int count = 0;
  unsigned long mapped = 0, unmapped = 0, failed = 0, corrupt = 0, outside = 0, overlaps = 0, replaced = 0;
  unsigned long remapped = 0, remap_refused = 0, remap_failures = 0;
  for (int i = 0; i < threads; ++i) {
    mapped += workers[i].mapped, unmapped += workers[i].unmapped;
    failed += workers[i].failed, corrupt += workers[i].corrupt;
    remapped += workers[i].remapped, remap_refused += workers[i].remap_refused;
    remap_failures += workers[i].failed_remaps_that_should_work;
    for (int j = 0; j < workers[i].live_count; ++j) {
      struct mapping *m = &workers[i].live[j];
      if (!intact(m)) corrupt++;
      if (m->start < window_start || m->start + m->size > window_end) outside++;
      all[count++] = *m;
    }
  }
  corrupt += rogue.corrupt;
  for (int j = 0; j < rogue.live_count; ++j) {
    if (!intact(&rogue.live[j])) corrupt++;
    all[count++] = rogue.live[j];
  }
  qsort(all, (size_t)count, sizeof *all, compare);
  for (int i = 1; i < count; ++i)
    if (all[i - 1].start + all[i - 1].size > all[i].start) overlaps++;
  for (int i = 0; i < PREEXISTING; ++i)
    if (preexisting[i].start && checksum(&preexisting[i]) != preexisting_sum[i]) replaced++;

  struct ljmm_stats s;
  ljmm_get_stats(&s);
  int adds_up = s.low_requests == s.fast_path + s.fallbacks + s.outside_window + s.failures &&
                s.fast_path + s.fallbacks == mapped + handler_maps &&
                s.failures == failed + handler_failures;
  printf("{\"threads\":%d,\"seconds\":%d,\"mapped\":%lu,\"unmapped\":%lu,\"failed\":%lu,\"handler_maps\":%lu,"
         "\"remapped\":%lu,\"remap_refused\":%lu,\"remap_failures\":%lu,\"rogue_maps\":%lu,\"live\":%d,\"corrupt\":%lu,\"outside_window\":%lu,\"overlaps\":%lu,\"preexisting_replaced\":%lu,"
         "\"stats\":{\"low_requests\":%lu,\"fast_path\":%lu,\"fallbacks\":%lu,\"outside_window\":%lu,\"failures\":%lu,"
         "\"retries\":%lu,\"scans\":%lu,\"reserved_bytes\":%lu,\"returned_to_reserve\":%lu},\"counters_add_up\":%s}\n",
         threads, seconds, mapped, unmapped, failed, handler_maps, remapped, remap_refused, remap_failures, rogue.mapped, count, corrupt, outside, overlaps, replaced,
         (unsigned long)s.low_requests, (unsigned long)s.fast_path, (unsigned long)s.fallbacks,
         (unsigned long)s.outside_window, (unsigned long)s.failures, (unsigned long)s.retries, (unsigned long)s.scans,
         (unsigned long)s.reserved_bytes, (unsigned long)s.returned_to_reserve, adds_up ? "true" : "false");
  return corrupt == 0 && remap_failures == 0 && remapped > 0 && outside == 0 && overlaps == 0 && replaced == 0 &&
                 adds_up && mapped > 0
             ? 0
             : 1;
}
