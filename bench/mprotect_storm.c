/* A JIT's W^X flips: N mprotect calls that make one page of a 64-page mapping writable, then
 * executable again (default 1,000,000 calls), then the mean time of one in nanoseconds on stdout.
 * Each pair splits the mapping in three and merges it again. bench/mprotect_storm.sh runs it
 * untraced, under ljmm-trace and under strace -f. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

int main(int argc, char **argv) {
  long calls = argc > 1 ? atol(argv[1]) : 1000000;
  const long page = 4096;
  char *code = mmap(NULL, 64 * page, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (code == MAP_FAILED) return 1;
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (long i = 0; i < calls; i += 2) {
    char *at = code + (i / 2 % 62 + 1) * page;
    mprotect(at, page, PROT_READ | PROT_WRITE);
    mprotect(at, page, PROT_READ | PROT_EXEC);
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  double ns = (end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec);
  printf("%.1f\n", ns / calls);
  return 0;
}
