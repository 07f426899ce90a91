/* A library's bss with other anonymous memory right after it, as when glibc's fallback mmaps land
 * after a library: loads the library named by argv[1], maps 1 MiB rw right after the library's
 * bss (the kernel merges it with the bss), and blocks the break with a PROT_NONE page at sbrk(0).
 * Prints its pid and the address of the 1 MiB, and waits until stdin closes. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The end of the library's memory: its last writable file mapping, and the anonymous bss after
 * it when there is one. */
static uintptr_t library_end(const char *name) {
  FILE *maps = fopen("/proc/self/maps", "r");
  char line[512];
  uintptr_t end = 0;
  int in_library = 0;
  while (maps && fgets(line, sizeof line, maps)) {
    unsigned long start, stop;
    char perms[5];
    if (sscanf(line, "%lx-%lx %4s", &start, &stop, perms) != 3) continue;
    int ours = strstr(line, name) != NULL;
    int anonymous = strchr(line, '/') == NULL && strchr(line, '[') == NULL;
    if (ours && perms[1] == 'w') {
      end = stop;
      in_library = 1;
    } else if (in_library && anonymous && start == end) {
      end = stop;
      in_library = 0;
    } else {
      in_library = 0;
    }
  }
  if (maps) fclose(maps);
  return end;
}

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  /* A cushion below everything mapped so far: the library (built with 2 MiB segment alignment, so
   * it fits no small gap) lands right below it, and unmapping the cushion frees what follows. */
  size_t cushion_size = 64 << 20;
  void *cushion = mmap(NULL, cushion_size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  void *library = dlopen(argv[1], RTLD_NOW);
  if (!library) {
    fprintf(stderr, "bss_neighbour: %s\n", dlerror());
    return 1;
  }
  munmap(cushion, cushion_size);
  char *(*touch)(void) = (char *(*)(void))dlsym(library, "small_bss_lib_touch");
  if (touch) touch();
  uintptr_t end = library_end(strrchr(argv[1], '/') ? strrchr(argv[1], '/') + 1 : argv[1]);
  void *after =
      mmap((void *)end, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (end == 0 || after == MAP_FAILED) {
    perror("bss_neighbour: mmap after the library");
    return 1;
  }
  /* The break is blocked last: before, malloc (in dlopen too) would map fallback memory of its
   * own, which may land between the library and the cushion. */
  void *block = mmap(sbrk(0), 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (block == MAP_FAILED) {
    perror("bss_neighbour: mmap at the break");
    return 1;
  }
  memset(after, 1, 4096);
  printf("%d %p\n", getpid(), after);
  fflush(stdout);
  char line[16];
  while (fgets(line, sizeof line, stdin)) {
  }
  return 0;
}
