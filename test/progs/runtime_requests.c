/* Single requests against the runtime, one scenario per run (the environment sets the window
 * and the reservation). Linked with ljmm.o and --wrap. Prints one JSON line per check and exits
 * 0 when all pass.
 *   coalesce   (LJMM_WINDOW of 4 MiB, LJMM_RESERVE=window) blocks freed in a mixed order merge
 *   remap      (small reserved window) in-place growth never takes a neighbour; DONTUNMAP
 *   fixed      (reserved window) the program's own NOREPLACE and hint addresses are honoured
 *   absurd     lengths near SIZE_MAX, 0, MAP_HUGETLB fail alone; later requests are placed
 *   map32      MAP_32BIT never at or above 2 GiB, and any kernel answer below it is kept
 *   seccomp    fixed mappings give EINVAL (no-MMU emulation): placement turns off once
 *   longline   (LJMM_WINDOW of 2 MiB) a file with a 9 KiB maps line in the window is seen
 *   headroom   (non-PIE build, reserved window) malloc grows the brk heap by 90 MiB while
 *              MAP_32BIT requests still get low memory; prints where malloc's blocks went
 *   stack      the placement path, run on a painted stack, uses less than 2 KiB of it */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <ucontext.h>

#include "ljmm/runtime.h"

#define MiB ((uintptr_t)1 << 20)
#define GiB ((uintptr_t)1 << 30)

static int failures;
static uintptr_t window_start, window_end;

static void check(const char *name, int ok, const char *detail) {
  printf("{\"check\":\"%s\",\"ok\":%s,\"detail\":\"%s\"}\n", name, ok ? "true" : "false", detail);
  if (!ok) failures++;
}

static char *map_low(size_t size, int extra) {
  return mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT | extra, -1, 0);
}

static int in_window(void *p, size_t size) {
  return p != MAP_FAILED && (uintptr_t)p >= window_start && (uintptr_t)p + size <= window_end;
}

/* The runtime's flags, read from its counters page as ljmm-inspect would. */
static uint32_t runtime_flags(void) {
  FILE *maps = fopen("/proc/self/maps", "r");
  char line[512];
  unsigned long start = 0;
  while (maps && fgets(line, sizeof line, maps))
    if (strstr(line, LJMM_MEMFD_PATH(LJMM_STATS_MEMFD))) sscanf(line, "%lx", &start);
  if (maps) fclose(maps);
  return start ? ((struct ljmm_stats_page *)start)->flags : 0;
}

