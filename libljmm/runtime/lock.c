#include <signal.h>

#include "internal.h"
#include "raw.h"

#ifndef SYS_gettid
#define SYS_gettid 186
#endif
#ifndef SYS_tgkill
#define SYS_tgkill 234
#endif

static int lock_word;
/* The thread holding the lock (0 while it is being taken or given back). A process forked
   without the fork handlers (a raw fork or clone system call) can inherit the lock held by a
   thread that does not exist there: a waiter that finds the holder gone takes the lock over and
   repairs what the holder may have left half done. */
static long holder;

static long current_tid(void) { return raw_syscall3(SYS_gettid, 0, 0, 0); }

static int holder_is_gone(long tid) {
  return tid != 0 && raw_syscall3(SYS_tgkill, raw_getpid(), tid, 0) == -3 /* ESRCH */;
}

void ljmm_lock(uint64_t *saved_mask) {
  uint64_t all = ~(uint64_t)0;
  raw_sigprocmask(SIG_BLOCK, &all, saved_mask);
  long me = current_tid();
  int spins = 0, yields = 0;
  while (__atomic_exchange_n(&lock_word, 1, __ATOMIC_ACQUIRE)) {
    if (++spins < 100) {
      __builtin_ia32_pause();
      continue;
    }
    raw_sched_yield(); /* the holder may be descheduled: let it run */
    spins = 0;
    long seen = __atomic_load_n(&holder, __ATOMIC_ACQUIRE);
    if (++yields % 64 == 0 && holder_is_gone(seen) &&
        __atomic_compare_exchange_n(&holder, &seen, me, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
      ljmm_recover_locked();
      return;
    }
  }
  __atomic_store_n(&holder, me, __ATOMIC_RELEASE);
}

void ljmm_unlock(uint64_t saved_mask) {
  __atomic_store_n(&holder, 0, __ATOMIC_RELEASE);
  __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
  raw_sigprocmask(SIG_SETMASK, &saved_mask, 0);
}
