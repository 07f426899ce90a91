/* Changes its layout as fast as it can: maps, protects and unmaps regions of random sizes in a
 * loop, so that an inspector's view is always taken while mappings change. It prints its pid and
 * runs until stdin closes. */
#define _GNU_SOURCE
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define SLOTS 256

int main(void) {
  static char *slot[SLOTS];
  static size_t size[SLOTS];
  printf("%d\n", getpid());
  fflush(stdout);
  struct pollfd input = {0, POLLIN, 0};
  unsigned seed = 1;
  for (long i = 0;; i++) {
    if (i % 1024 == 0 && poll(&input, 1, 0) > 0) {
      char sink[64];
      if (read(0, sink, sizeof sink) <= 0) return 0;
    }
    int k = rand_r(&seed) % SLOTS;
    if (slot[k]) {
      if (rand_r(&seed) % 2) mprotect(slot[k], size[k], PROT_READ);
      munmap(slot[k], size[k]);
      slot[k] = NULL;
    } else {
      size[k] = (size_t)(1 + rand_r(&seed) % 16) * 4096;
      slot[k] = mmap(NULL, size[k], PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (slot[k] == MAP_FAILED) slot[k] = NULL;
    }
  }
}
