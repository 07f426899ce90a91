/* Maps, touches and unmaps 64 KiB every 10 ms for the given number of seconds, then says how many
 * of its calls failed and why: "done: 300 rounds, 0 failed". A tracer that ends first must leave
 * it able to map memory (or end it); it exits 1 when any call failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int seconds = argc > 1 ? atoi(argv[1]) : 3;
  int rounds = seconds * 100, failed = 0, first_error = 0;
  for (int i = 0; i < rounds; i++) {
    char *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      if (!failed++) first_error = errno;
    } else {
      memset(p, 1, 65536);
      if (munmap(p, 65536) != 0 && !failed++) first_error = errno;
    }
    struct timespec pause = {0, 10 * 1000 * 1000};
    nanosleep(&pause, NULL);
  }
  printf("done: %d rounds, %d failed%s%s\n", rounds, failed, failed ? ": " : "", failed ? strerror(first_error) : "");
  return failed ? 1 : 0;
}
