/* Leaves mappings alive from two functions of its own, then sleeps, so that a trace that ends
 * first (-d) finds them still mapped: map_arenas() keeps 4 of 1 MiB and map_caches() keeps 8 of
 * 64 KiB. The summary groups live mappings by the code that called mmap: these two names. Usage:
 * live_sites [SECONDS_TO_SLEEP] */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

void *volatile kept[16]; /* the loops store each mapping, so mmap is never a tail call */

__attribute__((noinline)) void map_arenas(void) {
  for (int i = 0; i < 4; i++) kept[i] = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

__attribute__((noinline)) void map_caches(void) {
  for (int i = 0; i < 8; i++)
    kept[4 + i] = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

int main(int argc, char **argv) {
  map_arenas();
  map_caches();
  printf("mapped\n");
  fflush(stdout);
  sleep(argc > 1 ? atoi(argv[1]) : 5);
  return 0;
}
