/* A process that keeps mapping: every 5 ms it maps 64 KiB, touches it and unmaps it; every 50
 * ticks it also starts a thread that does the same once. It prints its pid, then runs until its
 * standard input closes. Tracers attach to it with -p. */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void tick(void) {
  char *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return;
  memset(p, 1, 65536);
  munmap(p, 65536);
}

static void *thread_tick(void *arg) {
  (void)arg;
  tick();
  return NULL;
}

int main(void) {
  printf("%d\n", getpid());
  fflush(stdout);
  struct pollfd input = {0, POLLIN, 0};
  for (long ticks = 1;; ticks++) {
    if (poll(&input, 1, 5) > 0) {
      char sink[64];
      if (read(0, sink, sizeof sink) <= 0) return 0;
    }
    tick();
    if (ticks % 50 == 0) {
      pthread_t thread;
      if (pthread_create(&thread, NULL, thread_tick, NULL) == 0) pthread_join(thread, NULL);
    }
  }
}
