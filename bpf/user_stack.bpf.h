/* The registers at a call and a copy of the top of the user stack, for user space to unwind with
 * the binaries' CFI (libdw), as perf's --call-graph=dwarf does: code built without frame pointers
 * (most of Debian's libraries) cannot be walked in the kernel. Included by mmaptrace.bpf.c.
 *
 * Copying several KiB costs far more than the call itself, so by default only the calls the
 * summary's story needs carry a stack: a failed brk, glibc's fallback mmap after it (the rule
 * of fallback.bpf.h), and a mapping placed at or just above the break (a blocker). */
#ifndef LJMM_USER_STACK_BPF_H
#define LJMM_USER_STACK_BPF_H

#ifndef barrier_var
#define barrier_var(var) asm volatile("" : "+r"(var))
#endif

/* Set by user space before load. */
const volatile unsigned int user_stack_mode = MMT_USER_STACK_OFF;
const volatile unsigned int user_stack_bytes = 0; /* --stack-size, at most MMT_USER_STACK_MAX */
const volatile unsigned long long near_break_bytes = 1ULL << 30; /* trace/session/fallback.hpp sets it */

struct mmt_stack_record {
  struct mmt_event event;
  struct mmt_user_stack user;
  unsigned char slack[4096]; /* lets the verifier see that a page read at any masked offset fits */
};

/* One record per CPU (user space sets max_entries to the number of CPUs): a record is too large
 * for the BPF stack and for a per-CPU array's value. Syscall-exit programs do not nest on a CPU. */
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, u32);
  __type(value, struct mmt_stack_record);
} stack_records SEC(".maps");

/* Whether this call's event carries a user stack. Called once per traced call at its exit;
 * `fallback` is what fallback_step() said of it (fallback.bpf.h). */
static __always_inline bool user_stack_wanted(s32 syscall, enum fallback_step fallback, bool call_failed, long ret) {
  if (user_stack_mode == MMT_USER_STACK_OFF) return false;
  if (user_stack_mode == MMT_USER_STACK_ALL) return true;
  if (fallback != FALLBACK_NONE) return true; /* a failed brk, or glibc's fallback mmap after it */
  if (syscall != MMT_MMAP && syscall != MMT_MREMAP) return false;
  if (call_failed) return false;
  struct task_struct *task = bpf_get_current_task_btf();
  u64 brk = BPF_CORE_READ(task, mm, brk);
  return brk != 0 && (u64)ret >= brk && (u64)ret - brk < near_break_bytes;
}

/* The word on top of the user stack at the call: the return address into whoever called the
 * libc wrapper (a leaf, so it pushed nothing). 4 bytes for a 32-bit call. 0 when unreadable. */
static __always_inline u64 return_address(bool ia32) {
  struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
  u64 sp = regs->sp, address = 0; /* a BTF pointer: a direct load */
  if (ia32) {
    u32 short_address = 0;
    bpf_probe_read_user(&short_address, sizeof short_address, (void *)sp);
    return short_address;
  }
  bpf_probe_read_user(&address, sizeof address, (void *)sp);
  return address;
}

static __always_inline struct mmt_stack_record *claim_stack_record(void) {
  u32 cpu = bpf_get_smp_processor_id();
  return bpf_map_lookup_elem(&stack_records, &cpu);
}

static long note_stack_end(struct task_struct *task, struct vm_area_struct *vma, u64 *end) {
  *end = BPF_CORE_READ(vma, vm_end);
  return 0;
}

/* The syscall-exit programs' own registers are the kernel's: the user registers are those the
 * entry saved, found through the task. */
static __always_inline void copy_user_stack(struct mmt_user_stack *user) {
  struct task_struct *task = bpf_get_current_task_btf();
  struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
  user->regs[0] = BPF_CORE_READ(regs, ax);
  user->regs[1] = BPF_CORE_READ(regs, dx);
  user->regs[2] = BPF_CORE_READ(regs, cx);
  user->regs[3] = BPF_CORE_READ(regs, bx);
  user->regs[4] = BPF_CORE_READ(regs, si);
  user->regs[5] = BPF_CORE_READ(regs, di);
  user->regs[6] = BPF_CORE_READ(regs, bp);
  user->regs[7] = BPF_CORE_READ(regs, sp);
  user->regs[8] = BPF_CORE_READ(regs, r8);
  user->regs[9] = BPF_CORE_READ(regs, r9);
  user->regs[10] = BPF_CORE_READ(regs, r10);
  user->regs[11] = BPF_CORE_READ(regs, r11);
  user->regs[12] = BPF_CORE_READ(regs, r12);
  user->regs[13] = BPF_CORE_READ(regs, r13);
  user->regs[14] = BPF_CORE_READ(regs, r14);
  user->regs[15] = BPF_CORE_READ(regs, r15);
  user->regs[16] = BPF_CORE_READ(regs, ip);
  u64 sp = user->regs[7];
  /* Read no further than the stack's mapping: a read past its end fails whole. */
  u64 end = 0;
  u32 size = user_stack_bytes;
  user->clamped = 0;
  if (find_vma_available && bpf_find_vma(task, sp, note_stack_end, &end, 0) == 0 && end > sp && end - sp <= size) {
    size = end - sp;
    user->clamped = 1;
  }
  if (size > MMT_USER_STACK_MAX) size = MMT_USER_STACK_MAX;
  /* Page by page: a read fails whole on a page that is not present, and the main thread's stack
   * has one above main's frames when exec's random gap spans a page. What lies beyond it is
   * argv and the environment, not frames. */
  u32 copied = 0;
  for (int i = 0; i < MMT_USER_STACK_MAX / 4096 + 1; i++) {
    if (copied >= size || copied > MMT_USER_STACK_MAX - 4096) break;
    u64 at = sp + copied;
    u32 chunk = 4096 - (at & 4095);
    if (chunk > size - copied) chunk = size - copied;
    /* The compiler folds these checks into the loop's: hide the values from it so the verifier
     * sees the bounds at the call. */
    u64 offset = copied, length = chunk;
    barrier_var(offset);
    barrier_var(length);
    offset &= MMT_USER_STACK_MAX - 1;
    if (length == 0 || length > 4096) break;
    if (bpf_probe_read_user(user->bytes + offset, length, (void *)at) != 0) break;
    copied += chunk;
  }
  if (copied == 0) count(MMT_LOST_USER_STACK);
  user->size = copied;
}

/* Sends the event with its stack: only the bytes copied go into the ring. User space needs the
 * process's maps to unwind, so it is woken at once. */
static __always_inline void submit_with_user_stack(struct mmt_stack_record *record) {
  copy_user_stack(&record->user);
  u64 size = sizeof(struct mmt_event) + MMT_USER_STACK_HEADER + record->user.size;
  barrier_var(size);
  if (size > sizeof(struct mmt_event) + sizeof(struct mmt_user_stack)) return; /* cannot happen */
  if (bpf_ringbuf_output(&events, record, size, BPF_RB_FORCE_WAKEUP) != 0)
    count(MMT_LOST_RINGBUF);
}

#endif
