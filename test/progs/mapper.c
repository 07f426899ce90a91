/* Changes its own layout on request, for the snapshot diff test. It prints its pid, and on each
 * line "change" read from stdin: maps 1 MiB anonymous rw, unmaps the first page of an earlier
 * 64 KiB mapping (it shrinks), makes a 16 KiB mapping read-only (it changes), grows the heap by
 * 1 MiB, and prints "done". It ends when stdin closes. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void) {
  char *shrinking = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *changing = mmap(NULL, 16384, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("%d\n", getpid());
  fflush(stdout);
  char line[64];
  while (fgets(line, sizeof line, stdin)) {
    if (strncmp(line, "change", 6) != 0) continue;
    char *added = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(added, 1, 4096);
    munmap(shrinking, 4096);
    shrinking += 4096;
    mprotect(changing, 16384, PROT_READ);
    sbrk(1 << 20);
    printf("done %p\n", (void *)added);
    fflush(stdout);
  }
  return 0;
}
