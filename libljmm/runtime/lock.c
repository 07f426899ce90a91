#include <signal.h>

#include "internal.h"
#include "raw.h"

static int lock_word;

void ljmm_lock(uint64_t *saved_mask) {
  uint64_t all = ~(uint64_t)0;
  raw_sigprocmask(SIG_BLOCK, &all, saved_mask);
  int spins = 0;
  while (__atomic_exchange_n(&lock_word, 1, __ATOMIC_ACQUIRE)) {
    if (++spins < 100) {
      __builtin_ia32_pause();
    } else {
      raw_sched_yield(); /* the holder may be descheduled: let it run */
      spins = 0;
    }
  }
}

void ljmm_unlock(uint64_t saved_mask) {
  __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
  raw_sigprocmask(SIG_SETMASK, &saved_mask, 0);
}
