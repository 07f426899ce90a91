/* Changes its layout with every traced call (threads and a fork included) and, at marker points,
 * copies /proc/self/maps to DIR/marker-PID-ID.maps and then makes one distinctive failing call:
 * mprotect at MARKER_BASE + ID * 4096 + 1 (unaligned, so EINVAL, and nothing changes). The film
 * test replays the trace's recording at each marker call and compares the layout with the copy:
 * the kernel's own word on what the layout was.
 *
 * Nothing between a copy and its marker call changes the layout: the copy uses open, read and
 * write with a buffer in bss, and every other thread is parked on a barrier.
 * Usage: film_markers DIR */
#define _GNU_SOURCE
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_mseal
#define SYS_mseal 462
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

#define MARKER_BASE 0xa11ce0000000UL
#define PAGE 4096L
#define THREADS 4

static const char *dir;
static char copy[8 << 20]; /* bss: the maps text, read in one go */
static pthread_barrier_t parked, released;

static void marker(int id) {
  char path[512];
  snprintf(path, sizeof path, "%s/marker-%d-%d.maps", dir, (int)getpid(), id);
  int in = open("/proc/self/maps", O_RDONLY), out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (in < 0 || out < 0) exit(2);
  size_t length = 0;
  for (ssize_t got; (got = read(in, copy + length, sizeof copy - length)) > 0;) length += (size_t)got;
  if (write(out, copy, length) != (ssize_t)length) exit(2);
  close(in);
  close(out);
  syscall(SYS_mprotect, MARKER_BASE + (unsigned long)id * PAGE + 1, PAGE, PROT_READ);
}

static char *map(long pages, int prot) {
  char *p = mmap(NULL, pages * PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) exit(3);
  return p;
}

static void *thread_work(void *arg) {
  long n = (long)arg;
  char *mine = map(64 + n, PROT_READ | PROT_WRITE);
  mprotect(mine + PAGE, (16 + n) * PAGE, PROT_READ);
  for (int i = 0; i < 50; i++) memset(malloc(20000 + 1000 * n), 1, 100); /* arena growth by mprotect */
  pthread_barrier_wait(&parked);   /* the main thread copies the maps now */
  pthread_barrier_wait(&released);
  munmap(mine, 8 * PAGE);
  return NULL;
}

static void flags_and_locks(void) {
  char *p = map(32, PROT_READ | PROT_WRITE);
  mprotect(p + 4 * PAGE, 2 * PAGE, PROT_NONE);
  madvise(p + 8 * PAGE, 2 * PAGE, MADV_DONTFORK);
  madvise(p + 12 * PAGE, 2 * PAGE, MADV_WIPEONFORK);
  madvise(p + 16 * PAGE, 2 * PAGE, MADV_HUGEPAGE);
  madvise(p + 20 * PAGE, 2 * PAGE, MADV_RANDOM);
  madvise(p, 32 * PAGE, MADV_DONTNEED);
  mlock(p + 24 * PAGE, PAGE);
  syscall(SYS_mlock2, p + 26 * PAGE, PAGE, 1 /* MLOCK_ONFAULT */);
  munlock(p + 24 * PAGE, PAGE);
  syscall(SYS_pkey_mprotect, p + 28 * PAGE, PAGE, PROT_READ, -1);
  char *sealed = map(4, PROT_READ);
  syscall(SYS_mseal, sealed + PAGE, PAGE, 0);
}

static void shared_memory(void) {
  int id = shmget(IPC_PRIVATE, 5 * PAGE, IPC_CREAT | 0600);
  char *rw = shmat(id, NULL, 0), *ro = shmat(id, NULL, SHM_RDONLY);
  shmdt(rw);
  (void)ro;
  shmctl(id, IPC_RMID, NULL);
  int file = memfd_create("film", 0);
  if (file < 0 || ftruncate(file, 16 * PAGE) != 0) exit(4);
  char *shared = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, file, 0);
  remap_file_pages(shared + 4 * PAGE, PAGE, 0, 9, 0);
  syscall(SYS_mbind, shared + 8 * PAGE, PAGE, 0 /* MPOL_DEFAULT */, 0, 0, 0);
}

static void moves_and_the_break(void) {
  char *p = map(16, PROT_READ | PROT_WRITE);
  munmap(p + 4 * PAGE, PAGE);
  mremap(p + 8 * PAGE, 8 * PAGE, 4 * PAGE, 0);               /* shrink */
  char *moved = mremap(p, 4 * PAGE, 64 * PAGE, MREMAP_MAYMOVE); /* grow, moved */
  mremap(moved, 8 * PAGE, 8 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
  sbrk(1 << 20);
  sbrk(-(1 << 19));
  for (int i = 0; i < 200; i++) memset(malloc(3000), 2, 3000); /* the main arena, through brk */
}

int main(int argc, char **argv) {
  if (argc != 2) return 1;
  dir = argv[1];
  mallopt(M_ARENA_MAX, 8); /* threads get their own arenas even under MALLOC_ARENA_MAX=1 */
  marker(1);
  flags_and_locks();
  marker(2);
  shared_memory();
  marker(3);
  moves_and_the_break();
  marker(4);
  pthread_t threads[THREADS];
  pthread_barrier_init(&parked, NULL, THREADS + 1);
  pthread_barrier_init(&released, NULL, THREADS + 1);
  for (long i = 0; i < THREADS; i++) pthread_create(&threads[i], NULL, thread_work, (void *)i);
  pthread_barrier_wait(&parked);
  marker(5);
  pthread_barrier_wait(&released);
  for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);
  marker(6);
  mlockall(MCL_CURRENT | MCL_FUTURE);
  map(8, PROT_READ | PROT_WRITE);
  marker(7);
  munlockall();
  marker(8);
  pid_t child = fork();
  if (child == 0) { /* the child's layout is the parent's at the fork, without MADV_DONTFORK */
    marker(9);
    char *mine = map(8, PROT_READ | PROT_WRITE);
    mprotect(mine, PAGE, PROT_NONE);
    marker(10);
    _exit(0);
  }
  waitpid(child, NULL, 0);
  marker(11);
  return 0;
}
