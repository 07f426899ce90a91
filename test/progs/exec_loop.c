/* Executes itself COUNT times (each image maps a little memory first), then prints its pid and
 * waits until stdin closes. Tracers and inspectors see the same pid change programs under them.
 * usage: exec_loop COUNT [DELAY_MS] */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int count = argc > 1 ? atoi(argv[1]) : 0;
  int delay_ms = argc > 2 ? atoi(argv[2]) : 0;
  char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p != MAP_FAILED) memset(p, 1, 4096);
  if (delay_ms) usleep((useconds_t)delay_ms * 1000);
  if (count > 0) {
    char next[16];
    snprintf(next, sizeof next, "%d", count - 1);
    char *args[] = {argv[0], next, argc > 2 ? argv[2] : "0", NULL};
    execv("/proc/self/exe", args);
    perror("exec_loop: execv");
    return 1;
  }
  printf("%d\n", getpid());
  fflush(stdout);
  char sink[64];
  while (read(0, sink, sizeof sink) > 0) {
  }
  return 0;
}
