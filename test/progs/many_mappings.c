/* A process with as many mappings as vm.max_map_count allows (minus a margin): one block
 * whose pages alternate between r-- and rw- so the kernel cannot merge them. Prints its pid
 * and the number of regions it made, then waits until its standard input closes. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv) {
  long wanted = argc > 1 ? atol(argv[1]) : 65000;
  long page = sysconf(_SC_PAGESIZE);
  char *block = mmap(NULL, (size_t)(wanted * page), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (block == MAP_FAILED) {
    perror("many_mappings: mmap");
    return 1;
  }
  long made = 1;
  for (long i = 1; i < wanted; i += 2) {
    if (mprotect(block + i * page, (size_t)page, PROT_READ) != 0) break;
    made += i + 1 < wanted ? 2 : 1;
  }
  printf("%d %ld\n", getpid(), made);
  fflush(stdout);
  char sink[64];
  while (read(0, sink, sizeof sink) > 0) {
  }
  return 0;
}
