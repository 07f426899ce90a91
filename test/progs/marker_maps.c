/* Maps and unmaps a region of a length nobody else uses (MARKER_BYTES), a known number of times,
 * so a trace's count of those calls can be checked exactly. Modes:
 *   maps K                 K mmap+munmap pairs, then exit
 *   wait-signal K          print the pid, wait for SIGUSR1, then as `maps K` (for -p)
 *   main-exits-first N K   N threads make K pairs each, after the main thread has pthread_exit'ed
 *   thread-execs K         a thread that is not the main one execs `maps K`
 *   threads-at-once N K    N threads make K pairs each, all of them alive from the first call
 *                          of any to the last */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MARKER_BYTES (77 * 4096)

static long pairs;
static pid_t main_tid;

static void map_pairs(long count) {
  for (long i = 0; i < count; i++) {
    void *p = mmap(NULL, MARKER_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) exit(3);
    munmap(p, MARKER_BYTES);
  }
}

/* The main thread is gone once its task is a zombie or reaped. */
static int main_thread_gone(void) {
  char path[64], state = 0;
  snprintf(path, sizeof path, "/proc/self/task/%d/stat", main_tid);
  FILE *stat = fopen(path, "r");
  if (!stat) return 1;
  int matched = fscanf(stat, "%*d (%*[^)]) %c", &state);
  fclose(stat);
  return matched != 1 || state == 'Z' || state == 'X';
}

static void *worker(void *arg) {
  (void)arg;
  for (int tries = 0; !main_thread_gone(); tries++) {
    if (tries > 20000) exit(4); /* 20 s: the main thread never left */
    usleep(1000);
  }
  map_pairs(pairs);
  return NULL;
}

static pthread_barrier_t together;

static void *together_worker(void *arg) {
  (void)arg;
  pthread_barrier_wait(&together);
  map_pairs(pairs);
  pthread_barrier_wait(&together);
  return NULL;
}

static void *exec_maps(void *arg) {
  char *argv[] = {"marker_maps", "maps", arg, NULL};
  execv("/proc/self/exe", argv);
  exit(5);
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "maps") == 0) {
    map_pairs(atol(argv[2]));
  } else if (argc == 3 && strcmp(argv[1], "wait-signal") == 0) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    printf("%d\n", getpid());
    fflush(stdout);
    int signal;
    sigwait(&set, &signal);
    map_pairs(atol(argv[2]));
  } else if (argc == 4 && strcmp(argv[1], "main-exits-first") == 0) {
    pairs = atol(argv[3]);
    main_tid = gettid();
    for (long i = 0; i < atol(argv[2]); i++) {
      pthread_t thread;
      if (pthread_create(&thread, NULL, worker, NULL) != 0) return 2;
    }
    pthread_exit(NULL);
  } else if (argc == 4 && strcmp(argv[1], "threads-at-once") == 0) {
    long count = atol(argv[2]);
    pairs = atol(argv[3]);
    pthread_t threads[64];
    if (count < 1 || count > 64 || pthread_barrier_init(&together, NULL, (unsigned)count) != 0) return 2;
    for (long i = 0; i < count; i++)
      if (pthread_create(&threads[i], NULL, together_worker, NULL) != 0) return 2;
    for (long i = 0; i < count; i++) pthread_join(threads[i], NULL);
  } else if (argc == 3 && strcmp(argv[1], "thread-execs") == 0) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, exec_maps, argv[2]) != 0) return 2;
    pause(); /* ended by the exec */
  } else {
    fprintf(stderr,
            "usage: marker_maps maps K | wait-signal K | main-exits-first N K | thread-execs K | "
            "threads-at-once N K\n");
    return 1;
  }
  return 0;
}
