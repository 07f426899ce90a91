/* A process whose layout tests can check: it prints where its break, a local, main and a
 * heap block are, then waits until its standard input closes. Built PIE, -no-pie and -static. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  char *block = malloc(100 * 1024); /* below the 128 KiB mmap threshold: served by brk */
  memset(block, 1, 100 * 1024);
  int local = 42;
  printf("{\"pid\":%d,\"sbrk\":\"%p\",\"local\":\"%p\",\"main\":\"%p\",\"block\":\"%p\"}\n", getpid(), sbrk(0),
         (void *)&local, (void *)&main, (void *)block);
  fflush(stdout);
  char sink[64];
  while (read(0, sink, sizeof sink) > 0) {
  }
  return local == 42 ? 0 : 1;
}