/* [1 GiB, 2 GiB) taken, so every MAP_32BIT request needs the runtime. */
static void take_map32_range(void) {
  mmap((void *)GiB, GiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
}

static void coalesce(void) {
  char detail[128];
  char *blocks[4];
  for (int i = 0; i < 4; ++i) blocks[i] = map_low(MiB, 0);
  int all = 1;
  for (int i = 0; i < 4; ++i) all &= in_window(blocks[i], MiB);
  check("four 1 MiB blocks fill the 4 MiB window", all, "");
  int order[4] = {2, 0, 3, 1};
  for (int i = 0; i < 4; ++i) munmap(blocks[order[i]], MiB);
  char *whole = map_low(4 * MiB, 0);
  snprintf(detail, sizeof detail, "got %p errno %d", (void *)whole, errno);
  check("freed in a mixed order, they make one 4 MiB block", in_window(whole, 4 * MiB), detail);
}

static void remap(void) {
  char detail[128];
  char *a = map_low(MiB, 0), *b = map_low(MiB, 0);
  memset(a, 'a', MiB);
  memset(b, 'b', MiB);
  /* Whichever lies below grows into the other only if the runtime is wrong. */
  char *lower = a < b ? a : b, *upper = a < b ? b : a;
  int adjacent = lower + MiB == upper;
  void *grown = mremap(lower, MiB, 2 * MiB, 0);
  snprintf(detail, sizeof detail, "lower %p upper %p got %p errno %d", lower, upper, grown, errno);
  check("growing in place into a neighbour is ENOMEM", adjacent && grown == MAP_FAILED && errno == ENOMEM, detail);
  check("the neighbour is intact", upper[0] == (a < b ? 'b' : 'a') && upper[MiB - 1] == upper[0], detail);
  munmap(upper, MiB);
  grown = mremap(lower, MiB, 2 * MiB, 0);
  snprintf(detail, sizeof detail, "lower %p got %p errno %d", lower, grown, errno);
  check("growing in place into free reservation works", grown == lower && lower[0] == lower[MiB - 1], detail);
  char mark = lower[0], *kept = lower;
  char *moved = mremap(kept, 2 * MiB, 2 * MiB, MREMAP_MAYMOVE | 4 /* MREMAP_DONTUNMAP */);
  snprintf(detail, sizeof detail, "from %p to %p errno %d", kept, moved, errno);
  check("MREMAP_DONTUNMAP moves the content and keeps the old range, empty",
        in_window(moved, 2 * MiB) && moved != kept && moved[0] == mark && moved[MiB - 1] == mark && kept[0] == 0,
        detail);
}

static void fixed(void) {
  char detail[128];
  uintptr_t at = (window_start + window_end) / 2 & ~(MiB - 1);
  void *p = mmap((void *)at, MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  snprintf(detail, sizeof detail, "asked %#lx got %p errno %d", (unsigned long)at, p, errno);
  check("MAP_FIXED_NOREPLACE on free reservation gets that address", (uintptr_t)p == at, detail);
  void *again = mmap((void *)at, MiB, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  check("and a second one there is EEXIST", again == MAP_FAILED && errno == EEXIST, "");
  void *hinted = mmap((void *)(at + 4 * MiB), MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  snprintf(detail, sizeof detail, "asked %#lx got %p", (unsigned long)(at + 4 * MiB), hinted);
  check("a hint on free reservation gets that address", (uintptr_t)hinted == at + 4 * MiB, detail);
}

static void absurd(void) {
  char detail[160];
  take_map32_range();
  errno = 0;
  check("a length near SIZE_MAX is ENOMEM", map_low(SIZE_MAX - 99, 0) == MAP_FAILED && errno == ENOMEM, "");
  errno = 0;
  check("length 0 is EINVAL", map_low(0, 0) == MAP_FAILED && errno == EINVAL, "");
  void *huge = map_low(2 * MiB, MAP_HUGETLB);
  snprintf(detail, sizeof detail, "got %p errno %d", huge, errno);
  check("MAP_HUGETLB fails or lands below 2 GiB", huge == MAP_FAILED || (uintptr_t)huge + 2 * MiB <= 2 * GiB, detail);
  errno = 0;
  void *bad_fd = mmap(NULL, MiB, PROT_READ, MAP_PRIVATE | MAP_32BIT, 12345, 0);
  check("a bad descriptor is EBADF", bad_fd == MAP_FAILED && errno == EBADF, "");
  int placed = 0;
  for (int i = 0; i < 64; ++i) placed += in_window(map_low(64 * 1024, 0), 64 * 1024);
  snprintf(detail, sizeof detail, "%d of 64 placed, flags %u", placed, runtime_flags());
  check("later requests still get low memory", placed == 64 && (runtime_flags() & LJMM_FLAG_FIXED_UNSUPPORTED) == 0,
        detail);
}

static void map32(void) {
  char detail[160];
  take_map32_range();
  /* The window's own free space below 1 GiB taken too: only the kernel's answer is left. */
  for (uintptr_t at = window_start; at < window_end && at < GiB; at += MiB)
    mmap((void *)at, MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
  int below = 1, got = 0;
  for (int i = 0; i < 32; ++i) {
    char *p = map_low(MiB, 0);
    if (p == MAP_FAILED) continue;
    got++;
    below &= (uintptr_t)p + MiB <= 2 * GiB;
  }
  snprintf(detail, sizeof detail, "window %#lx-%#lx, %d placed", (unsigned long)window_start,
           (unsigned long)window_end, got);
  check("MAP_32BIT never at or above 2 GiB", below, detail);
  /* A hole in MAP_32BIT's own range: the kernel finds it, below 2 GiB even if above the window. */
  uintptr_t hole = GiB + GiB / 2;
  munmap((void *)hole, 4 * MiB);
  char *p = map_low(MiB, 0);
  snprintf(detail, sizeof detail, "got %p errno %d", (void *)p, errno);
  check("a kernel answer below 2 GiB is kept", p != MAP_FAILED && (uintptr_t)p + MiB <= 2 * GiB, detail);
}

/* EINVAL for every mmap with MAP_FIXED or MAP_FIXED_NOREPLACE, as on no-MMU kernels. */
static int forbid_fixed_mappings(void) {
  struct sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_mmap, 0, 3),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[3])),
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, MAP_FIXED | MAP_FIXED_NOREPLACE, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EINVAL),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog program = {sizeof filter / sizeof filter[0], filter};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
  return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program);
}

