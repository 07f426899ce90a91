/* The one event that mmaptrace.bpf.c sends to user space through its ring buffer, shared by
 * both sides. Plain fixed-size C so the kernel and user space agree on its layout. */
#ifndef LJMM_MMAPTRACE_H
#define LJMM_MMAPTRACE_H

#define MMT_COMM_LEN 16
#define MMT_MAX_STACK 16

/* What happened. Every record in the ring buffer begins with its kind. */
enum mmt_kind {
  MMT_SYSCALL = 1, /* one of the traced system calls completed */
  MMT_FORK = 2,    /* a traced process forked: pid is the child, ppid the parent */
  MMT_EXEC = 3,    /* a traced process executed a new program: comm is the new one */
  MMT_EXIT = 4,    /* a traced process exited (its last thread) */
  MMT_FILE_PATH = 5, /* a struct mmt_file_path: the names of a file mapped for the first time */
};

/* x86-64 numbers of the traced calls (user space: trace::Syscall, tied by static_assert). */
enum mmt_syscall {
  MMT_MMAP = 9,
  MMT_MPROTECT = 10,
  MMT_MUNMAP = 11,
  MMT_BRK = 12,
  MMT_MREMAP = 25,
  MMT_MADVISE = 28,
  MMT_SHMAT = 30,
  MMT_SHMDT = 67,
  MMT_MLOCK = 149,
  MMT_MUNLOCK = 150,
  MMT_MLOCKALL = 151,
  MMT_MUNLOCKALL = 152,
  MMT_REMAP_FILE_PAGES = 216,
  MMT_MBIND = 237,
  MMT_MLOCK2 = 325,
  MMT_PKEY_MPROTECT = 329,
  MMT_PROCESS_MADVISE = 440,
  MMT_MSEAL = 462,
};

/* Which calls are traced is user space's to say (trace::traced_syscalls and --calls): it sets
 * one bit per call number in these bitmaps before load, and the programs test them. */
#define MMT_SYSCALL_LIMIT 512 /* numbers below this; every traced call's is */
#define MMT_SYSCALL_WORDS (MMT_SYSCALL_LIMIT / 64)

/* i386 numbers the programs handle themselves: old mmap's argument block, and mmap2's event
 * name. Every other i386 call is mapped to the x86-64 call it does by a table user space fills
 * from trace::ia32_syscalls. */
enum mmt_ia32_syscall {
  MMT_IA32_OLD_MMAP = 90,
  MMT_IA32_MMAP2 = 192,
};

/* The file a stack frame's code is mapped from, looked up in the kernel at the call
 * (bpf_find_vma), so the frame can be named after its process has exited or exec'd.
 * ino 0: not known (anonymous code, a kernel without bpf_find_vma, or mmap_lock busy). */
struct mmt_frame_file {
  unsigned long long offset; /* offset of the address in the file */
  unsigned long long ino;
  unsigned int dev; /* the kernel's dev_t: major << 20 | minor */
  /* The inode's i_generation: files on one device can share an inode number (a SysV segment's
   * is its shm id, which a memfd's, on the same internal shmem mount, can equal). */
  unsigned int generation;
};

/* Without --stack only the part before `stack` is sent (MMT_EVENT_BASE_SIZE bytes). */
struct mmt_event {
  unsigned int kind;
  unsigned int stack_depth;
  unsigned long long ts_ns;       /* bpf_ktime_get_ns() at completion */
  unsigned long long duration_ns; /* entry to exit */
  unsigned long long args[6];
  long long ret;
  unsigned int pid; /* tgid, in the tracer's PID namespace */
  unsigned int tid; /* in the tracer's PID namespace */
  unsigned int host_pid; /* tgid in the initial PID namespace */
  int ia32_syscall;      /* the i386 number of a 32-bit call; 0 for an x86-64 one */
  unsigned int ppid; /* for MMT_FORK */
  int syscall;
  char comm[MMT_COMM_LEN];
  /* A successful shmat: the size the kernel attached (the mapping's length). */
  unsigned long long shm_size;
  /* A successful file mmap or shmat: the file the kernel mapped at the result (ino 0: anonymous,
   * or not known). */
  struct mmt_frame_file mapped_file;
  /* mm->map_count right after the call: the kernel's own count of the process's mappings. */
  unsigned int map_count;
  unsigned int unused;
  /* A successful mmap or mremap: the return address on top of the user stack at the call, i.e.
   * the code that called the libc wrapper (mmap is a leaf there). Cheap enough for every call,
   * so live mappings can be grouped by call site without --stack. 0: not known. */
  unsigned long long caller;
  unsigned long long stack[MMT_MAX_STACK];    /* user stack with --stack, innermost first */
  struct mmt_frame_file files[MMT_MAX_STACK]; /* where each frame's code comes from */
};

#define MMT_EVENT_BASE_SIZE __builtin_offsetof(struct mmt_event, stack)

