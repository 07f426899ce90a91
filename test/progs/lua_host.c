/* A small Lua host for LuaJIT without GC64. It first crowds the low window the way real hosts
 * do, measures the free bytes left in the window from /proc/self/maps, then lets Lua allocate
 * ~1 MiB strings until "not enough memory", and prints one JSON line:
 *   {"scenario":..., "window_start":..., "window_end":..., "free_bytes":..., "lua_bytes":..., ...}
 *
 * Scenarios:
 *   holes     1 MiB free holes every 4 MiB across [16 MiB, 2 GiB) (other libraries' blocks),
 *             but for the window's first 16 MiB when it starts higher (non-PIE: the brk headroom)
 *   brk-heap  a large brk heap (non-PIE build): the heap takes most of the window
 *   none      nothing added
 *
 * usage: lua_host SCENARIO [STRING_SIZE FOOTPRINT]: strings of STRING_SIZE bytes (default 1 MiB
 * - 256, which with its header fills one 1 MiB mapping); FOOTPRINT, what LuaJIT really takes
 * per string, gives "limit_bytes": the packing limit of the window's gaps, the sum over gaps of
 * floor(gap / FOOTPRINT) * FOOTPRINT. Free ranges of ljmm's reservation count as gaps.
 *
 * Built twice: plain, and with -Wl,--wrap=mmap64,... and ljmm.o (LJMM_LINKED). */
