// SPDX-License-Identifier: GPL-2.0
/* The calls that change a process tree's layout (mmap, mprotect, madvise, mlock, shmat, ...: user
 * space's trace::traced_syscalls), one complete event per call.
 *
 * Entry and exit are paired by thread id in a hash map; the exit emits the event with the
 * arguments, result and duration. The set of traced processes (tgids) lives in the kernel and
 * follows fork, exec and exit, so nothing a child does before user space learns of it is lost.
 * System calls are attached either as BTF-enabled raw tracepoints (tp_btf/sys_enter, sys_exit:
 * no tracefs needed) or as the syscalls:* tracepoints (tracefs); user space picks one set.
 *
 * Processes are named by their pids in the tracer's PID namespace (inside a container /proc shows
 * no host pids, so user space could not translate): the traced set is keyed by them and events
 * carry them, with the host pid beside. */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "mmaptrace.h"
#include "pidns.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by user space before load. */
const volatile bool follow_children = true;
const volatile bool capture_stack = false;
const volatile bool failed_only = false;
const volatile bool frame_files = false;         /* stack frames' files named in the kernel (bpf_find_vma) */
const volatile bool find_vma_available = false; /* the kernel has bpf_find_vma (5.17) */
const volatile unsigned long long ring_bytes = 0; /* the size user space gave the ring */
/* The traced calls, one bit per number (--calls), and the x86-64 call each traced i386 one does
 * (-1: not traced). */
const volatile unsigned long long traced_x64[MMT_SYSCALL_WORDS] = {};
const volatile unsigned long long traced_ia32[MMT_SYSCALL_WORDS] = {};
const volatile short ia32_does[MMT_SYSCALL_LIMIT] = {};

/* The tables below are sized by user space before load, from trace::Options (--max-processes,
 * --max-threads, --ring-size): the sizes written here only hold until then, so the defaults are
 * spelled once, in the options. A ring buffer's size must be a power-of-two number of pages. */
#define SIZED_BEFORE_LOAD 1
#define RING_SIZED_BEFORE_LOAD 4096

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, SIZED_BEFORE_LOAD); /* --max-processes */
  __type(key, u32); /* tgid */
  __type(value, u8);
} traced SEC(".maps");

struct inflight_call {
  u64 start_ns;
  u64 args[6];
  s32 syscall;
  s32 ia32_syscall;
  u32 tgid; /* in the tracer's namespace, looked up at entry */
  u32 tid;
};

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, SIZED_BEFORE_LOAD); /* --max-threads */
  __type(key, u32); /* tid */
  __type(value, struct inflight_call);
} inflight SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, RING_SIZED_BEFORE_LOAD); /* --ring-size */
} events SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, MMT_COUNTER_COUNT);
  __type(key, u32);
  __type(value, u64);
} counters SEC(".maps");

static __always_inline void count(u32 index) {
  u64 *value = bpf_map_lookup_elem(&counters, &index);
  if (value) *value += 1;
}

/* Waking the reader for every event costs more than the event (an interrupt and a reschedule
 * each time): wake it only once the buffer is a quarter full; otherwise it finds the events on
 * its next poll (every 50 ms). With stacks but without frame files, every event wakes it:
 * symbolising then needs the process's maps while the process still exists. */
