/* The traced calls with x32 numbers (__X32_SYSCALL_BIT set), from a 64-bit program: mmap, munmap,
 * mremap and brk once each. A kernel without x32 (most) fails them with ENOSYS, one with x32
 * runs them; either way a trace must count them as x32 calls it did not trace, and never report
 * them as x86-64 calls. Then one plain 64-bit mmap of 4 pages. Prints "x32: ran" or
 * "x32: ENOSYS". */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define X32(nr) ((nr) | 0x40000000L)

int main(void) {
  long mapped = syscall(X32(SYS_mmap), 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("x32: %s\n", mapped == -1 && errno == ENOSYS ? "ENOSYS" : "ran");
  fflush(stdout);
  syscall(X32(SYS_munmap), mapped > 0 ? mapped : 0, 4096);
  syscall(X32(SYS_mremap), 0, 4096, 8192, 0, 0);
  syscall(X32(SYS_brk), 0);
  void *plain = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return plain == MAP_FAILED;
}
