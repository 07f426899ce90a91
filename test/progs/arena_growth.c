/* Four threads that malloc 20 MB each in small pieces: glibc gives each an arena that reserves
 * 64 MiB PROT_NONE and grows with mprotect. Before it exits it prints the bytes its own
 * /proc/self/maps says are accessible (any of rwx) and reserved (---), as JSON: what the layout
 * model must find. */
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *work(void *unused) {
  (void)unused;
  for (int i = 0; i < 200; i++) memset(malloc(100000), 1, 100000);
  return NULL;
}

int main(void) {
  /* MALLOC_ARENA_MAX=1 (set by some hosts and containers) would put every thread in the main
   * arena, and there would be no reservation to grow. */
  mallopt(M_ARENA_MAX, 8);
  pthread_t threads[4];
  for (int i = 0; i < 4; i++) pthread_create(&threads[i], NULL, work, NULL);
  for (int i = 0; i < 4; i++) pthread_join(threads[i], NULL);
  FILE *maps = fopen("/proc/self/maps", "r");
  char line[4096];
  unsigned long accessible = 0, reserved = 0, start, end;
  char perms[5];
  while (fgets(line, sizeof line, maps)) {
    if (sscanf(line, "%lx-%lx %4s", &start, &end, perms) != 3) continue;
    if (strstr(line, "[vsyscall]")) continue; /* listed, but no mapping of the process's own */
    if (strncmp(perms, "---", 3) == 0)
      reserved += end - start;
    else
      accessible += end - start;
  }
  printf("{\"accessible_bytes\": %lu, \"reserved_bytes\": %lu}\n", accessible, reserved);
  return 0;
}
