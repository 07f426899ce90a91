/* State and steps shared by the runtime's files. Nothing here allocates. */
#ifndef LJMM_RUNTIME_INTERNAL_H
#define LJMM_RUNTIME_INTERNAL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#include "ljmm/runtime.h"

/* The kernel's flags by name. <sys/mman.h> of an older C library lacks the newer ones; the
 * values are the kernel's ABI (<linux/mman.h>, which is not included: its MAP_* would clash). */
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MREMAP_MAYMOVE
#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED 2
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 1u
#endif

#define LJMM_MAX_RESERVATIONS 64
#define LJMM_MAX_RETRIES 16
#define LJMM_TWO_GIB ((uintptr_t)2 << 30)
#define LJMM_DEFAULT_BRK_HEADROOM ((uintptr_t)256 << 20) /* docs/runtime.md, "brk headroom" */
#define LJMM_LOWEST_WINDOW_START ((uintptr_t)64 << 10)   /* docs/runtime.md, "The window" */
#define LJMM_DEFAULT_MMAP_MIN_ADDR ((uintptr_t)64 << 10) /* the kernel's, when vm.mmap_min_addr is unreadable */
#define LJMM_ASSUMED_PAGE_SIZE ((uintptr_t)4 << 10)      /* x86-64's, when the kernel gave no AT_PAGESZ */

struct ljmm_range {
  uintptr_t start, end;
};

/* The runtime's one global (a process has one address space, so one window and one set of
 * counters). Written at initialisation and under the lock; read without it on the fast path. */
struct ljmm_runtime {
  int init_state; /* 0 not started, 1 in progress, 2 done */
  uintptr_t page_size;
  uintptr_t mmap_min_addr;
  uintptr_t window_start, window_end;
  struct ljmm_stats_page *page; /* the shared stats page, or fallback_page */
  struct ljmm_range reserved[LJMM_MAX_RESERVATIONS];
  int reserved_count;
  int reserve_fd; /* the empty memfd whose PROT_NONE mappings mark free reservation */
};
extern struct ljmm_runtime ljmm_state;

/* init.c: idempotent and thread-safe; every entry point calls it first. */
void ljmm_init(void);
uintptr_t ljmm_page_round_up(uintptr_t value);

/* lock.c: a spinlock taken with all signals blocked, so a signal handler that maps memory
 * cannot deadlock against the thread it interrupted. */
void ljmm_lock(uint64_t *saved_mask);
void ljmm_unlock(uint64_t saved_mask);
/* reserve.c: after taking over the lock from a thread that is gone (a raw fork), drops the gap
 * cache and rebuilds the ownership table from /proc/self/maps. Call with the lock. */
void ljmm_recover_locked(void);

/* init.c */
const char *ljmm_find_env(const char *name);

/* stats.c */
#define LJMM_COUNT(field, amount) __atomic_fetch_add(&ljmm_state.page->stats.field, (amount), __ATOMIC_RELAXED)
void ljmm_stats_setup(void);
void ljmm_set_flag(uint32_t flag);
int ljmm_has_flag(uint32_t flag);

/* maps_scan.c: walks /proc/self/maps with a static buffer (call it with the lock). The visitor
 * returns nonzero to stop. */
struct ljmm_map_entry {
  uintptr_t start, end;
  char perms[4];
  int anonymous;      /* no inode and no pathname */
  int free_reserve;   /* an unused part of ljmm's reservation (/memfd:ljmm-reserve) */
};
typedef int (*ljmm_entry_visitor)(const struct ljmm_map_entry *entry, void *context);
long ljmm_scan_maps(ljmm_entry_visitor visit, void *context);

/* place.c: maps `size` bytes in a free part of [lo, hi) chosen by `choose`, verifying where it
 * landed and rescanning after lost races. Returns the address or -errno. Call with the lock. */
struct ljmm_fit {
  uintptr_t lo, hi, size;
  uintptr_t target;    /* map_near: the symbol; 0 for best fit */
  uintptr_t hint;      /* carving: the caller's address, taken when that range is free */
  int exact;           /* carving: only the hint will do (MAP_FIXED_NOREPLACE) */
  uintptr_t chosen;    /* result: where to map */
  uintptr_t score;     /* internal: the best candidate's score so far */
  int found;
};
long ljmm_place(struct ljmm_fit *fit, int prot, int flags, int fd, long offset);
/* Drops the cached gaps: after ljmm itself unmapped or moved something, or the window changed. */
void ljmm_forget_gaps(void);

/* reserve.c */
int ljmm_reserve_locked(enum ljmm_reserve_mode mode);
int ljmm_in_reservation(uintptr_t start, uintptr_t end);
/* Carves fit->size bytes in [fit->lo, fit->hi) from the free reservation (MAP_FIXED over our own
   PROT_NONE): at fit->hint when that range is free, else the best fit unless fit->exact.
   Returns the address, -ENOMEM when there is no room, or the kernel's error. */
long ljmm_carve(struct ljmm_fit *fit, int prot, int flags, int fd, long offset);
/* Gives [start, end) back to the reservation as PROT_NONE; returns bytes given back.
   LJMM_REPLACE: the program's own range (munmap), replaced in one step, so no other mapper can
     take it in between; parts outside the reservation are unmapped. A part the kernel will
     neither replace nor unmap (vm.max_map_count) stays mapped: then the kernel's -errno.
   LJMM_REFILL: a hole the kernel has already left (after a shrink, a move, a failed growth).
     Another mapper that does not take the lock may have mapped there meanwhile: the hole is
     refilled with MAP_FIXED_NOREPLACE, and a piece someone took is theirs, not ours any more. */
enum ljmm_give_back_mode { LJMM_REFILL = 0, LJMM_REPLACE = 1 };
long ljmm_give_back(uintptr_t start, uintptr_t end, enum ljmm_give_back_mode mode);
/* For an in-place mremap: unmaps the reservation inside [start, end) so the kernel can grow into
   it; -ENOMEM (nothing changed) unless all of it is free reservation. */
int ljmm_release(uintptr_t start, uintptr_t end);

/* table.c: the free reservation, sorted and coalesced. Guarded by the lock. */
int ljmm_table_setup(void);
int ljmm_table_add(uintptr_t start, uintptr_t end); /* 0, or -ENOSPC when full */
void ljmm_table_remove(uintptr_t start, uintptr_t end);
int ljmm_table_is_free(uintptr_t start, uintptr_t end);
int ljmm_table_best_fit(uintptr_t size, uintptr_t lo, uintptr_t hi, uintptr_t *chosen);
void ljmm_table_clear(void);

/* entry.c */
int ljmm_window_reserved(void);
int ljmm_in_window(uintptr_t start, uintptr_t length);
/* entry.c: a low placement under the lock (reservation first, then the maps); address or -errno. */
long ljmm_place_low_locked(uintptr_t hint, uintptr_t size, int prot, int flags, int fd, long offset);
void *ljmm_result(long result);

/* fork.c: registers the fork handlers (once, from the start-up constructor). */
void ljmm_fork_setup(void);
/* stats.c: a fresh counters page for a forked child. */
void ljmm_stats_new_page(void);

#endif
