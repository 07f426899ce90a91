/* ljmm-demo: a real process that reproduces layouts worth inspecting.
 *
 *   brk-hole  maps a 4 KiB block right after sbrk(0) (as a low-memory mmap wrapper and
 *             lua-nginx-module once did), then parses the CA bundle again and again the way an
 *             nginx reload did per location: every brk() fails and glibc malloc falls back to mmap.
 *   plain     the same work without the block.
 *   threads   the same work, plus threads that allocate (glibc arenas) and wait (thread stacks).
 *
 * It prints one JSON line with what it did and what glibc accounts for, then waits until its
 * standard input closes (or SIGTERM), so an inspector sees it alive. */
#define _GNU_SOURCE
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static const char *ca_bundle = "/etc/ssl/certs/ca-certificates.crt";

struct work {
  size_t objects;
  size_t bytes;
};

/* Every allocation stays reachable from here, as a configuration parser keeps what it read
   (and so no compiler may drop an allocation it sees unused). */
static void *volatile kept;

static void *keep(struct work *work, size_t size) {
  char *p = malloc(size + sizeof(void *));
  if (!p) {
    fprintf(stderr, "ljmm-demo: malloc(%zu) failed after %zu objects\n", size, work->objects);
    exit(1);
  }
  memcpy(p, (void *const *)&kept, sizeof(void *));
  kept = p;
  p += sizeof(void *);
  memset(p, 0x5a, size);
  work->objects++;
  work->bytes += size;
  return p;
}

static char *read_file(const char *path, size_t *length) {
  FILE *file = fopen(path, "r");
  if (!file) return NULL;
  static char buffer[512 * 1024];
  *length = fread(buffer, 1, sizeof buffer - 1, file);
  buffer[*length] = 0;
  fclose(file);
  return buffer;
}

/* Parse the CA bundle like a TLS library would: one small string per line, kept. */
static void allocate(struct work *work, size_t target_bytes) {
  size_t length = 0;
  char *bundle = read_file(ca_bundle, &length);
  while (work->bytes < target_bytes) {
    if (!bundle || length == 0) {
      keep(work, 40);
      continue;
    }
    for (char *line = bundle; line < bundle + length && work->bytes < target_bytes;) {
      char *end = memchr(line, '\n', (size_t)(bundle + length - line));
      size_t size = end ? (size_t)(end - line) + 1 : strlen(line) + 1;
      memcpy(keep(work, size), line, size - 1);
      line += size;
    }
  }
}

static uintptr_t page_size(void) { return (uintptr_t)sysconf(_SC_PAGESIZE); }

static uintptr_t page_round_up(uintptr_t address) { return (address + page_size() - 1) & ~(page_size() - 1); }

/* One page, the least that blocks the break. */
static void *map_block_after_break(void) {
  uintptr_t at = page_round_up((uintptr_t)sbrk(0));
  void *block =
      mmap((void *)at, page_size(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (block == MAP_FAILED || (uintptr_t)block != at) {
    fprintf(stderr, "ljmm-demo: cannot map the block at %#lx: %s\n", (unsigned long)at, strerror(errno));
    exit(1);
  }
  return block;
}

static pthread_mutex_t hold = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t started;

static void *thread_main(void *arg) {
  (void)arg;
  for (int i = 0; i < 1000; i++) { /* gives the thread its own arena */
    void **p = malloc(64);
    *p = kept;
    kept = p;
  }
  pthread_barrier_wait(&started); /* main reports once all have */
  pthread_mutex_lock(&hold);      /* wait until main exits */
  pthread_mutex_unlock(&hold);
  return NULL;
}

static void start_threads(int count) {
  /* One arena per thread, as the mode says, even where MALLOC_ARENA_MAX caps them. */
  mallopt(M_ARENA_MAX, count + 1);
  pthread_mutex_lock(&hold);
  pthread_barrier_init(&started, NULL, (unsigned)count + 1);
  for (int i = 0; i < count; i++) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, thread_main, NULL) != 0) {
      fprintf(stderr, "ljmm-demo: pthread_create failed\n");
      exit(1);
    }
  }
  pthread_barrier_wait(&started);
}

