#include <signal.h>

#include "internal.h"
#include "raw.h"

#ifndef SYS_gettid
#define SYS_gettid 186
#endif
#ifndef SYS_tgkill
#define SYS_tgkill 234
#endif

/* 0 when free, else the id of the thread holding it. A process forked without the fork handlers
   (a raw fork or clone system call) can inherit the lock held by a thread that does not exist
   there: a waiter that finds the holder gone takes the lock over and repairs what the holder may
   have left half done. The holder is in the word itself, so it is known at every instant. */
static int lock_word;

static int holder_is_gone(int tid) {
  return raw_syscall3(SYS_tgkill, raw_getpid(), tid, 0) == -3 /* ESRCH */;
}

void ljmm_lock(uint64_t *saved_mask) {
  uint64_t all = ~(uint64_t)0;
  raw_sigprocmask(SIG_BLOCK, &all, saved_mask);
  int me = (int)raw_syscall3(SYS_gettid, 0, 0, 0);
  int spins = 0, yields = 0;
  for (;;) {
    int seen = 0;
    if (__atomic_compare_exchange_n(&lock_word, &seen, me, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return;
    if (++spins < 100) {
      __builtin_ia32_pause();
      continue;
    }
    raw_sched_yield(); /* the holder may be descheduled: let it run */
    spins = 0;
    if (++yields % 64 == 0 && seen != 0 && holder_is_gone(seen) &&
        __atomic_compare_exchange_n(&lock_word, &seen, me, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
      ljmm_recover_locked();
      return;
    }
  }
}

void ljmm_unlock(uint64_t saved_mask) {
  __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
  raw_sigprocmask(SIG_SETMASK, &saved_mask, 0);
}