static __always_inline void submit(void *event) {
  bool wake = (capture_stack && !frame_files) || bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) > ring_bytes / 4;
  bpf_ringbuf_submit(event, wake ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

#include "fallback.bpf.h"
#include "file_path.bpf.h"
#include "user_stack.bpf.h"

static __always_inline bool in_bitmap(const volatile unsigned long long *bits, long nr) {
  if (nr < 0 || nr >= MMT_SYSCALL_LIMIT) return false;
  u32 i = nr & (MMT_SYSCALL_LIMIT - 1); /* the mask: see ia32_equivalent */
  return (bits[i >> 6] >> (i & 63)) & 1;
}

static __always_inline bool wanted_syscall(long nr) { return in_bitmap(traced_x64, nr); }
static __always_inline bool wanted_ia32_syscall(long nr) { return in_bitmap(traced_ia32, nr); }

/* The x86-64 call an i386 one does. */
static __always_inline s32 ia32_equivalent(long nr) {
  if (nr < 0 || nr >= MMT_SYSCALL_LIMIT) return -1;
  /* The mask keeps the bound where clang recomputes the index from a copy the check did not see
   * (6.12's verifier refused the load without it). MMT_SYSCALL_LIMIT is a power of two. */
  return ia32_does[nr & (MMT_SYSCALL_LIMIT - 1)];
}

#define TS_COMPAT 0x0002            /* thread_info.status: a 32-bit call runs (arch/x86/include/asm/thread_info.h) */
#define X32_SYSCALL_BIT 0x40000000 /* in the number of an x32 call */

/* i386 and x86-64 numbers overlap (i386 chdir is x86-64 brk): the number alone says nothing. */
static __always_inline bool in_ia32_syscall(void) {
  struct task_struct *task = bpf_get_current_task_btf();
  return BPF_CORE_READ(task, thread_info.status) & TS_COMPAT;
}

static __always_inline bool is_traced(u32 tgid) { return bpf_map_lookup_elem(&traced, &tgid) != NULL; }

#include "system_wide.bpf.h"

/* The malloc-fallback rule is kept only for who asks: -a counts the fallbacks, and --stack
 * gives them a stack (--stack=all gives every call one). Fixed at load: the rest is dead code. */
static __always_inline bool fallback_rule_used(void) {
  return system_wide || user_stack_mode == MMT_USER_STACK_NEEDED;
}

/* x32 is not traced: an x32 memory call of a traced process is counted as skipped. Returns
 * whether `nr` is an x32 call at all. */
static __always_inline bool skip_x32(long nr) {
  if (!(nr & X32_SYSCALL_BIT)) return false;
  if (wanted_syscall(nr & ~X32_SYSCALL_BIT)) {
    struct ns_ids ids = current_ids();
    if (ids.tgid && wanted_process(ids.tgid)) count(MMT_SKIPPED_X32);
  }
  return true;
}

/* Each thread keeps its entry slot (freed when the thread exits): reusing it costs a lock-free
 * lookup, where an update and a delete per call would take the bucket lock twice. A slot whose
 * syscall is -1 is idle. */
static __always_inline int record_entry(long nr, long ia32_nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5) {
  struct ns_ids ids = current_ids();
  if (!ids.tgid || !wanted_process(ids.tgid)) return 0;
  u32 tid = (u32)bpf_get_current_pid_tgid(); /* the slot is keyed by host tid: unique on the host */
  struct inflight_call *call = bpf_map_lookup_elem(&inflight, &tid);
  if (!call) {
    struct inflight_call idle = {.syscall = -1};
    if (bpf_map_update_elem(&inflight, &tid, &idle, BPF_NOEXIST) != 0 && bpf_map_lookup_elem(&inflight, &tid) == NULL) {
      count(MMT_LOST_INFLIGHT);
      return 0;
    }
    call = bpf_map_lookup_elem(&inflight, &tid);
    if (!call) return 0;
  }
  call->start_ns = bpf_ktime_get_ns();
  call->args[0] = a0;
  call->args[1] = a1;
  call->args[2] = a2;
  call->args[3] = a3;
  call->args[4] = a4;
  call->args[5] = a5;
  call->syscall = (s32)nr;
  call->ia32_syscall = (s32)ia32_nr;
  call->tgid = ids.tgid;
  call->tid = ids.tid;
  return 0;
}

/* --- the file behind each stack frame --- */

struct frame_lookup {
  u64 address;
  struct mmt_frame_file file;
};

static long note_frame_file(struct task_struct *task, struct vm_area_struct *vma, struct frame_lookup *lookup) {
  struct file *file = BPF_CORE_READ(vma, vm_file);
  if (!file) return 0;
  lookup->file.ino = BPF_CORE_READ(file, f_inode, i_ino);
  lookup->file.dev = BPF_CORE_READ(file, f_inode, i_sb, s_dev);
  lookup->file.generation = BPF_CORE_READ(file, f_inode, i_generation);
  lookup->file.offset = (BPF_CORE_READ(vma, vm_pgoff) << 12) + lookup->address - BPF_CORE_READ(vma, vm_start);
  return 0;
}

/* Symbolising reads the process's maps when user space gets the event, and by then a short
 * process may have exited: name each frame's file here, while the mapping exists. */
static __always_inline void find_frame_files(struct mmt_event *event) {
  struct task_struct *task = bpf_get_current_task_btf();
  for (int i = 0; i < MMT_MAX_STACK; i++) {
    if (i >= event->stack_depth) break;
    struct frame_lookup lookup = {.address = event->stack[i]};
    bpf_find_vma(task, lookup.address, note_frame_file, &lookup, 0);
    event->files[i] = lookup.file;
  }
}

struct mapping_lookup {
  u64 size;
  struct mmt_frame_file file;
};

static long note_mapping(struct task_struct *task, struct vm_area_struct *vma, struct mapping_lookup *lookup) {
  lookup->size = BPF_CORE_READ(vma, vm_end) - BPF_CORE_READ(vma, vm_start);
  struct file *file = BPF_CORE_READ(vma, vm_file);
  if (!file) return 0;
  lookup->file.ino = BPF_CORE_READ(file, f_inode, i_ino);
  lookup->file.dev = BPF_CORE_READ(file, f_inode, i_sb, s_dev);
  lookup->file.generation = BPF_CORE_READ(file, f_inode, i_generation);
  lookup->file.offset = BPF_CORE_READ(vma, vm_pgoff) << 12;
  name_file(file, &lookup->file); /* before the event, in the ring's order */
  return 0;
}

/* What a successful file mmap or shmat mapped at its result: the file (so user space tells files
 * apart by inode, whatever became of their names, and has its path sent first), and for shmat the
 * size no argument says. Done before the event is reserved, so the path comes first in the ring. */
static __always_inline void look_up_mapped(struct mapping_lookup *lookup, s32 syscall, const u64 *args,
                                           bool call_failed, long ret) {
  bool file_map = syscall == MMT_MMAP && !(args[3] & 0x20 /* MAP_ANONYMOUS */);
  if (call_failed || !find_vma_available || (!file_map && syscall != MMT_SHMAT)) return;
  bpf_find_vma(bpf_get_current_task_btf(), (u64)ret, note_mapping, lookup, 0);
}

static __always_inline bool failed(s32 syscall, u64 first_argument, long ret) {
  if (syscall == MMT_BRK) return first_argument != 0 && (u64)ret != first_argument;
  return ret < 0 && ret >= -MMT_MAX_ERRNO;
}

static __always_inline int emit_call(void *ctx, struct inflight_call *call, s32 syscall, long ret);

static __always_inline int record_exit(void *ctx, long ret) {
  u64 pid_tgid = bpf_get_current_pid_tgid();
  u32 tid = (u32)pid_tgid;
  struct inflight_call *call = bpf_map_lookup_elem(&inflight, &tid);
  if (!call || call->syscall < 0) return 0;
  s32 syscall = call->syscall;
  call->syscall = -1;
  /* Old mmap's block is read here, not at entry: the kernel has just read it, so its page is in
   * memory (this program may not fault a page in). */
  if (call->ia32_syscall == MMT_IA32_OLD_MMAP) {
    u32 block[6]; /* struct mmap_arg_struct: addr, len, prot, flags, fd, offset */
    if (bpf_probe_read_user(block, sizeof block, (void *)call->args[0]) != 0) {
      count(MMT_LOST_IA32_ARGS);
      return 0;
    }
    for (int i = 0; i < 6; i++) call->args[i] = block[i];
  }
  return emit_call(ctx, call, syscall, ret);
}

/* The event of a completed call, from its entry record (fexit programs make one on their stack).
 * System-wide, the call is counted for its process first; with -q that is all. */
static __always_inline int emit_call(void *ctx, struct inflight_call *call, s32 syscall, long ret) {
  u64 pid_tgid = bpf_get_current_pid_tgid();
  bool call_failed = failed(syscall, call->args[0], ret);
  /* Every call of the thread, shown or not: the rule is about its very next call. */
  enum fallback_step fallback = fallback_rule_used() ? fallback_step(syscall, call->args, call_failed) : FALLBACK_NONE;
  if (system_wide) {
    account(call->tgid, syscall, call->args, call_failed, fallback);
    if (aggregate_only) return 0;
  }
  if (failed_only && !call_failed) return 0;
  struct mapping_lookup mapped = {};
  look_up_mapped(&mapped, syscall, call->args, call_failed, ret);
  /* Two constant sizes, one per setting of capture_stack (fixed at load): a stack costs 512 bytes.
   * An event with a copy of the user stack is built in its CPU's record and sent at the end. */
  struct mmt_stack_record *record =
      user_stack_wanted(syscall, fallback, call_failed, ret) ? claim_stack_record() : NULL;
  struct mmt_event *event = record          ? &record->event
                            : capture_stack ? bpf_ringbuf_reserve(&events, sizeof *event, 0)
                                            : bpf_ringbuf_reserve(&events, MMT_EVENT_BASE_SIZE, 0);
  if (!event) {
    count(MMT_LOST_RINGBUF);
    return 0;
  }
  u64 now = bpf_ktime_get_ns();
  event->ts_ns = now;
  event->duration_ns = call->start_ns ? now - call->start_ns : 0; /* 0: the start is unknown */
  for (int i = 0; i < 6; i++) event->args[i] = call->args[i];
  event->ret = ret;
  event->pid = call->tgid;
  event->tid = call->tid;
  event->host_pid = pid_tgid >> 32;
  event->ppid = 0;
  event->kind = MMT_SYSCALL;
  event->syscall = syscall;
  event->ia32_syscall = call->ia32_syscall;
  event->stack_depth = 0;
  bool maps = syscall == MMT_MMAP || syscall == MMT_MREMAP;
  event->caller = maps && !call_failed ? return_address(call->ia32_syscall != 0) : 0;
  struct task_struct *task = bpf_get_current_task_btf();
  event->map_count = BPF_CORE_READ(task, mm, map_count);
  event->shm_size = syscall == MMT_SHMAT ? mapped.size : 0;
  event->mapped_file = mapped.file;
  bpf_get_current_comm(event->comm, sizeof event->comm);
  if (capture_stack) {
    long bytes = bpf_get_stack(ctx, event->stack, sizeof event->stack, BPF_F_USER_STACK);
    event->stack_depth = bytes > 0 ? bytes / sizeof(u64) : 0;
    __builtin_memset(event->files, 0, sizeof event->files);
    if (frame_files) find_frame_files(event);
  }
  if (record)
    submit_with_user_stack(record);
  else
    submit(event);
  return 0;
}

/* --- system calls as BTF-enabled raw tracepoints: no tracefs needed --- */

/* regs is a BTF-typed pointer here: direct loads, no bpf_probe_read_kernel() per argument. */
SEC("tp_btf/sys_enter")
int BPF_PROG(raw_sys_enter, struct pt_regs *regs, long id) {
  /* Every system call of every process comes here: most leave after these comparisons. */
  bool native = wanted_syscall(id), ia32 = wanted_ia32_syscall(id);
  if (!native && !ia32) {
    skip_x32(id);
    return 0;
  }
  if (in_ia32_syscall()) {
    if (!ia32) return 0;
    return record_entry(ia32_equivalent(id), id, (u32)regs->bx, (u32)regs->cx, (u32)regs->dx, (u32)regs->si,
                        (u32)regs->di, (u32)regs->bp);
  }
  if (!native) return 0;
  return record_entry(id, 0, regs->di, regs->si, regs->dx, regs->r10, regs->r8, regs->r9);
}

/* The same early filter: orig_ax still holds the call's number. */
SEC("tp_btf/sys_exit")
int BPF_PROG(raw_sys_exit, struct pt_regs *regs, long ret) {
  long nr = regs->orig_ax;
  if (!wanted_syscall(nr) && !wanted_ia32_syscall(nr)) return 0;
  return record_exit(ctx, ret);
}

/* The exits of the tracepoint method. Its entries are the syscalls:sys_enter_* tracepoints
 * below, which run only on the four calls; they skip every 32-bit call, so those are taken whole
 * here, at their exit, where the registers still hold the arguments (their duration is not
 * measured: 0). A program on every call's exit is needed for them anyway, so it takes the
 * x86-64 exits too: with the syscalls:sys_exit_* tracepoints as well, every call of the host ran
 * two probes on that tracepoint and cost other processes a third more (docs/performance.md). */
SEC("tp_btf/sys_exit")
int BPF_PROG(tracepoint_sys_exit, struct pt_regs *regs, long ret) {
  long nr = regs->orig_ax;
  bool native = wanted_syscall(nr), ia32 = wanted_ia32_syscall(nr);
  if (!native && !ia32) {
    skip_x32(nr); /* the syscalls tracepoints skip x32 calls too */
    return 0;
  }
  if (!in_ia32_syscall()) return native ? record_exit(ctx, ret) : 0;
  if (!ia32) return 0;
  record_entry(ia32_equivalent(nr), nr, (u32)regs->bx, (u32)regs->cx, (u32)regs->dx, (u32)regs->si, (u32)regs->di,
               (u32)regs->bp);
  return record_exit(ctx, ret);
}

/* --- the entries through the syscalls:sys_enter_* tracepoints (syscall_tracepoints.bpf.h) --- */

#include "syscall_tracepoints.bpf.h"


/* --- the same through fexit programs on the system calls' entry points (fexit.bpf.h) --- */

#include "fexit.bpf.h"

/* --- the process tree: fork, exec and exit (process_tree.bpf.h) --- */

#include "process_tree.bpf.h"
