/* MAP_32BIT requests in a process with tens of thousands of mappings. [1 GiB, 2 GiB) is taken
 * (the kernel's MAP_32BIT has no room), the process is brought to a number of mappings with
 * pages of alternating protections far above the window, and 64 KiB MAP_32BIT requests go through
 * ljmm. Linked with ljmm.o and --wrap; the environment sets LJMM_RESERVE. Prints one JSON line per
 * check and exits 0 when all pass.
 *   runtime_scale COUNT   at COUNT mappings (every line of /proc/self/maps), a request is placed
 *                         below 2 GiB, then 2,000 mmap+munmap pairs through ljmm are timed against
 *                         2,000 plain pairs of system calls
 *   runtime_scale limit   at vm.max_map_count, requests fail with ENOMEM as the kernel's would,
 *                         munmap's answer matches what stays mapped, in-place growth works or is
 *                         ENOMEM, and once the process is back under the limit all of it works
 *                         and the next request gets the room it would have had before
 * Nothing here allocates once the mappings are made: at the limit malloc could not map memory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define KiB ((uintptr_t)1 << 10)
#define GiB ((uintptr_t)1 << 30)
#define PAGE ((uintptr_t)4096)
#define REQUEST (64 * KiB)
#define PAIRS 2000

static int failures;
static char output[4096];

static void check(const char *name, int ok, const char *detail) {
  printf("{\"check\":\"%s\",\"ok\":%s,\"detail\":\"%s\"}\n", name, ok ? "true" : "false", detail);
  if (!ok) failures++;
}

static char *map_low(void) {
  return mmap(NULL, REQUEST, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
}

static int below_2gib(const void *p) { return p != MAP_FAILED && (uintptr_t)p + REQUEST <= 2 * GiB; }

/* Lines of /proc/self/maps, read with read(2) into a static buffer: stdio would allocate. */
static long count_mappings(void) {
  static char buffer[1 << 16];
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  long lines = 0;
  for (ssize_t got; (got = read(fd, buffer, sizeof buffer)) > 0;)
    for (ssize_t i = 0; i < got; ++i) lines += buffer[i] == '\n';
  close(fd);
  return lines;
}

