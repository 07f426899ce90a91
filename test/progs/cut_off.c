/* A call cut off by exit_group: a thread populates 1 GiB of memory (MAP_POPULATE takes long)
 * while the main thread exits the process after 20 ms. strace shows such a call as "= ?". */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static void *populate(void *arg) {
  (void)arg;
  mmap(NULL, 1L << 30, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  return NULL;
}

int main(void) {
  pthread_t thread;
  pthread_create(&thread, NULL, populate, NULL);
  usleep(20 * 1000);
  exit(0);
}
