// A brk blocker and malloc fallbacks, each from its own named function, built with
// -O2 -fomit-frame-pointer so only the CFI can unwind them:
//   block_the_break()       maps 4 KiB at sbrk(0) with MAP_FIXED_NOREPLACE: brk can no longer grow
//   allocate_until_fallback() mallocs 64 KiB blocks, which glibc must then map one by one
// Both are called through other named functions, so a stack shows a chain of them. Prints
// "ready" and, after the work, sleeps argv[2] milliseconds so a tracer can read its maps.
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

// noinline and a use of the result after the call: each function keeps a frame of its own.
__attribute__((noinline)) void *block_the_break(void) {
  void *end = sbrk(0);
  uintptr_t page = ((uintptr_t)end + 4095) & ~(uintptr_t)4095;
  void *block = mmap((void *)page, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (block == MAP_FAILED) {
    perror("mmap at the break");
    exit(1);
  }
  return block;
}

__attribute__((noinline)) void *set_up_the_heap(void) {
  void *block = block_the_break();
  __asm__ volatile("" ::: "memory");
  return block;
}

__attribute__((noinline)) size_t allocate_until_fallback(int blocks) {
  size_t total = 0;
  for (int i = 0; i < blocks; i++) {
    char *p = malloc(64 * 1024);
    if (!p) break;
    memset(p, i, 64);  // keep it: the fallback memory stays mapped
    // The block escapes: without this, clang may remove a malloc whose memory is never read.
    __asm__ volatile("" : : "r"(p) : "memory");
    total += 64 * 1024;
  }
  return total;
}

__attribute__((noinline)) size_t load_the_configuration(int blocks) {
  size_t total = allocate_until_fallback(blocks);
  __asm__ volatile("" ::: "memory");
  return total;
}

int main(int argc, char **argv) {
  int blocks = argc > 1 ? atoi(argv[1]) : 100;
  free(malloc(16));  // the heap exists before it is blocked
  set_up_the_heap();
  size_t total = load_the_configuration(blocks);
  printf("ready %zu\n", total);
  fflush(stdout);
  if (argc > 2) usleep(1000 * atoi(argv[2]));
  return 0;
}
