/* The memory calls that strace's own tests leave out, each once, for the conformance tests that
 * compare ljmm-trace with strace call by call: mremap in every form, partial and bad munmap,
 * brk that grows, shrinks and fails, and mmap with odd flags that succeed or fail. Results are
 * whatever the kernel says; the tracers only have to agree on them. */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << 26)
#endif

static long raw(long nr, long a, long b, long c, long d, long e, long f) { return syscall(nr, a, b, c, d, e, f); }

int main(void) {
  const long page = 4096, rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
  long base = raw(SYS_mmap, 0, 16 * page, rw, anon, -1, 0);
  raw(SYS_mremap, base, 16 * page, 8 * page, 0, 0, 0);                           /* shrink in place */
  raw(SYS_mremap, base, 8 * page, 12 * page, 0, 0, 0);                           /* grow in place */
  long moved = raw(SYS_mremap, base, 12 * page, 64 * page, MREMAP_MAYMOVE, 0, 0);  /* move */
  long target = raw(SYS_mmap, 0, 64 * page, PROT_NONE, anon, -1, 0);
  raw(SYS_mremap, moved, 64 * page, 64 * page, MREMAP_MAYMOVE | MREMAP_FIXED, target, 0);
  raw(SYS_mremap, target, 64 * page, 64 * page, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0, 0);
  raw(SYS_mremap, target, 64 * page, 64 * page, 0x80, 0, 0);                     /* bad flags: EINVAL */
  raw(SYS_munmap, target + 4 * page, 4 * page, 0, 0, 0, 0);                       /* a hole in the middle */
  raw(SYS_munmap, target + 1, page, 0, 0, 0, 0);                                  /* unaligned: EINVAL */
  raw(SYS_munmap, target, 0, 0, 0, 0, 0);                                         /* length 0: EINVAL */

  long start = raw(SYS_brk, 0, 0, 0, 0, 0, 0);
  raw(SYS_brk, start + 64 * page, 0, 0, 0, 0, 0);                                 /* grow */
  raw(SYS_brk, start + 16 * page, 0, 0, 0, 0, 0);                                 /* shrink */
  raw(SYS_brk, 0x10000, 0, 0, 0, 0, 0);                                           /* below the start: fails */

  raw(SYS_mmap, 0, page, rw, anon | MAP_32BIT, -1, 0);
  raw(SYS_mmap, 0, 2 * 1024 * 1024, rw, anon | MAP_HUGETLB | MAP_HUGE_2MB, -1, 0);  /* no huge pages: fails */
  raw(SYS_mmap, 0, page, rw, 0x0f | MAP_ANONYMOUS, -1, 0);                        /* invalid map type */
  raw(SYS_mmap, 0, page, rw, MAP_SHARED_VALIDATE | MAP_ANONYMOUS | 0x100000000L, -1, 0);
  raw(SYS_mmap, 0x10000, page, rw, anon | MAP_FIXED_NOREPLACE, -1, 0);
  raw(SYS_mmap, 0, (long)(UINT64_MAX - page), rw, anon, -1, 0);                   /* absurd length */
  raw(SYS_mmap, 0, page, rw, MAP_PRIVATE, 12345, 0);                              /* bad fd: EBADF */
  return 0;
}
