/* The counters live in a one-page shared mapping of the memfd LJMM_STATS_MEMFD: it shows in
 * /proc/PID/maps as /memfd:ljmm-runtime-stats (deleted), so ljmm-inspect can find and read it
 * in a running process. A forked child gets a page of its own. With LJMM_STATS=PATH they are
 * also written there at exit. */
#include <fcntl.h>

#include "internal.h"
#include "raw.h"

static struct ljmm_stats_page fallback_page;

/* A one-page shared memfd mapping, or 0. */
static struct ljmm_stats_page *map_page(void) {
  struct ljmm_stats_page *page = 0;
  long fd = raw_memfd_create(LJMM_STATS_MEMFD, MFD_CLOEXEC);
  if (raw_failed(fd)) return 0;
  if (!raw_failed(raw_syscall3(SYS_ftruncate, fd, (long)ljmm_state.page_size, 0))) {
    long mapped = raw_mmap(0, ljmm_state.page_size, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd, 0);
    if (!raw_failed(mapped)) page = (struct ljmm_stats_page *)mapped;
  }
  raw_close((int)fd);
  return page;
}

void ljmm_stats_setup(void) {
  struct ljmm_stats_page *page = map_page();
  ljmm_state.page = page ? page : &fallback_page;
  const char magic[] = LJMM_STATS_MAGIC;
  for (size_t i = 0; i < sizeof magic; ++i) ljmm_state.page->magic[i] = magic[i];
}

/* In a forked child: the same window, mode and flags, counters from zero, and the parent's page
   unmapped so only the child's own is found in its maps. */
void ljmm_stats_new_page(void) {
  struct ljmm_stats_page *old = ljmm_state.page, *page = map_page();
  if (!page) page = old == &fallback_page ? old : &fallback_page;
  if (page == old) return;
  const char magic[] = LJMM_STATS_MAGIC;
  for (size_t i = 0; i < sizeof magic; ++i) page->magic[i] = magic[i];
  page->window_start = old->window_start;
  page->window_end = old->window_end;
  page->reserve_mode = old->reserve_mode;
  page->flags = old->flags;
  uint64_t *counters = (uint64_t *)&page->stats;
  for (size_t i = 0; i < sizeof page->stats / sizeof *counters; ++i) counters[i] = 0;
  ljmm_state.page = page;
  if (old != &fallback_page) raw_munmap((uintptr_t)old, ljmm_state.page_size);
}

void ljmm_set_flag(uint32_t flag) { __atomic_fetch_or(&ljmm_state.page->flags, flag, __ATOMIC_RELAXED); }
int ljmm_has_flag(uint32_t flag) { return (__atomic_load_n(&ljmm_state.page->flags, __ATOMIC_RELAXED) & flag) != 0; }

void ljmm_get_stats(struct ljmm_stats *out) {
  ljmm_init();
  const uint64_t *from = (const uint64_t *)&ljmm_state.page->stats;
  uint64_t *to = (uint64_t *)out;
  for (size_t i = 0; i < sizeof *out / sizeof(uint64_t); ++i) to[i] = __atomic_load_n(&from[i], __ATOMIC_RELAXED);
}

/* --- writing the counters at exit, without stdio --- */

struct text {
  char data[2048];
  size_t length;
};

static void put(struct text *text, const char *s) {
  while (*s && text->length < sizeof text->data) text->data[text->length++] = *s++;
}

static void put_number(struct text *text, uint64_t value, int base) {
  char digits[24];
  int count = 0;
  do {
    digits[count++] = "0123456789abcdef"[value % (uint64_t)base];
    value /= (uint64_t)base;
  } while (value);
  if (base == 16) put(text, "0x");
  while (count && text->length < sizeof text->data) text->data[text->length++] = digits[--count];
}

static void put_field(struct text *text, const char *name, uint64_t value) {
  put(text, name);
  put(text, " ");
  put_number(text, value, 10);
  put(text, "\n");
}

__attribute__((destructor)) static void ljmm_write_stats_at_exit(void) {
  const char *pattern = ljmm_find_env("LJMM_STATS");
  if (!pattern || !ljmm_state.page) return;
  /* Static, not on the stack: every runtime frame stays small (test: runtime.stack_usage), and
   * destructors run once, at exit. */
  static struct text path, out;
  path.length = out.length = 0;
  for (const char *p = pattern; *p && path.length < sizeof path.data - 24; ++p) {
    if (p[0] == '%' && p[1] == 'p') {
      put_number(&path, (uint64_t)raw_getpid(), 10);
      ++p;
    } else {
      path.data[path.length++] = *p;
    }
  }
  path.data[path.length] = 0;

  struct ljmm_stats s;
  ljmm_get_stats(&s);
  put_field(&out, "pid", (uint64_t)raw_getpid());
  put(&out, "window ");
  put_number(&out, ljmm_state.window_start, 16);
  put(&out, "-");
  put_number(&out, ljmm_state.window_end, 16);
  put(&out, "\n");
#define LJMM_PUT_COUNTER(name, unit, what) put_field(&out, #name, s.name);
  LJMM_STATS_COUNTERS(LJMM_PUT_COUNTER)
#undef LJMM_PUT_COUNTER
  long fd = raw_syscall3(SYS_open, (long)path.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (raw_failed(fd)) return;
  raw_write((int)fd, out.data, out.length);
  raw_close((int)fd);
}
