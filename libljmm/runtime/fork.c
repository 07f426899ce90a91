/* fork. A child has one thread: a lock another thread held at the fork would never be released
 * there, and the child would spin for ever with every signal blocked. So the fork handlers take
 * the lock before the fork (no thread is then inside the runtime, and the table, the gap cache
 * and the window are whole) and release it on both sides afterwards.
 *
 * The counters page is shared memory: the child gets a fresh page of its own, so its calls do not
 * count in the parent's page, and `ljmm-inspect CHILD` shows the child's counters only. The
 * ownership table and the reservation are private mappings: the child has its own copies. */
#include <pthread.h>

#include "internal.h"

static uint64_t mask_at_fork;

static void before_fork(void) { ljmm_lock(&mask_at_fork); }

static void in_parent(void) { ljmm_unlock(mask_at_fork); }

static void in_child(void) {
  ljmm_stats_new_page();
  ljmm_unlock(mask_at_fork);
}

void ljmm_fork_setup(void) {
  /* Registered from the start-up constructor, never from a placement: it may allocate. */
  pthread_atfork(before_fork, in_parent, in_child);
}
