/* Start-up: the window, the stats page, and a reservation, from the environment. */
#include <fcntl.h>
#include <sys/auxv.h>

#include "internal.h"
#include "raw.h"

struct ljmm_runtime ljmm_state;

extern char **environ;

uintptr_t ljmm_page_round_up(uintptr_t value) {
  return (value + ljmm_state.page_size - 1) & ~(ljmm_state.page_size - 1);
}

/* getenv without libc's locks or allocation. */
static const char *find_env(const char *name) {
  if (!environ) return 0;
  for (char **entry = environ; *entry; ++entry) {
    const char *a = *entry, *b = name;
    while (*b && *a == *b) ++a, ++b;
    if (*b == 0 && *a == '=') return a + 1;
  }
  return 0;
}

/* "0x10000" or "65536"; returns the end of the number, or 0 when there is none. */
static const char *parse_number(const char *text, uintptr_t *value) {
  uintptr_t result = 0;
  int base = 10, digits = 0;
  if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) base = 16, text += 2;
  for (;; ++text, ++digits) {
    char c = *text;
    int digit = c >= '0' && c <= '9' ? c - '0' : base == 16 && c >= 'a' && c <= 'f' ? c - 'a' + 10
              : base == 16 && c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (digit < 0) break;
    result = result * (uintptr_t)base + (uintptr_t)digit;
  }
  *value = result;
  return digits ? text : 0;
}

/* "256MiB", "64M", "1GiB", "4096", "0x1000": a size for LJMM_BRK_HEADROOM; 0 when malformed. */
static int parse_size(const char *text, uintptr_t *value) {
  const char *rest = parse_number(text, value);
  if (!rest) return 0;
  int shift = *rest == 'K' || *rest == 'k' ? 10 : *rest == 'M' ? 20 : *rest == 'G' ? 30 : 0;
  if (shift) ++rest;
  if (shift && rest[0] == 'i' && rest[1] == 'B') rest += 2;
  else if (shift && rest[0] == 'B') ++rest;
  if (*rest) return 0;
  *value <<= shift;
  return 1;
}

static uintptr_t read_mmap_min_addr(void) {
  uintptr_t value = LJMM_DEFAULT_MMAP_MIN_ADDR;
  long fd = raw_open("/proc/sys/vm/mmap_min_addr", O_RDONLY | O_CLOEXEC);
  if (raw_failed(fd)) return value;
  char text[32] = {0};
  long got = raw_read((int)fd, text, sizeof text - 1);
  raw_close((int)fd);
  if (got > 0) parse_number(text, &value);
  return value;
}

/* The window keeps [break, break + headroom) free, so glibc's brk heap can grow while LuaJIT
   gets the rest: a mapping right above the break makes every later brk fail, and malloc then
   falls back to 1 MiB mmaps for good. The default applies to the default window of a non-PIE
   program (its break is low); LJMM_BRK_HEADROOM applies to any window the break lies in. */
static uintptr_t brk_floor(uintptr_t start, uintptr_t end, int window_configured) {
  uintptr_t brk_now = (uintptr_t)raw_brk(0), headroom = LJMM_DEFAULT_BRK_HEADROOM;
  const char *configured = find_env("LJMM_BRK_HEADROOM");
  if (configured && !parse_size(configured, &headroom)) configured = 0;
  if (brk_now >= end || (window_configured && !configured)) return start;
  uintptr_t floor = ljmm_page_round_up(brk_now) + ljmm_page_round_up(headroom);
  if (floor < brk_now) floor = end; /* an absurd headroom: no window at all */
  return floor > start ? floor : start;
}

static void choose_window(void) {
  uintptr_t low_floor = ljmm_state.mmap_min_addr;
  if (low_floor < LJMM_LOWEST_WINDOW_START) low_floor = LJMM_LOWEST_WINDOW_START;
  uintptr_t start = low_floor, end = LJMM_TWO_GIB;
  const char *configured = find_env("LJMM_WINDOW");
  uintptr_t a, b;
  const char *rest = configured ? parse_number(configured, &a) : 0;
  int window_configured = rest && *rest == '-' && parse_number(rest + 1, &b) && a < b;
  if (window_configured) start = a, end = b;
  start = brk_floor(start, end, window_configured);
  if (start > end) start = end;
  if (start < ljmm_state.mmap_min_addr) start = ljmm_page_round_up(ljmm_state.mmap_min_addr);
  ljmm_state.window_start = ljmm_page_round_up(start);
  ljmm_state.window_end = end & ~(ljmm_state.page_size - 1);
}

static enum ljmm_reserve_mode configured_reservation(void) {
  const char *mode = find_env("LJMM_RESERVE");
  if (!mode) return LJMM_RESERVE_NONE;
  static const char *const names[] = LJMM_RESERVE_MODE_NAMES;
  for (int i = 0; i < (int)(sizeof names / sizeof *names); ++i) {
    const char *a = mode, *b = names[i];
    while (*b && *a == *b) ++a, ++b;
    if (*a == 0 && *b == 0) return (enum ljmm_reserve_mode)i;
  }
  return LJMM_RESERVE_NONE;
}

void ljmm_init(void) {
  if (__atomic_load_n(&ljmm_state.init_state, __ATOMIC_ACQUIRE) == 2) return;
  int expected = 0;
  if (!__atomic_compare_exchange_n(&ljmm_state.init_state, &expected, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
    while (__atomic_load_n(&ljmm_state.init_state, __ATOMIC_ACQUIRE) != 2) raw_sched_yield();
    return;
  }
  /* From the auxiliary vector the kernel passed at exec: no system call, no allocation, no lock. */
  ljmm_state.page_size = getauxval(AT_PAGESZ);
  if (ljmm_state.page_size == 0) ljmm_state.page_size = LJMM_ASSUMED_PAGE_SIZE;
  ljmm_state.mmap_min_addr = read_mmap_min_addr();
  choose_window();
  ljmm_stats_setup();
  ljmm_state.page->window_start = ljmm_state.window_start;
  ljmm_state.page->window_end = ljmm_state.window_end;
  /* Placement as on kernels before 4.17 (hint, then verify), to test that path on any kernel. */
  const char *hints = find_env("LJMM_PLACE_WITH_HINTS");
  if (hints && hints[0] == '1') ljmm_set_flag(LJMM_FLAG_NOREPLACE_UNSUPPORTED);
  enum ljmm_reserve_mode mode = configured_reservation();
  if (mode != LJMM_RESERVE_NONE) {
    uint64_t mask;
    ljmm_lock(&mask);
    ljmm_reserve_locked(mode);
    ljmm_unlock(mask);
  }
  __atomic_store_n(&ljmm_state.init_state, 2, __ATOMIC_RELEASE);
}

/* Runs early in processes that load the shim or link ljmm.o, so reservations are made before
   other threads start; the entry points call ljmm_init too in case something maps earlier. */
__attribute__((constructor)) static void ljmm_init_at_start(void) {
  ljmm_init();
  ljmm_fork_setup();
}

const char *ljmm_find_env(const char *name) { return find_env(name); }
