/* Start-up: the window, the stats page, and a reservation, from the environment. */
#include <fcntl.h>

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

static uintptr_t read_mmap_min_addr(void) {
  uintptr_t value = 65536;
  long fd = raw_open("/proc/sys/vm/mmap_min_addr", O_RDONLY | O_CLOEXEC);
  if (raw_failed(fd)) return value;
  char text[32] = {0};
  long got = raw_read((int)fd, text, sizeof text - 1);
  raw_close((int)fd);
  if (got > 0) parse_number(text, &value);
  return value;
}

static void choose_window(void) {
  const uintptr_t two_gib = (uintptr_t)2 << 30;
  uintptr_t low_floor = ljmm_state.mmap_min_addr > 65536 ? ljmm_state.mmap_min_addr : 65536;
  uintptr_t start = low_floor, end = two_gib;
  const char *configured = find_env("LJMM_WINDOW");
  uintptr_t a, b;
  const char *rest = configured ? parse_number(configured, &a) : 0;
  if (rest && *rest == '-' && parse_number(rest + 1, &b) && a < b) {
    start = a, end = b;
  } else {
    /* Non-PIE: the heap is low, and the window starts above the break. */
    uintptr_t brk_now = (uintptr_t)raw_brk(0);
    if (brk_now < two_gib) start = ljmm_page_round_up(brk_now);
  }
  if (start < ljmm_state.mmap_min_addr) start = ljmm_page_round_up(ljmm_state.mmap_min_addr);
  ljmm_state.window_start = ljmm_page_round_up(start);
  ljmm_state.window_end = end & ~(ljmm_state.page_size - 1);
}

static enum ljmm_reserve_mode configured_reservation(void) {
  const char *mode = find_env("LJMM_RESERVE");
  if (!mode) return LJMM_RESERVE_NONE;
  const char *names[] = {"none", "brk-block", "window"};
  for (int i = 0; i < 3; ++i) {
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
  ljmm_state.page_size = 4096;
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
