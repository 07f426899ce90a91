/* SPDX-License-Identifier: GPL-2.0 */
/* glibc's malloc fallback in the kernel, for mmaptrace.bpf.c: -a's per-process counts
 * (system_wide.bpf.h) and the calls that carry a stack (user_stack.bpf.h) both take it from
 * fallback_step(), called once per traced call at its exit. The rule is user space's, written
 * once in libljmm/src/trace/session/fallback.hpp: a failed brk, then that thread's very next
 * traced call is mmap(NULL, size, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) and
 * succeeds; any other next call ends the wait. Its constants are MMT_MORECORE_* (mmaptrace.h,
 * tied to user space's by static_assert). Included by mmaptrace.bpf.c before both users. */
#ifndef LJMM_FALLBACK_BPF_H
#define LJMM_FALLBACK_BPF_H

/* Threads whose last traced call was a failed brk, by host tid (unique on the host). A call
 * costs one lookup; only a failed brk, and the call after one, write. A thread's mark goes when
 * the thread exits or execs; LRU, so even a mark nothing removed cannot fill the map. */
struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 16384);
  __type(key, u32);
  __type(value, u8);
} fallback_waiting SEC(".maps");

/* What a call is for the rule (user space: detail::FallbackStep). */
enum fallback_step { FALLBACK_NONE = 0, FALLBACK_FAILED_BRK = 1, FALLBACK_MMAP = 2 };

static __always_inline bool looks_like_morecore(const u64 *args) {
  return args[0] == 0 && (args[2] & MMT_MORECORE_PROT) == MMT_MORECORE_PROT && args[3] == MMT_MORECORE_FLAGS;
}

/* Marks the thread on a failed brk; on any other call, tests the mark and clears it. */
static __always_inline enum fallback_step fallback_step(s32 syscall, const u64 *args, bool call_failed) {
  u32 tid = (u32)bpf_get_current_pid_tgid();
  bool waiting = bpf_map_lookup_elem(&fallback_waiting, &tid) != NULL;
  if (syscall == MMT_BRK && call_failed) {
    u8 yes = 1;
    if (!waiting) bpf_map_update_elem(&fallback_waiting, &tid, &yes, BPF_ANY);
    return FALLBACK_FAILED_BRK;
  }
  if (!waiting) return FALLBACK_NONE;
  bpf_map_delete_elem(&fallback_waiting, &tid);
  return syscall == MMT_MMAP && !call_failed && looks_like_morecore(args) ? FALLBACK_MMAP : FALLBACK_NONE;
}

/* The thread exits, or execs a new program: what it waited for is gone. */
static __always_inline void fallback_forget(u32 host_tid) { bpf_map_delete_elem(&fallback_waiting, &host_tid); }

#endif
