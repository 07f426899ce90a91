/* SPDX-License-Identifier: GPL-2.0 */
/* The traced calls seen by fexit programs on the kernel's system call entry points, one program
 * per call: it runs when the call returns, with the user registers the call was made with (the
 * entry point's one argument) and its result, so no entry record is kept between the two. Only
 * the traced calls run these programs: the rest of the host pays nothing, where the raw sys_enter
 * and sys_exit programs run on every system call of every process.
 *
 * Included by mmaptrace.bpf.c, whose helpers it uses. The entry points are x86-64's wrappers
 * (__x64_sys_*, also called by x32 calls, which are counted and skipped) and i386's
 * (__ia32_sys_*, __ia32_compat_sys_*: i386 programs and int $0x80 from 64-bit ones). Their
 * names are those of arch/x86/entry/syscalls/syscall_{32,64}.tbl; user space probes each one
 * before choosing fexit (trace/bpf_fexit_probe.cpp).
 *
 * Duration: an fentry program on the same entry point notes when each traced call starts, in the
 * calling thread's own storage (task storage: no table to size or fill, freed with the thread);
 * the fexit program reads it and clears it. A call whose start was not noted (one already running
 * when the programs were attached) has duration 0. */
#ifndef LJMM_FEXIT_BPF_H
#define LJMM_FEXIT_BPF_H

struct {
  __uint(type, BPF_MAP_TYPE_TASK_STORAGE);
  __uint(map_flags, BPF_F_NO_PREALLOC); /* the kernel requires it of task storage */
  __type(key, int);
  __type(value, u64); /* bpf_ktime_get_ns() at entry; 0 once the exit has used it */
} call_start SEC(".maps");

