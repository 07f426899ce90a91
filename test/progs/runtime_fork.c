/* fork while two threads map and unmap low memory through the runtime (linked with ljmm.o and
 * --wrap). [1 GiB, 2 GiB) is taken first, so the threads are inside the runtime's placement
 * most of the time. Each child maps low memory itself and checks it has its own counters page;
 * the parent waits for each child at most CHILD_SECONDS, then kills it and stops: it hung.
 * The children call ljmm_map_near, which the parent never does: the parent's near_requests must
 * stay 0. usage: runtime_fork [FORKS]; prints one JSON line, exits 0 when all holds.
 * runtime_fork rawfork [FORKS]: the fork system call itself, so no fork handler runs: a child
 * that inherits the lock held by a thread it does not have must take it over, not hang.
 * runtime_fork hold: one fork; prints {"parent":PID,"child":PID} once the child has mapped, and
 * both wait until stdin closes, so `ljmm-inspect` can read each one's counters. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ljmm/runtime.h"

#define GiB ((uintptr_t)1 << 30)
#define CHILD_SECONDS 10

static int stop;

static void *map_low(size_t size) {
  return mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
}

static void *churn(void *arg) {
  (void)arg;
  void *kept[16] = {0};
  unsigned seed = 1, i = 0;
  while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
    size_t size = (1 + rand_r(&seed) % 16) * 4096;
    if (kept[i % 16]) munmap(kept[i % 16], 65536);
    kept[i % 16] = map_low(65536);
    void *p = map_low(size);
    if (p != MAP_FAILED) munmap(p, size);
    ++i;
  }
  return NULL;
}

static int stats_pages(void) {
  FILE *maps = fopen("/proc/self/maps", "r");
  char line[512];
  int count = 0;
  while (maps && fgets(line, sizeof line, maps)) count += strstr(line, LJMM_MEMFD_PATH(LJMM_STATS_MEMFD)) != NULL;
  if (maps) fclose(maps);
  return count;
}

/* The child: low memory works, and the counters are its own. Exit codes name what failed. */
static int child(void) {
  for (int i = 0; i < 4; ++i) {
    char *p = map_low(65536);
    if (p == MAP_FAILED || (uintptr_t)p + 65536 > 2 * GiB) return 4;
    p[0] = 1;
  }
  void *near = ljmm_map_near((void *)&child, 4096, PROT_READ | PROT_WRITE);
  if (!near) return 5;
  struct ljmm_stats s;
  ljmm_get_stats(&s);
  if (s.near_requests != 1 || s.low_requests != 4) return 3; /* a fresh page, not the parent's */
  if (stats_pages() != 1) return 6;
  return 0;
}

/* A child of the raw fork system call: low memory works (its counters are the parent's page). */
static int raw_child(void) {
  for (int i = 0; i < 4; ++i) {
    char *p = map_low(65536);
    if (p == MAP_FAILED || (uintptr_t)p + 65536 > 2 * GiB) return 4;
    p[0] = 1;
  }
  return 0;
}

/* Waits for pid at most CHILD_SECONDS; returns its exit status, or -1 when it hung (killed). */
static int wait_bounded(pid_t pid) {
  for (int waited_ms = 0; waited_ms < CHILD_SECONDS * 1000; ++waited_ms) {
    int status;
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL);
  }
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  return -1;
}

/* Reads stdin until it closes. */
static void wait_for_stdin(void) {
  char c;
  while (read(0, &c, 1) > 0) {
  }
}

static int hold(void) {
  int ready[2];
  if (pipe(ready) != 0) return 2;
  pid_t pid = fork();
  if (pid == 0) {
    int status = child();
    ssize_t written = write(ready[1], &status, sizeof status);
    wait_for_stdin();
    _exit(written == sizeof status ? status : 2);
  }
  int status = -1;
  if (read(ready[0], &status, sizeof status) != sizeof status || status != 0) return 1;
  printf("{\"parent\":%d,\"child\":%d}\n", (int)getpid(), (int)pid);
  fflush(stdout);
  wait_for_stdin();
  return wait_bounded(pid);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "hold") == 0) {
    for (int i = 0; i < 3; ++i) map_low(65536); /* the parent's own requests: 3, the child's: 4 */
    return hold();
  }
  int raw = argc > 1 && strcmp(argv[1], "rawfork") == 0;
  if (raw) --argc, ++argv;
  int forks = argc > 1 ? atoi(argv[1]) : 300;
  mmap((void *)GiB, GiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
  pthread_t threads[2];
  for (int i = 0; i < 2; ++i) pthread_create(&threads[i], NULL, churn, NULL);
  int hung = 0, failed = 0, first_failure = 0;
  for (int i = 0; i < forks; ++i) {
    pid_t pid = raw ? (pid_t)syscall(SYS_fork) : fork();
    if (pid == 0) _exit(raw ? raw_child() : child());
    if (pid < 0) {
      failed++;
      continue;
    }
    int status = wait_bounded(pid);
    if (status == -1) {
      hung++;
      break; /* one is enough to fail, and each costs CHILD_SECONDS */
    } else if (status != 0) failed++, first_failure = first_failure ? first_failure : status;
  }
  __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
  for (int i = 0; i < 2; ++i) pthread_join(threads[i], NULL);
  struct ljmm_stats s;
  ljmm_get_stats(&s);
  int ok = hung == 0 && failed == 0 && s.near_requests == 0 && stats_pages() == 1;
  printf("{\"forks\":%d,\"hung\":%d,\"failed\":%d,\"first_failure\":%d,\"parent_near_requests\":%lu,"
         "\"parent_low_requests\":%lu,\"ok\":%s}\n",
         forks, hung, failed, first_failure, (unsigned long)s.near_requests, (unsigned long)s.low_requests,
         ok ? "true" : "false");
  return ok ? 0 : 1;
}
