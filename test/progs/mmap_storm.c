/* An mmap/munmap storm: PAIRS times mmap(NULL, 4 KiB, rw, private anonymous) + munmap, as fast
 * as it can. What a tracer costs is measured on it. usage: mmap_storm [PAIRS] [time]
 * (default 1000000); with "time", prints the mean nanoseconds per pair, measured around the loop
 * alone (a tracer that starts the program is not counted). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

int main(int argc, char **argv) {
  long pairs = argc > 1 ? atol(argv[1]) : 1000000;
  int timed = argc > 2 && strcmp(argv[2], "time") == 0;
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (long i = 0; i < pairs; i++) {
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      perror("mmap_storm: mmap");
      return 1;
    }
    munmap(p, 4096);
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  if (timed && pairs > 0)
    printf("%.1f\n", ((end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec)) / pairs);
  return 0;
}