/* The same early filter as the exit's: other processes' calls store nothing. */
static __always_inline int fentry_call(void) {
  struct ns_ids ids = current_ids();
  if (!ids.tgid || !wanted_process(ids.tgid)) return 0;
  u64 *start = bpf_task_storage_get(&call_start, bpf_get_current_task_btf(), 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
  if (start) *start = bpf_ktime_get_ns();
  return 0;
}

/* When the current call started, or 0 if its start was not noted. */
static __always_inline u64 call_started(void) {
  u64 *start = bpf_task_storage_get(&call_start, bpf_get_current_task_btf(), 0, 0);
  if (!start) return 0;
  u64 started = *start;
  *start = 0;
  return started;
}

static __always_inline int fexit_call(void *ctx, s32 syscall, s32 ia32_nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4,
                                      u64 a5, long ret) {
  struct ns_ids ids = current_ids();
  if (!ids.tgid || !wanted_process(ids.tgid)) return 0;
  struct inflight_call call = {
      .start_ns = call_started(),
      .args = {a0, a1, a2, a3, a4, a5},
      .syscall = syscall,
      .ia32_syscall = ia32_nr,
      .tgid = ids.tgid,
      .tid = ids.tid,
  };
  /* Old mmap's block: the kernel has just read it, so its page is in memory. */
  if (ia32_nr == MMT_IA32_OLD_MMAP) {
    u32 block[6]; /* struct mmap_arg_struct: addr, len, prot, flags, fd, offset */
    if (bpf_probe_read_user(block, sizeof block, (void *)a0) != 0) {
      count(MMT_LOST_IA32_ARGS);
      return 0;
    }
    for (int i = 0; i < 6; i++) call.args[i] = block[i];
  }
  return emit_call(ctx, &call, syscall, ret);
}

static __always_inline int fexit_ia32(void *ctx, const struct pt_regs *regs, s32 ia32_nr, long ret);

/* x32 calls come through the x86-64 entry points with their own numbers, marked. A call without
 * arguments has one entry point for both ABIs (SYSCALL_DEFINE0 makes __ia32_sys_X an alias of
 * __x64_sys_X): an i386 one is told by the thread's state, and taken as such. */
static __always_inline int fexit_x64(void *ctx, const struct pt_regs *regs, s32 syscall, long ret) {
  if (in_ia32_syscall()) return wanted_ia32_syscall(regs->orig_ax) ? fexit_ia32(ctx, regs, regs->orig_ax, ret) : 0;
  if (skip_x32(regs->orig_ax)) return 0;
  return fexit_call(ctx, syscall, 0, regs->di, regs->si, regs->dx, regs->r10, regs->r8, regs->r9, ret);
}

static __always_inline int fexit_ia32(void *ctx, const struct pt_regs *regs, s32 ia32_nr, long ret) {
  return fexit_call(ctx, ia32_equivalent(ia32_nr), ia32_nr, (u32)regs->bx, (u32)regs->cx, (u32)regs->dx,
                    (u32)regs->si, (u32)regs->di, (u32)regs->bp, ret);
}

/* x32 calls are not traced: their start is not noted either. */
static __always_inline int fentry_x64(const struct pt_regs *regs) {
  if (regs->orig_ax & X32_SYSCALL_BIT) return 0;
  return fentry_call();
}

/* One fentry and one fexit program per entry point, named after the call. */
#define FEXIT_X64(call, nr)                                                            \
  SEC("fentry/__x64_sys_" #call)                                                       \
  int BPF_PROG(fentry_##call, const struct pt_regs *regs) { return fentry_x64(regs); } \
  SEC("fexit/__x64_sys_" #call)                                                        \
  int BPF_PROG(fexit_##call, const struct pt_regs *regs, long ret) { return fexit_x64(ctx, regs, nr, ret); }

#define FEXIT_IA32(name, function, nr)                                              \
  SEC("fentry/" #function)                                                          \
  int BPF_PROG(fentry_##name, const struct pt_regs *regs) { return fentry_call(); } \
  SEC("fexit/" #function)                                                           \
  int BPF_PROG(fexit_##name, const struct pt_regs *regs, long ret) { return fexit_ia32(ctx, regs, nr, ret); }

FEXIT_X64(mmap, MMT_MMAP)
FEXIT_X64(munmap, MMT_MUNMAP)
FEXIT_X64(mremap, MMT_MREMAP)
FEXIT_X64(brk, MMT_BRK)
FEXIT_X64(mprotect, MMT_MPROTECT)
FEXIT_X64(pkey_mprotect, MMT_PKEY_MPROTECT)
FEXIT_X64(madvise, MMT_MADVISE)
FEXIT_X64(process_madvise, MMT_PROCESS_MADVISE)
FEXIT_X64(mlock, MMT_MLOCK)
FEXIT_X64(mlock2, MMT_MLOCK2)
FEXIT_X64(munlock, MMT_MUNLOCK)
FEXIT_X64(mlockall, MMT_MLOCKALL)
FEXIT_X64(munlockall, MMT_MUNLOCKALL)
FEXIT_X64(mseal, MMT_MSEAL)
FEXIT_X64(shmat, MMT_SHMAT)
FEXIT_X64(shmdt, MMT_SHMDT)
FEXIT_X64(remap_file_pages, MMT_REMAP_FILE_PAGES)
FEXIT_X64(mbind, MMT_MBIND)
/* The i386 calls, by their entry points' names in syscall_32.tbl and their i386 numbers
 * (trace::ia32_syscalls); a program's name says its call, for user space. */
FEXIT_IA32(ia32_mmap2, __ia32_sys_mmap_pgoff, MMT_IA32_MMAP2)
FEXIT_IA32(ia32_mmap, __ia32_compat_sys_ia32_mmap, MMT_IA32_OLD_MMAP)
FEXIT_IA32(ia32_munmap, __ia32_sys_munmap, 91)
FEXIT_IA32(ia32_mremap, __ia32_sys_mremap, 163)
FEXIT_IA32(ia32_brk, __ia32_sys_brk, 45)
FEXIT_IA32(ia32_mprotect, __ia32_sys_mprotect, 125)
FEXIT_IA32(ia32_pkey_mprotect, __ia32_sys_pkey_mprotect, 380)
FEXIT_IA32(ia32_madvise, __ia32_sys_madvise, 219)
FEXIT_IA32(ia32_process_madvise, __ia32_sys_process_madvise, 440)
FEXIT_IA32(ia32_mlock, __ia32_sys_mlock, 150)
FEXIT_IA32(ia32_mlock2, __ia32_sys_mlock2, 376)
FEXIT_IA32(ia32_munlock, __ia32_sys_munlock, 151)
FEXIT_IA32(ia32_mlockall, __ia32_sys_mlockall, 152)
/* munlockall takes no argument: its i386 entry point is the x86-64 one's alias (above). */
FEXIT_IA32(ia32_mseal, __ia32_sys_mseal, 462)
FEXIT_IA32(ia32_shmat, __ia32_compat_sys_shmat, 397)
FEXIT_IA32(ia32_shmdt, __ia32_sys_shmdt, 398)
FEXIT_IA32(ia32_remap_file_pages, __ia32_sys_remap_file_pages, 257)
FEXIT_IA32(ia32_mbind, __ia32_sys_mbind, 274)

#endif
