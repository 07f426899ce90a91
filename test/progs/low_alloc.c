/* An unmodified program that wants low memory: it maps 1 MiB blocks with MAP_32BIT until the
 * kernel says no, touches each, and reports how much it got below 2 GiB. Run it alone, then
 * under LD_PRELOAD=libljmm_preload.so. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char **argv) {
  size_t block = (argc > 1 ? strtoul(argv[1], NULL, 10) : 1024) * 1024;
  size_t blocks = 0, above = 0;
  uintptr_t lowest = UINTPTR_MAX, highest = 0;
  for (;;) {
    char *p = mmap(NULL, block, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    if (p == MAP_FAILED) break;
    p[0] = 1;
    p[block - 1] = 1;
    uintptr_t at = (uintptr_t)p;
    if (at + block > ((uintptr_t)2 << 30)) above++;
    if (at < lowest) lowest = at;
    if (at + block > highest) highest = at + block;
    blocks++;
  }
  printf("{\"blocks\":%zu,\"bytes\":%zu,\"above_2g\":%zu,\"lowest\":\"0x%lx\",\"highest\":\"0x%lx\"}\n", blocks,
         blocks * block, above, (unsigned long)lowest, (unsigned long)highest);
  return above == 0 ? 0 : 1;
}
