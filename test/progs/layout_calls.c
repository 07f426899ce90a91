/* Every layout call beyond mmap, munmap, mremap and brk, for the conformance tests that compare
 * ljmm-trace with strace call by call: mprotect and pkey_mprotect (whole, into a hole, bad),
 * every madvise advice, mlock, mlock2, munlock, mlockall, munlockall, mseal, shmat and shmdt,
 * remap_file_pages, mbind and process_madvise. Results are whatever the kernel says (ENOSYS for
 * a call it lacks); the tracers only have to agree on them. */
#define _GNU_SOURCE
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef SYS_mseal
#define SYS_mseal 462
#endif
#ifndef SYS_process_madvise
#define SYS_process_madvise 440
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

static long raw(long nr, long a, long b, long c, long d, long e, long f) { return syscall(nr, a, b, c, d, e, f); }

int main(void) {
  const long page = 4096, rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
  long base = raw(SYS_mmap, 0, 32 * page, rw, anon, -1, 0);
  raw(SYS_mprotect, base + page, page, PROT_NONE, 0, 0, 0);                    /* split in three */
  raw(SYS_mprotect, base + page, page, rw, 0, 0, 0);                           /* merged again */
  raw(SYS_munmap, base + 8 * page, page, 0, 0, 0, 0);
  raw(SYS_mprotect, base, 16 * page, PROT_READ, 0, 0, 0);                      /* into the hole: ENOMEM */
  raw(SYS_mprotect, base + 1, page, PROT_READ, 0, 0, 0);                       /* unaligned: EINVAL */
  raw(SYS_pkey_mprotect, base + 16 * page, page, PROT_READ, -1, 0, 0);
  raw(SYS_pkey_mprotect, base + 16 * page, page, PROT_READ, 77, 0, 0);         /* no such key: EINVAL */
  static const long advice[] = {MADV_NORMAL,     MADV_RANDOM,      MADV_SEQUENTIAL, MADV_WILLNEED,  MADV_DONTNEED,
                                MADV_FREE,       MADV_DONTFORK,    MADV_DOFORK,     MADV_MERGEABLE, MADV_UNMERGEABLE,
                                MADV_HUGEPAGE,   MADV_NOHUGEPAGE,  MADV_DONTDUMP,   MADV_DODUMP,    MADV_WIPEONFORK,
                                MADV_KEEPONFORK, 20 /* COLD */,    21 /* PAGEOUT */, 22, 23,         9999};
  for (unsigned i = 0; i < sizeof advice / sizeof advice[0]; i++) raw(SYS_madvise, base + 20 * page, 4 * page, advice[i], 0, 0, 0);
  raw(SYS_madvise, base + 6 * page, 4 * page, MADV_DONTNEED, 0, 0, 0);         /* over the hole: ENOMEM */
  raw(SYS_mlock, base + 24 * page + 100, page, 0, 0, 0, 0);
  raw(SYS_munlock, base + 24 * page, 2 * page, 0, 0, 0, 0);
  raw(SYS_mlock2, base + 26 * page, page, 1 /* MLOCK_ONFAULT */, 0, 0, 0);
  raw(SYS_mlock2, base + 26 * page, page, 8, 0, 0, 0);                          /* bad flags: EINVAL */
  raw(SYS_mlockall, MCL_CURRENT | MCL_FUTURE, 0, 0, 0, 0, 0);
  raw(SYS_munlockall, 0, 0, 0, 0, 0, 0);
  raw(SYS_mlockall, 0, 0, 0, 0, 0, 0);                                          /* no flags: EINVAL */
  long sealed = raw(SYS_mmap, 0, 2 * page, rw, anon, -1, 0);
  raw(SYS_mseal, sealed, page, 0, 0, 0, 0);
  raw(SYS_mseal, sealed, page, 1, 0, 0, 0);                                     /* flags: EINVAL */

  int shm = shmget(IPC_PRIVATE, 3 * page, IPC_CREAT | 0600);
  long attached = raw(SYS_shmat, shm, 0, 0, 0, 0, 0);
  long read_only = raw(SYS_shmat, shm, 0, SHM_RDONLY, 0, 0, 0);
  raw(SYS_shmdt, attached, 0, 0, 0, 0, 0);
  raw(SYS_shmdt, attached, 0, 0, 0, 0, 0);                                      /* not attached: EINVAL */
  raw(SYS_shmdt, read_only, 0, 0, 0, 0, 0);
  shmctl(shm, IPC_RMID, 0);

  int file = memfd_create("layout_calls", 0);
  if (file >= 0 && ftruncate(file, 8 * page) == 0) {
    long shared = raw(SYS_mmap, 0, 8 * page, rw, MAP_SHARED, file, 0);
    raw(SYS_remap_file_pages, shared + 2 * page, page, 0, 5, 0, 0);
    raw(SYS_remap_file_pages, shared, page, 0, 100, 0, 0);                      /* past the file: works or fails */
  }
  raw(SYS_mbind, base + 28 * page, page, 0 /* MPOL_DEFAULT */, 0, 0, 0);
  raw(SYS_mbind, base + 28 * page, page, 99, 0, 0, 0);                          /* bad mode: EINVAL */
  int self = (int)raw(SYS_pidfd_open, getpid(), 0, 0, 0, 0, 0);
  struct iovec range = {(void *)(base + 28 * page), page};
  raw(SYS_process_madvise, self, (long)&range, 1, 20 /* COLD */, 0, 0);
  return 0;
}