static int usage(FILE *out, int exit_code) {
  fprintf(out,
          "usage: ljmm-demo brk-hole|plain|threads [--mib N] [--threads N] [--no-wait]\n"
          "  brk-hole  map a page right after sbrk(0), then allocate N MiB in small objects\n"
          "  plain     allocate without the block\n"
          "  threads   allocate, and start threads with their own arenas and stacks\n"
          "Prints one JSON line, then waits until standard input closes.\n");
  return exit_code;
}

int main(int argc, char **argv) {
  if (argc < 2) return usage(stderr, 2);
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) return usage(stdout, 0);
  const char *mode = argv[1];
  int hole = strcmp(mode, "brk-hole") == 0, threads = strcmp(mode, "threads") == 0;
  if (!hole && !threads && strcmp(mode, "plain") != 0) {
    fprintf(stderr, "ljmm-demo: unknown mode '%s'\n", mode);
    return usage(stderr, 2);
  }
  size_t mib = 48;
  int thread_count = 4, wait = 1;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--mib") == 0 && i + 1 < argc) {
      mib = strtoul(argv[++i], NULL, 10);
    } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      thread_count = atoi(argv[++i]);
    } else if (strcmp(argv[i], "--no-wait") == 0) {
      wait = 0;
    } else {
      fprintf(stderr, "ljmm-demo: unknown or incomplete option '%s'\n", argv[i]);
      return usage(stderr, 2);
    }
  }

  /* stdout's buffer is static, so printing the facts allocates nothing the facts do not count. */
  static char out_buffer[BUFSIZ];
  setvbuf(stdout, out_buffer, _IOLBF, sizeof out_buffer);
  struct work work = {0};
  /* A program that has run for a while has a heap already. */
  allocate(&work, 64 * 1024);
  uintptr_t start_brk = 0;
  {
    FILE *stat = fopen("/proc/self/stat", "r");
    unsigned long long field = 0;
    char text[4096];
    if (stat && fgets(text, sizeof text, stat)) {
      char *cursor = strrchr(text, ')') + 2;
      for (int n = 3; n <= 47 && cursor; n++) {
        field = strtoull(cursor, &cursor, 10);
        if (n == 3) cursor = strchr(cursor, ' '); /* the state letter */
      }
      start_brk = (uintptr_t)field;
    }
    if (stat) fclose(stat);
  }
  void *block = hole ? map_block_after_break() : NULL;
  if (threads) start_threads(thread_count);
  allocate(&work, mib * 1024 * 1024);

  struct mallinfo2 info = mallinfo2();
  uintptr_t brk_now = (uintptr_t)sbrk(0);
  size_t heap_bytes = brk_now - start_brk;
  size_t main_arena = info.arena;
  printf(
      "{\"pid\":%d,\"mode\":\"%s\",\"start_brk\":\"0x%lx\",\"brk\":\"0x%lx\",\"block\":\"0x%lx\",\"block_bytes\":%zu,"
      "\"objects\":%zu,\"object_bytes\":%zu,\"heap_bytes\":%zu,\"malloc_arena_bytes\":%zu,"
      "\"fallback_bytes\":%zu,\"threads\":%d}\n",
      getpid(), mode, (unsigned long)start_brk, (unsigned long)brk_now, (unsigned long)(uintptr_t)block,
      block ? (size_t)page_size() : 0, work.objects, work.bytes, heap_bytes, main_arena,
      hole && main_arena > heap_bytes ? main_arena - heap_bytes : 0, threads ? thread_count : 0);
  fflush(stdout);
  if (wait) {
    char sink[256];
    while (read(0, sink, sizeof sink) > 0) {
    }
  }
  return 0;
}
