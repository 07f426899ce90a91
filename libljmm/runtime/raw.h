/* System calls without libc: they return -errno instead of touching errno, call no wrapper
 * that could be interposed (our own mmap!), and are async-signal-safe. x86-64 only. */
#ifndef LJMM_RUNTIME_RAW_H
#define LJMM_RUNTIME_RAW_H

#include <stdint.h>
#include <sys/syscall.h>

#ifndef SYS_memfd_create
#define SYS_memfd_create 319 /* x86-64; older headers lack it */
#endif

static inline long raw_syscall6(long number, long a, long b, long c, long d, long e, long f) {
  long result;
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  __asm__ volatile("syscall"
                   : "=a"(result)
                   : "a"(number), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return result;
}

static inline long raw_syscall3(long number, long a, long b, long c) { return raw_syscall6(number, a, b, c, 0, 0, 0); }

/* A result in [-4095, -1] is an error number. */
static inline int raw_failed(long result) { return (unsigned long)result >= (unsigned long)-4095L; }

static inline long raw_mmap(uintptr_t addr, uintptr_t length, int prot, int flags, int fd, long offset) {
  return raw_syscall6(SYS_mmap, (long)addr, (long)length, prot, flags, fd, offset);
}
static inline long raw_munmap(uintptr_t addr, uintptr_t length) { return raw_syscall3(SYS_munmap, (long)addr, (long)length, 0); }
static inline long raw_mremap(uintptr_t old_addr, uintptr_t old_size, uintptr_t new_size, int flags, uintptr_t new_addr) {
  return raw_syscall6(SYS_mremap, (long)old_addr, (long)old_size, (long)new_size, flags, (long)new_addr, 0);
}
static inline long raw_open(const char *path, int flags) { return raw_syscall3(SYS_open, (long)path, flags, 0); }
static inline long raw_read(int fd, void *buffer, uintptr_t size) { return raw_syscall3(SYS_read, fd, (long)buffer, (long)size); }
static inline long raw_write(int fd, const void *buffer, uintptr_t size) {
  return raw_syscall3(SYS_write, fd, (long)buffer, (long)size);
}
static inline long raw_memfd_create(const char *name, unsigned flags) {
  return raw_syscall3(SYS_memfd_create, (long)name, (long)flags, 0);
}
static inline long raw_close(int fd) { return raw_syscall3(SYS_close, fd, 0, 0); }
static inline long raw_brk(uintptr_t address) { return raw_syscall3(SYS_brk, (long)address, 0, 0); }
static inline long raw_getpid(void) { return raw_syscall3(SYS_getpid, 0, 0, 0); }
static inline long raw_sched_yield(void) { return raw_syscall3(SYS_sched_yield, 0, 0, 0); }
static inline long raw_sigprocmask(int how, const void *set, void *old) {
  return raw_syscall6(SYS_rt_sigprocmask, how, (long)set, (long)old, 8, 0, 0);
}

#endif