#define _GNU_SOURCE
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Both builds: the plain one uses its names (the reservation's memfd), only the linked one its
 * functions. */
#include "ljmm/runtime.h"

#define MiB ((uintptr_t)1 << 20)
#define GiB ((uintptr_t)1 << 30)

static uintptr_t initial_break;

/* Runs before ljmm's constructor would matter: the window rule needs the break at start. */
__attribute__((constructor(101))) static void remember_break(void) { initial_break = (uintptr_t)sbrk(0); }

static uintptr_t page_up(uintptr_t value) { return (value + 4095) & ~(uintptr_t)4095; }

static uintptr_t mmap_min_addr(void) {
  FILE *file = fopen("/proc/sys/vm/mmap_min_addr", "r");
  unsigned long value = 65536;
  if (file) {
    if (fscanf(file, "%lu", &value) != 1) value = 65536;
    fclose(file);
  }
  return value;
}

/* The window rule of docs/runtime.md, so the plain host measures the same window. */
static void default_window(uintptr_t *start, uintptr_t *end) {
  uintptr_t floor = mmap_min_addr() > 65536 ? mmap_min_addr() : 65536;
  *start = initial_break < 2 * GiB ? page_up(initial_break) + 256 * MiB : floor; /* the brk headroom */
  if (*start < floor) *start = floor;
  *end = 2 * GiB;
}

static void count_gap(uintptr_t from, uintptr_t to, uintptr_t footprint, uintptr_t *free, uintptr_t *limit, int *gaps) {
  if (to <= from) return;
  *free += to - from, ++*gaps;
  if (footprint) *limit += (to - from) / footprint * footprint;
}

/* Free bytes of [start, end), their packing limit for `footprint` and the number of gaps, from
   /proc/self/maps. */
static uintptr_t free_bytes(uintptr_t start, uintptr_t end, uintptr_t footprint, uintptr_t *limit, int *gaps) {
  FILE *maps = fopen("/proc/self/maps", "r");
  char line[4096];
  uintptr_t cursor = start, free = 0;
  *gaps = 0, *limit = 0;
  while (maps && fgets(line, sizeof line, maps)) {
    unsigned long from, to;
    if (sscanf(line, "%lx-%lx", &from, &to) != 2 || strstr(line, LJMM_MEMFD_PATH(LJMM_RESERVE_MEMFD))) continue;
    if (to <= cursor) continue;
    if (from >= end) break;
    if (from > cursor) count_gap(cursor, from, footprint, &free, limit, gaps);
    cursor = to;
  }
  if (maps) fclose(maps);
  if (cursor < end) count_gap(cursor, end, footprint, &free, limit, gaps);
  return free;
}

static void crowd_with_holes(uintptr_t window_start) {
  /* Blocks of 3 MiB, 1 MiB apart: what a process with many libraries and arenas looks like. When
     the brk headroom moves the window above 16 MiB, its first 16 MiB stay free, as [0, 16 MiB)
     does otherwise: LuaJIT's first arena needs 1.125 MiB. */
  uintptr_t spared = window_start < 16 * MiB ? 0 : (window_start + 4 * MiB - 1) & ~(4 * MiB - 1);
  for (uintptr_t at = 16 * MiB; at + 4 * MiB <= 2 * GiB; at += 4 * MiB) {
    if (spared && at >= spared && at < spared + 16 * MiB) continue;
    void *block = mmap((void *)at, 3 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (block == MAP_FAILED) continue; /* something is there already */
  }
}

static void crowd_with_brk_heap(uintptr_t window_end) {
  /* Grow the heap to 3/4 of the way to the window's end. */
  uintptr_t now = (uintptr_t)sbrk(0);
  if (now >= window_end) return; /* a PIE's heap is above the window */
  uintptr_t target = now + (window_end - now) * 3 / 4;
  if (target > now && sbrk((intptr_t)(target - now)) == (void *)-1) perror("sbrk");
}

static const char *fill_script =
    "local size = ...\n"
    "local kept = {}\n"
    "local i = 0\n"
    "while true do\n"
    "  local unit = tostring(i) .. ':'\n"
    "  kept[#kept + 1] = string.rep(unit, math.floor(size / #unit))\n"
    "  i = i + 1\n"
    "end\n";

int main(int argc, char **argv) {
  const char *scenario = argc > 1 ? argv[1] : "none";
  uintptr_t window_start, window_end;
  default_window(&window_start, &window_end);
#ifdef LJMM_LINKED
  uintptr_t runtime_start, runtime_end;
  ljmm_get_window(&runtime_start, &runtime_end);
  if (runtime_start != window_start || runtime_end != window_end) {
    fprintf(stderr, "lua_host: runtime window %#lx-%#lx differs from %#lx-%#lx\n", (unsigned long)runtime_start,
            (unsigned long)runtime_end, (unsigned long)window_start, (unsigned long)window_end);
    return 2;
  }
#endif
  if (strcmp(scenario, "holes") == 0) crowd_with_holes(window_start);
  if (strcmp(scenario, "brk-heap") == 0) crowd_with_brk_heap(window_end);
  uintptr_t string_size = argc > 2 ? strtoul(argv[2], NULL, 0) : MiB - 256; /* with its header: 1 MiB */
  uintptr_t footprint = argc > 3 ? strtoul(argv[3], NULL, 0) : 0, limit = 0;
  int gaps = 0;
  uintptr_t free = free_bytes(window_start, window_end, footprint, &limit, &gaps);

  lua_State *L = luaL_newstate();
  if (!L) {
    fprintf(stderr, "lua_host: luaL_newstate failed\n");
    return 2;
  }
  luaL_openlibs(L);
  if (luaL_loadstring(L, fill_script) != 0) return 2;
  lua_pushnumber(L, (lua_Number)string_size);
  int status = lua_pcall(L, 1, 0, 0);
  uintptr_t lua_bytes = (uintptr_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024 + (uintptr_t)lua_gc(L, LUA_GCCOUNTB, 0);
  const char *message = status == 0 ? "finished" : lua_tostring(L, -1);
  int out_of_memory = status == LUA_ERRMEM;
  printf("{\"scenario\":\"%s\",\"ljmm\":%s,\"window_start\":\"0x%lx\",\"window_end\":\"0x%lx\",\"free_bytes\":%lu,"
         "\"gaps\":%d,\"limit_bytes\":%lu,\"string_size\":%lu,\"lua_bytes\":%lu,\"out_of_memory\":%s,\"message\":\"%s\"",
         scenario,
#ifdef LJMM_LINKED
         "true",
#else
         "false",
#endif
         (unsigned long)window_start, (unsigned long)window_end, (unsigned long)free, gaps, (unsigned long)limit,
         (unsigned long)string_size, (unsigned long)lua_bytes,
         out_of_memory ? "true" : "false", message ? message : "?");
#ifdef LJMM_LINKED
  struct ljmm_stats stats;
  ljmm_get_stats(&stats);
  printf(",\"stats\":{\"low_requests\":%lu,\"fast_path\":%lu,\"fallbacks\":%lu,\"outside_window\":%lu,"
         "\"failures\":%lu,\"retries\":%lu}",
         (unsigned long)stats.low_requests, (unsigned long)stats.fast_path, (unsigned long)stats.fallbacks,
         (unsigned long)stats.outside_window, (unsigned long)stats.failures, (unsigned long)stats.retries);
#endif
  printf("}\n");
  fflush(stdout);
  lua_close(L);
  return out_of_memory ? 0 : 1;
}