/* The path of a file, from its dentries up through its mounts, sent once per file before the
 * first event that maps it (bpf/file_path.bpf.h): user space names mappings with it whether or
 * not the process is still there to ask. Names are innermost first. */
#define MMT_PATH_DEPTH 16
#define MMT_PATH_NAME 64
struct mmt_file_path {
  unsigned int kind; /* MMT_FILE_PATH */
  unsigned int depth;
  unsigned long long ino;
  unsigned int dev;
  unsigned int complete; /* 0: deeper than MMT_PATH_DEPTH or a name longer than the room for it */
  unsigned int deleted;  /* the file has no name in any directory (deleted, memfd, SysV shm) */
  unsigned int generation; /* as in mmt_frame_file */
  char names[MMT_PATH_DEPTH][MMT_PATH_NAME];
};

/* Which calls carry a copy of the user stack (bpf/user_stack.bpf.h), for user space to unwind
 * with the binaries' CFI: none, those the summary's story needs (a failed brk, the mmap after
 * one in the same thread, a mapping placed at or just above the break), or all. */
enum mmt_user_stack_mode { MMT_USER_STACK_OFF = 0, MMT_USER_STACK_NEEDED = 1, MMT_USER_STACK_ALL = 2 };

#define MMT_USER_STACK_MAX 65536 /* bytes; perf's limit is about the same */
#define MMT_MAX_ERRNO 4095       /* the kernel's MAX_ERRNO: results in [-4095, -1] are -errno */
#define MMT_UNWIND_REGS 17       /* the x86-64 DWARF registers 0-16: rax .. r15, then rip */

/* The registers at the call and the top of the user stack, sent after a whole mmt_event; only
 * `size` bytes of `bytes` are sent. size 0: the stack could not be read (counted). */
struct mmt_user_stack {
  unsigned long long regs[MMT_UNWIND_REGS]; /* in DWARF order: rax rdx rcx rbx rsi rdi rbp rsp r8-r15 rip */
  unsigned int size;                        /* bytes copied from rsp upwards */
  unsigned int clamped;                     /* 1: the copy stops at the end of the stack mapping */
  unsigned char bytes[MMT_USER_STACK_MAX];
};

#define MMT_USER_STACK_HEADER __builtin_offsetof(struct mmt_user_stack, bytes)

/* Indexes of the per-CPU counters array ("counters" map). */
enum mmt_counter {
  MMT_LOST_RINGBUF = 0,  /* the ring buffer was full: event dropped */
  MMT_LOST_INFLIGHT = 1, /* the entry table was full: the call could not be paired */
  MMT_LOST_TRACED_FULL = 2, /* the traced set was full: a forked process is not traced */
  MMT_LOST_IA32_ARGS = 3,   /* old mmap's argument block could not be read: the call is dropped */
  MMT_SKIPPED_X32 = 4,      /* an x32 call of a traced process: x32 is not traced */
  MMT_LOST_ACTIVITY_FULL = 5, /* system-wide: the activity map was full, a process's calls are not counted */
  MMT_LOST_USER_STACK = 6,    /* the user stack could not be read: the event is sent without it */
  MMT_COUNTER_COUNT = 7,
};

/* The page sizes are rounded to, as user space rounds them (trace/session/fallback.hpp). */
#define MMT_PAGE_SIZE 4096

/* What glibc's sysmalloc maps when brk failed, for the malloc-fallback rule (bpf/fallback.bpf.h;
 * the rule is written in libljmm/src/trace/session/fallback.hpp): mmap(NULL, size, at least
 * these protections, exactly these flags, -1, 0). */
#define MMT_MORECORE_PROT 0x3   /* PROT_READ | PROT_WRITE */
#define MMT_MORECORE_FLAGS 0x22 /* MAP_PRIVATE | MAP_ANONYMOUS */

/* System-wide tracing (-a) keeps, in the kernel, what each process did (the "activity" map),
 * whether or not events are sent too. The calls are counted in the order of user space's
 * trace::traced_syscalls, whose place for each x86-64 number user space writes into a table. */
#define MMT_CALLS 18

/* A process, by its pid in the tracer's namespace and its start time, so a reused pid is a new key. */
struct mmt_process_key {
  unsigned int pid;
  unsigned int unused;
  unsigned long long start_ns; /* task->start_time of the process's leader */
};

struct mmt_process_activity {
  unsigned long long calls[MMT_CALLS];
  unsigned long long failed[MMT_CALLS];
  unsigned long long mapped_bytes;   /* by successful mmap calls, page-rounded */
  unsigned long long fallback_mmaps; /* glibc's malloc fallbacks (bpf/fallback.bpf.h) */
  unsigned long long fallback_bytes;
  unsigned int host_pid;
  unsigned int uid;
  unsigned int exited; /* set by the exit program; user space reads the entry one last time, then deletes it */
  unsigned int unused;
  char comm[MMT_COMM_LEN];
};

#endif
