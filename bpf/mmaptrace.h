/* The one event that mmaptrace.bpf.c sends to user space through its ring buffer, shared by
 * both sides. Plain fixed-size C so the kernel and user space agree on its layout. */
#ifndef LJMM_MMAPTRACE_H
#define LJMM_MMAPTRACE_H

#define MMT_COMM_LEN 16
#define MMT_MAX_STACK 16

/* What happened. */
enum mmt_kind {
  MMT_SYSCALL = 1, /* one of the traced system calls completed */
  MMT_FORK = 2,    /* a traced process forked: pid is the child, ppid the parent */
  MMT_EXEC = 3,    /* a traced process executed a new program: comm is the new one */
  MMT_EXIT = 4,    /* a traced process exited (its last thread) */
};

/* x86-64 system call numbers of the traced calls. */
enum mmt_syscall { MMT_MMAP = 9, MMT_MUNMAP = 11, MMT_BRK = 12, MMT_MREMAP = 25 };

/* The file a stack frame's code is mapped from, looked up in the kernel at the call
 * (bpf_find_vma), so the frame can be named after its process has exited or exec'd.
 * ino 0: not known (anonymous code, a kernel without bpf_find_vma, or mmap_lock busy). */
struct mmt_frame_file {
  unsigned long long offset; /* offset of the address in the file */
  unsigned long long ino;
  unsigned int dev; /* the kernel's dev_t: major << 20 | minor */
  unsigned int unused;
};

/* Without --stack only the part before `stack` is sent (MMT_EVENT_BASE_SIZE bytes). */
struct mmt_event {
  unsigned long long ts_ns;       /* bpf_ktime_get_ns() at completion */
  unsigned long long duration_ns; /* entry to exit */
  unsigned long long args[6];
  long long ret;
  unsigned int pid; /* tgid, in the tracer's PID namespace */
  unsigned int tid; /* in the tracer's PID namespace */
  unsigned int host_pid; /* tgid in the initial PID namespace */
  unsigned int unused;
  unsigned int ppid; /* for MMT_FORK */
  unsigned int kind;
  int syscall;
  unsigned int stack_depth;
  char comm[MMT_COMM_LEN];
  unsigned long long stack[MMT_MAX_STACK];    /* user stack with --stack, innermost first */
  struct mmt_frame_file files[MMT_MAX_STACK]; /* where each frame's code comes from */
};

#define MMT_EVENT_BASE_SIZE __builtin_offsetof(struct mmt_event, stack)

/* Indexes of the per-CPU counters array ("counters" map). */
enum mmt_counter {
  MMT_LOST_RINGBUF = 0,  /* the ring buffer was full: event dropped */
  MMT_LOST_INFLIGHT = 1, /* the entry table was full: the call could not be paired */
  MMT_COUNTER_COUNT = 2,
};

#endif