static void no_mmu(void) {
  char detail[200];
  take_map32_range();
  check("the seccomp filter is installed", forbid_fixed_mappings() == 0, strerror(errno));
  void *first = map_low(64 * 1024, 0);
  int first_errno = errno;
  struct ljmm_stats before, after;
  ljmm_get_stats(&before);
  int failed = 0;
  for (int i = 0; i < 50; ++i) failed += map_low(64 * 1024, 0) == MAP_FAILED && errno == ENOMEM;
  ljmm_get_stats(&after);
  snprintf(detail, sizeof detail, "first %p errno %d, flags %u, 50 more: %d ENOMEM, %lu scans, %lu retries", first,
           first_errno, runtime_flags(), failed, (unsigned long)(after.scans - before.scans),
           (unsigned long)(after.retries - before.retries));
  check("the probe turns fixed placement off once", first == MAP_FAILED && first_errno == ENOMEM &&
                                                         (runtime_flags() & LJMM_FLAG_FIXED_UNSUPPORTED) != 0,
        detail);
  check("later requests answer like the kernel without trying again",
        failed == 50 && after.scans == before.scans && after.retries == before.retries, detail);
}

/* With the window reserved right above the break, brk fails and malloc falls back to mmap. */
static void headroom(void) {
  char detail[200];
  uintptr_t initial = (uintptr_t)sbrk(0);
  enum { BLOCKS = 900, BLOCK = 100 * 1024 }; /* under the mmap threshold: from the brk heap */
  static uintptr_t blocks[BLOCKS];
  for (int i = 0; i < BLOCKS; ++i) blocks[i] = (uintptr_t)malloc(BLOCK);
  uintptr_t now = (uintptr_t)sbrk(0);
  int outside_heap = 0;
  for (int i = 0; i < BLOCKS; ++i) outside_heap += blocks[i] < initial || blocks[i] + BLOCK > now;
  int low = 0;
  for (int i = 0; i < 16; ++i) {
    char *p = map_low(MiB, 0);
    low += p != MAP_FAILED && (uintptr_t)p + MiB <= 2 * GiB;
  }
  snprintf(detail, sizeof detail, "window %#lx-%#lx, break grew %lu MiB, %d blocks outside the heap, %d of 16 low",
           (unsigned long)window_start, (unsigned long)window_end, (unsigned long)((now - initial) >> 20), outside_heap, low);
  check("malloc grows the brk heap by 80+ MiB", now - initial >= 80 * MiB && outside_heap == 0, detail);
  check("MAP_32BIT requests still get low memory", low == 16, detail);
}

#define LEVELS 45 /* directories of 200 characters: a path of 9 KiB, longer than the maps buffer */

static size_t longest_maps_line(void) {
  FILE *maps = fopen("/proc/self/maps", "r");
  size_t longest = 0, length = 0;
  for (int c; maps && (c = fgetc(maps)) != EOF;) {
    if (c != '\n') {
      ++length;
      continue;
    }
    longest = length > longest ? length : longest;
    length = 0;
  }
  if (maps) fclose(maps);
  return longest;
}