static long read_max_map_count(void) {
  char text[32] = {0};
  int fd = open("/proc/sys/vm/max_map_count", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t got = read(fd, text, sizeof text - 1);
  close(fd);
  return got > 0 ? atol(text) : -1;
}

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* One rw- block far above the window (the kernel's own placement), with every other page made
   r--: each such page splits the block's last mapping into two more, and the kernel cannot merge
   them back. */
static char *block;
static uintptr_t block_pages, next_odd = 1;

static void make_block(uintptr_t pages) {
  block_pages = pages;
  block = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (block == MAP_FAILED) {
    perror("runtime_scale: mmap");
    exit(2);
  }
}

/* Two more mappings, or -1 when the kernel refuses (vm.max_map_count). */
static int split_once(void) {
  if (next_odd + 2 >= block_pages) return -1;
  if (mprotect(block + next_odd * PAGE, PAGE, PROT_READ) != 0) return -1;
  next_odd += 2;
  return 0;
}

/* Two fewer: the last r-- page made rw- again merges with both neighbours. */
static void unsplit_once(void) {
  if (next_odd < 3) return;
  next_odd -= 2;
  mprotect(block + next_odd * PAGE, PAGE, PROT_READ | PROT_WRITE);
}

/* Exactly `wanted` mappings in all; the block's last page, made r--, adds the odd one. */
static long grow_to(long wanted) {
  make_block((uintptr_t)wanted + 8);
  long now = count_mappings();
  while (now + 2 <= wanted && split_once() == 0) now += 2;
  if (now < wanted && mprotect(block + (block_pages - 1) * PAGE, PAGE, PROT_READ) == 0) now++;
  return count_mappings();
}

static void at_count(long wanted) {
  char detail[160];
  long have = grow_to(wanted);
  snprintf(detail, sizeof detail, "%ld mappings", have);
  check("the process has the mappings asked for", have == wanted, detail);
  char *p = map_low();
  snprintf(detail, sizeof detail, "got %p errno %d at %ld mappings", (void *)p, p == MAP_FAILED ? errno : 0, have);
  check("a 64 KiB MAP_32BIT request is placed below 2 GiB", below_2gib(p), detail);
  if (p != MAP_FAILED) p[0] = p[REQUEST - 1] = 1, munmap(p, REQUEST);
  int all_low = 1;
  double start = now_us();
  for (int i = 0; i < PAIRS; ++i) {
    char *q = map_low();
    all_low &= below_2gib(q);
    if (q != MAP_FAILED) munmap(q, REQUEST);
  }
  double placed = now_us();
  for (int i = 0; i < PAIRS; ++i) {
    long q = syscall(SYS_mmap, 0, REQUEST, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    syscall(SYS_munmap, q, REQUEST);
  }
  double plain = now_us();
  snprintf(detail, sizeof detail, "ljmm %.2f us a pair, plain mmap+munmap %.2f us, %ld mappings",
           (placed - start) / PAIRS, (plain - placed) / PAIRS, count_mappings());
  check("every one of 2000 placements is below 2 GiB", all_low, detail);
}

/* Single pages 2 pages apart, far from everything: each is a mapping of its own. The kernel's
   limit is reached when one more is refused. Returns how many were made. */
#define SPARE_BASE ((uintptr_t)0x300000000000)
static long fill_to_the_limit(void) {
  while (split_once() == 0) {
  }
  long made = 0;
  for (;; ++made) {
    long p = syscall(SYS_mmap, SPARE_BASE + (uintptr_t)made * 2 * PAGE, PAGE, PROT_READ,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (p < 0 && p > -4096) break;
  }
  return made;
}

/* Whether the page is still the program's block: readable, with its content. Through a pipe, so
   a page that is gone (unmapped, or reservation again: PROT_NONE) is EFAULT, not a crash. */
static int pipe_ends[2];
static int still_ours(const char *page) {
  char seen = 0;
  if (write(pipe_ends[1], page, 1) != 1) return 0;
  return read(pipe_ends[0], &seen, 1) == 1 && seen == 'f';
}

/* Low blocks made before the limit: `four` pages (munmap of its second page), `grown` (64 KiB,
   grown in place by 64 KiB) and right above it `room`, a request given back: the room a request
   and the growth compete for. */
static char *four, *grown, *room;

static int make_low_blocks(void) {
  four = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  grown = map_low();
  room = map_low();
  int ok = four != MAP_FAILED && below_2gib(grown) && below_2gib(room) && room == grown + REQUEST;
  check("below the limit, requests are placed below 2 GiB, one above the other", ok, "");
  if (!ok) return 0;
  memset(four, 'f', 4 * PAGE);
  munmap(room, REQUEST);
  return 1;
}

/* *unmapped, *grew: whether munmap and mremap did their work (else they are tried again below it). */
static void checks_at_the_limit(long limit, int *unmapped, int *grew) {
  char detail[192];
  long at_limit = count_mappings();
  int refused = 1;
  for (int i = 0; i < 3; ++i) { /* as a caller retrying would */
    errno = 0;
    char *p = map_low();
    refused &= p == MAP_FAILED && errno == ENOMEM;
    if (p != MAP_FAILED) munmap(p, REQUEST);
  }
  snprintf(detail, sizeof detail, "%ld mappings, vm.max_map_count %ld", at_limit, limit);
  check("at the limit, MAP_32BIT requests fail with ENOMEM", refused, detail);
  *unmapped = munmap(four + PAGE, PAGE) == 0;
  int error = errno, ours = still_ours(four + PAGE);
  snprintf(detail, sizeof detail, "munmap said %s (errno %d), still the block's: %d", *unmapped ? "done" : "failed",
           *unmapped ? 0 : error, ours);
  check("at the limit, munmap in the middle of a low block says what it did",
        *unmapped ? !ours : error == ENOMEM && ours, detail);
  void *moved = mremap(grown, REQUEST, 2 * REQUEST, 0);
  error = errno;
  *grew = moved == grown;
  snprintf(detail, sizeof detail, "got %p errno %d", moved, *grew ? 0 : error);
  check("at the limit, growth in place works or is ENOMEM", *grew || (moved == MAP_FAILED && error == ENOMEM), detail);
}

static void checks_under_the_limit(int unmapped, int grew) {
  char detail[192];
  if (!unmapped) {
    int done = munmap(four + PAGE, PAGE) == 0;
    int error = done ? 0 : errno, ours = still_ours(four + PAGE);
    snprintf(detail, sizeof detail, "munmap %s (errno %d), still the block's: %d, %ld mappings",
             done ? "done" : "failed", error, ours, count_mappings());
    check("back under the limit, that munmap works", done && !ours, detail);
  }
  if (!grew) {
    void *moved = mremap(grown, REQUEST, 2 * REQUEST, 0);
    snprintf(detail, sizeof detail, "%p grown to %p errno %d", (void *)grown, moved, moved == grown ? 0 : errno);
    check("back under the limit, the block grows in place into the room above it", moved == grown, detail);
  }
  char *after = map_low();
  snprintf(detail, sizeof detail, "expected %p, got %p errno %d", (void *)(room + REQUEST), (void *)after,
           after == MAP_FAILED ? errno : 0);
  check("and the next request gets the room right above it: the failures lost none", after == room + REQUEST, detail);
  check("the pages around the unmapped one are intact", four[0] == 'f' && four[3 * PAGE] == 'f', "");
}

static void at_the_limit(void) {
  long limit = read_max_map_count();
  if (!make_low_blocks()) return;
  make_block((uintptr_t)limit + 8);
  long spares = fill_to_the_limit();
  int unmapped, grew;
  checks_at_the_limit(limit, &unmapped, &grew);
  for (long i = 0; i < spares; ++i) syscall(SYS_munmap, SPARE_BASE + (uintptr_t)i * 2 * PAGE, PAGE);
  for (int i = 0; i < 32; ++i) unsplit_once();
  checks_under_the_limit(unmapped, grew);
}

int main(int argc, char **argv) {
  setvbuf(stdout, output, _IOLBF, sizeof output); /* stdio's own buffer would be malloc'ed */
  const char *what = argc > 1 ? argv[1] : "";
  void *taken =
      mmap((void *)GiB, GiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
  check("[1 GiB, 2 GiB) is taken", taken == (void *)GiB, "");
  if (pipe(pipe_ends) != 0) return 2;
  if (!strcmp(what, "limit"))
    at_the_limit();
  else if (atol(what) > 0)
    at_count(atol(what));
  else
    check("known scenario", 0, what);
  return failures == 0 ? 0 : 1;
}
