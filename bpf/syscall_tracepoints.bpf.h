/* SPDX-License-Identifier: GPL-2.0 */
/* The entries of the tracepoint method: one program per traced call on its syscalls:sys_enter_*
 * tracepoint (tracefs), which records exactly that call's arguments; the kernel refuses a
 * program that reads past them, and the record's call number is an int followed by padding the
 * kernel does not clear, so each program passes the number of the call it is attached to.
 * Included by mmaptrace.bpf.c, whose record_entry() they call. */
#ifndef LJMM_SYSCALL_TRACEPOINTS_BPF_H
#define LJMM_SYSCALL_TRACEPOINTS_BPF_H

#define TP_ARGS0 0, 0, 0, 0, 0, 0
#define TP_ARGS1 ctx->args[0], 0, 0, 0, 0, 0
#define TP_ARGS2 ctx->args[0], ctx->args[1], 0, 0, 0, 0
#define TP_ARGS3 ctx->args[0], ctx->args[1], ctx->args[2], 0, 0, 0
#define TP_ARGS4 ctx->args[0], ctx->args[1], ctx->args[2], ctx->args[3], 0, 0
#define TP_ARGS5 ctx->args[0], ctx->args[1], ctx->args[2], ctx->args[3], ctx->args[4], 0
#define TP_ARGS6 ctx->args[0], ctx->args[1], ctx->args[2], ctx->args[3], ctx->args[4], ctx->args[5]

/* One entry program per call, named after it (user space loads those of the traced calls whose
 * tracepoint this kernel has); `arguments` is how many the call takes (trace::traced_syscalls). */
#define TP_ENTER(call, nr, arguments)                          \
  SEC("tracepoint/syscalls/sys_enter_" #call)                  \
  int tp_enter_##call(struct trace_event_raw_sys_enter *ctx) { \
    return record_entry(nr, 0, TP_ARGS##arguments);            \
  }

TP_ENTER(mmap, MMT_MMAP, 6)
TP_ENTER(munmap, MMT_MUNMAP, 2)
TP_ENTER(mremap, MMT_MREMAP, 5)
TP_ENTER(brk, MMT_BRK, 1)
TP_ENTER(mprotect, MMT_MPROTECT, 3)
TP_ENTER(pkey_mprotect, MMT_PKEY_MPROTECT, 4)
TP_ENTER(madvise, MMT_MADVISE, 3)
TP_ENTER(process_madvise, MMT_PROCESS_MADVISE, 5)
TP_ENTER(mlock, MMT_MLOCK, 2)
TP_ENTER(mlock2, MMT_MLOCK2, 3)
TP_ENTER(munlock, MMT_MUNLOCK, 2)
TP_ENTER(mlockall, MMT_MLOCKALL, 1)
TP_ENTER(munlockall, MMT_MUNLOCKALL, 0)
TP_ENTER(mseal, MMT_MSEAL, 3)
TP_ENTER(shmat, MMT_SHMAT, 3)
TP_ENTER(shmdt, MMT_SHMDT, 1)
TP_ENTER(remap_file_pages, MMT_REMAP_FILE_PAGES, 5)
TP_ENTER(mbind, MMT_MBIND, 6)

#endif
