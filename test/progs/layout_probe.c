/* A process whose layout tests can check: it prints where its break, a local, main and a
 * heap block are, then waits until its standard input closes. Built PIE, -no-pie and -static;
 * the static build opens an iconv converter first, which maps a shared libc.so.6 for its gconv
 * module: a second glibc whose __curbrk is not the one its malloc uses. */
#define _GNU_SOURCE
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void) {
#ifdef LJMM_PROBE_SHARED_LIBC
  if (iconv_open("UTF-8", "ISO-8859-2") == (iconv_t)-1) return 2;
#endif
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
