/* Two ways for the runtime to walk a process's mappings up to an address, at a given number of
 * mappings above and inside a low window: reading the text of /proc/self/maps until a line starts
 * at or above the address (what the runtime does: the kernel formats the text one read(2) at a
 * time, so mappings above the stop are never formatted), and the PROCMAP_QUERY ioctl (Linux
 * 6.11+), one call per mapping from the window's bottom. Prints ns per walk for each.
 *   maps_walk [MAPPINGS_ABOVE] [MAPPINGS_INSIDE] [ROUNDS] */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

struct procmap_query { /* <linux/fs.h> of 6.11 */
  uint64_t size, query_flags, query_addr;
  uint64_t vma_start, vma_end, vma_flags, vma_page_size, vma_offset, inode;
  uint32_t dev_major, dev_minor, vma_name_size, build_id_size;
  uint64_t vma_name_addr, build_id_addr;
};
#define PROCMAP_QUERY_IOCTL 0xC0686611ul
#define COVERING_OR_NEXT_VMA 0x10

static const uintptr_t window_end = (uintptr_t)2 << 30;

/* n single pages made PROT_READ inside a PROT_NONE region at `at` (0: where the kernel likes). */
static void split(uintptr_t at, long n) {
  long pages = 2 * n + 2;
  char *region = mmap((void *)at, (size_t)pages * 4096, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | (at ? MAP_FIXED_NOREPLACE : 0), -1, 0);
  if (region == MAP_FAILED) exit(1);
  for (long i = 1; i < pages - 1; i += 2) mprotect(region + i * 4096, 4096, PROT_READ);
}

static long walk_text(void) {
  static char buffer[8192];
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  long lines = 0;
  size_t used = 0;
  for (int done = 0; !done;) {
    ssize_t got = read(fd, buffer + used, sizeof buffer - used);
    if (got <= 0) break;
    size_t filled = used + (size_t)got, start = 0;
    for (size_t i = 0; i < filled && !done; ++i) {
      if (buffer[i] != '\n') continue;
      ++lines;
      done = strtoull(buffer + start, NULL, 16) >= window_end;
      start = i + 1;
    }
    used = filled - start;
    memmove(buffer, buffer + start, used);
  }
  close(fd);
  return lines;
}

static long walk_query(void) {
  int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  long mappings = 0;
  for (uintptr_t at = 0; at < window_end; ++mappings) {
    struct procmap_query q = {.size = sizeof q, .query_flags = COVERING_OR_NEXT_VMA, .query_addr = at};
    if (ioctl(fd, PROCMAP_QUERY_IOCTL, &q) != 0) {
      if (errno == ENOTTY) mappings = -1;
      break;
    }
    at = q.vma_end;
  }
  close(fd);
  return mappings;
}

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(int argc, char **argv) {
  long above = argc > 1 ? atol(argv[1]) : 65000, inside = argc > 2 ? atol(argv[2]) : 0;
  int rounds = argc > 3 ? atoi(argv[3]) : 2000;
  split(0, above / 2);
  if (inside) split((uintptr_t)1 << 30, inside / 2);
  long lines = walk_text(), mappings = walk_query();
  if (mappings < 0) {
    printf("{\"error\":\"no PROCMAP_QUERY (Linux before 6.11)\"}\n");
    return 77;
  }
  double t0 = now_ns();
  for (int i = 0; i < rounds; ++i) walk_text();
  double t1 = now_ns();
  for (int i = 0; i < rounds; ++i) walk_query();
  double t2 = now_ns();
  printf("{\"above\":%ld,\"inside\":%ld,\"text_lines\":%ld,\"query_calls\":%ld,\"text_ns\":%.0f,\"query_ns\":%.0f,"
         "\"query_over_text\":%.2f}\n",
         above, inside, lines, mappings, (t1 - t0) / rounds, (t2 - t1) / rounds, (t2 - t1) / (t1 - t0));
  return 0;
}
