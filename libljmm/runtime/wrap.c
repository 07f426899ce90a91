/* For -Wl,--wrap=mmap64 (and mmap, munmap, mremap): the linker sends the program's calls of
 * these functions here. The real system calls are made directly, so __real_* is not needed. */
#include <stdarg.h>

#include "internal.h"

void *__wrap_mmap64(void *addr, size_t length, int prot, int flags, int fd, off_t offset) {
  return ljmm_mmap(addr, length, prot, flags, fd, offset);
}

void *__wrap_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset) {
  return ljmm_mmap(addr, length, prot, flags, fd, offset);
}

int __wrap_munmap(void *addr, size_t length) { return ljmm_munmap(addr, length); }

void *__wrap_mremap(void *old_address, size_t old_size, size_t new_size, int flags, ...) {
  va_list args;
  va_start(args, flags);
  void *new_address = (flags & MREMAP_FIXED) ? va_arg(args, void *) : 0;
  va_end(args);
  return ljmm_mremap(old_address, old_size, new_size, flags, new_address);
}
