/* An mmap/munmap storm: PAIRS times mmap(NULL, 4 KiB, rw, private anonymous) + munmap, as fast
 * as it can. What a tracer costs is measured on it. usage: mmap_storm [PAIRS] (default 1000000) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv) {
  long pairs = argc > 1 ? atol(argv[1]) : 1000000;
  for (long i = 0; i < pairs; i++) {
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      perror("mmap_storm: mmap");
      return 1;
    }
    munmap(p, 4096);
  }
  return 0;
}
