// The sequences glibc's malloc-fallback rule (libljmm/src/trace/session/fallback.hpp) tells
// apart, made with raw system calls so that nothing of libc's comes between them. A failed brk
// asks for a break below the heap's start, which the kernel refuses and leaves the break where
// it is; a "morecore" mmap is what glibc maps after one. Each mmap has a size of its own, so a
// test can tell them apart:
//   1 MiB   failed brk, morecore mmap                  a fallback
//   64 KiB  failed brk, munmap, morecore mmap          not: the munmap was the next call
//   128 KiB failed brk, MAP_FIXED mmap (192 KiB), mmap not: neither is glibc's
//   320 KiB failed brk, successful brk, mmap           not
//   256 KiB failed brk twice, mmap                     a fallback
//   448 KiB and 512 KiB, two threads, each failed brk, then the other's mmap comes first: both
//           fallbacks, and the 576 KiB mmap of a thread that did not fail brk is none.
// Prints the fallback bytes it made (2 MiB + 192 KiB: 1 MiB + 256 + 448 + 512 KiB), then sleeps
// argv[1] milliseconds so that a tracer can read its maps to unwind the stacks.
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KIB 1024L

static void failed_brk(void) { syscall(SYS_brk, 1L); }

static long morecore(long size) {
  return syscall(SYS_mmap, 0L, size, (long)(PROT_READ | PROT_WRITE), (long)(MAP_PRIVATE | MAP_ANONYMOUS), -1L, 0L);
}

static sem_t first_failed, second_mapped, third_may_map, third_mapped;

static void *second_thread(void *unused) {
  (void)unused;
  sem_wait(&first_failed);
  failed_brk();
  morecore(448 * KIB);  // before the main thread's: its fallback all the same
  sem_post(&second_mapped);
  return NULL;
}

static void *third_thread(void *unused) {
  (void)unused;
  sem_wait(&third_may_map);
  morecore(576 * KIB);  // another thread failed brk, not this one
  sem_post(&third_mapped);
  return NULL;
}

int main(int argc, char **argv) {
  failed_brk();
  morecore(1024 * KIB);

  long scratch = morecore(4 * KIB);
  failed_brk();
  syscall(SYS_munmap, scratch, 4 * KIB);
  morecore(64 * KIB);

  long placed = morecore(192 * KIB);
  failed_brk();
  syscall(SYS_mmap, placed, 192 * KIB, (long)(PROT_READ | PROT_WRITE), (long)(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED),
          -1L, 0L);
  morecore(128 * KIB);

  failed_brk();
  syscall(SYS_brk, 0L);
  morecore(320 * KIB);

  failed_brk();
  failed_brk();
  morecore(256 * KIB);

  pthread_t second, third;
  sem_init(&first_failed, 0, 0);
  sem_init(&second_mapped, 0, 0);
  sem_init(&third_may_map, 0, 0);
  sem_init(&third_mapped, 0, 0);
  if (pthread_create(&second, NULL, second_thread, NULL) != 0 || pthread_create(&third, NULL, third_thread, NULL) != 0)
    return 1;
  // Between the main thread's failed brk and its mmap, only semaphores (futex: not traced).
  failed_brk();
  sem_post(&first_failed);
  sem_wait(&second_mapped);
  sem_post(&third_may_map);
  sem_wait(&third_mapped);
  morecore(512 * KIB);
  pthread_join(second, NULL);
  pthread_join(third, NULL);

  printf("fallback_bytes %ld\n", (1024 + 256 + 448 + 512) * KIB);
  fflush(stdout);
  if (argc > 1) usleep(1000 * atoi(argv[1]));
  return 0;
}
