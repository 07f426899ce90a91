/* A shared object with a small bss: a few pages that ld.so maps as anonymous memory right after
 * the library's writable data (the bss_neighbour test program puts other memory after it). */
char small_bss_lib_buffer[3 * 4096 + 100];

char *small_bss_lib_touch(void) {
  small_bss_lib_buffer[0] = 1;
  return small_bss_lib_buffer;
}