/* The top page of the window holds a file whose maps line is 9 KiB long; a request hinted there
   must be placed right below it, not lost in retries against a mapping the reader did not see. */
static void long_line(void) {
  char detail[160], name[201];
  memset(name, 'd', 200);
  name[200] = 0;
  const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  char top[256];
  snprintf(top, sizeof top, "%s/ljmm-long-line-%d", tmp, (int)getpid());
  int ok = mkdir(top, 0700) == 0 && chdir(top) == 0;
  for (int i = 0; ok && i < LEVELS; ++i) ok = mkdir(name, 0700) == 0 && chdir(name) == 0;
  int fd = ok ? open("file", O_RDWR | O_CREAT, 0600) : -1;
  ok = fd >= 0 && ftruncate(fd, 4096) == 0;
  uintptr_t at = window_end - 4096;
  ok = ok && mmap((void *)at, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0) == (void *)at;
  size_t longest = longest_maps_line();
  char *p = mmap((void *)at, 64 * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  struct ljmm_stats s;
  ljmm_get_stats(&s);
  snprintf(detail, sizeof detail, "longest line %zu, got %p, %lu retries", longest, (void *)p, (unsigned long)s.retries);
  check("a request next to a mapping with a 9 KiB maps line is placed", ok && longest > 8192 &&
                                                                              in_window(p, 64 * 1024) && s.retries == 0,
        detail);
  munmap((void *)at, 4096);
  if (fd >= 0) close(fd);
  unlink("file");
  for (int i = 0; i < LEVELS; ++i) chdir(".."), rmdir(name);
  chdir("/");
  rmdir(top);
}

/* Placements of every kind: from the maps (a scan), from the reservation, a move, map_near. */
static void placements(void) {
  for (int i = 0; i < 4; ++i) {
    char *p = map_low(64 * 1024, 0);
    if (p == MAP_FAILED) continue;
    char *moved = mremap(p, 64 * 1024, 256 * 1024, MREMAP_MAYMOVE);
    munmap(moved == MAP_FAILED ? p : moved, moved == MAP_FAILED ? 64 * 1024 : 256 * 1024);
  }
  void *near = ljmm_map_near((void *)&placements, 4096, PROT_READ);
  if (near) munmap(near, 4096);
}

static void stack(void) {
  static char memory[64 * 1024];
  char detail[64];
  take_map32_range();
  memset(memory, 0xa5, sizeof memory);
  ucontext_t main_context, placing;
  getcontext(&placing);
  placing.uc_stack.ss_sp = memory;
  placing.uc_stack.ss_size = sizeof memory;
  placing.uc_link = &main_context;
  makecontext(&placing, placements, 0);
  swapcontext(&main_context, &placing);
  size_t untouched = 0;
  while (untouched < sizeof memory && (unsigned char)memory[untouched] == 0xa5) ++untouched;
  size_t used = sizeof memory - untouched;
  snprintf(detail, sizeof detail, "%zu bytes", used);
  check("the placement path uses less than 2 KiB of stack", used < 2048, detail);
}

int main(int argc, char **argv) {
  const char *scenario = argc > 1 ? argv[1] : "";
  ljmm_get_window(&window_start, &window_end);
  if (!strcmp(scenario, "coalesce")) coalesce();
  else if (!strcmp(scenario, "remap")) remap();
  else if (!strcmp(scenario, "fixed")) fixed();
  else if (!strcmp(scenario, "absurd")) absurd();
  else if (!strcmp(scenario, "map32")) map32();
  else if (!strcmp(scenario, "seccomp")) no_mmu();
  else if (!strcmp(scenario, "stack")) stack();
  else if (!strcmp(scenario, "longline")) long_line();
  else if (!strcmp(scenario, "headroom")) headroom();
  else check("known scenario", 0, scenario);
  return failures == 0 ? 0 : 1;
}
