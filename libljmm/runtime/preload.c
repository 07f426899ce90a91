/* LD_PRELOAD=libljmm_preload.so: these definitions come before libc's in symbol lookup, so
 * every mmap, mmap64, munmap and mremap the program (and its libraries) calls through the PLT
 * comes here. The kernel is called directly: no dlsym(RTLD_NEXT), which would call malloc,
 * which calls mmap, which is us. */
#include <stdarg.h>

#include "internal.h"

__attribute__((visibility("default"))) void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset) {
  return ljmm_mmap(addr, length, prot, flags, fd, offset);
}

__attribute__((visibility("default"))) void *mmap64(void *addr, size_t length, int prot, int flags, int fd,
                                                    off_t offset) {
  return ljmm_mmap(addr, length, prot, flags, fd, offset);
}

__attribute__((visibility("default"))) int munmap(void *addr, size_t length) { return ljmm_munmap(addr, length); }

__attribute__((visibility("default"))) void *mremap(void *old_address, size_t old_size, size_t new_size, int flags, ...) {
  va_list args;
  va_start(args, flags);
  void *new_address = (flags & MREMAP_FIXED) ? va_arg(args, void *) : 0;
  va_end(args);
  return ljmm_mremap(old_address, old_size, new_size, flags, new_address);
}
