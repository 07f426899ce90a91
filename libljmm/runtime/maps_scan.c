/* Reads /proc/self/maps in pieces of a static buffer, so files of any size are handled without
 * allocating; a line cut by the end of a piece is moved to the front before the next read. */
#include <fcntl.h>

#include "internal.h"
#include "raw.h"

static int parse_hex(const char **cursor, const char *end, uintptr_t *value) {
  const char *p = *cursor;
  uintptr_t result = 0;
  int digits = 0;
  for (; p < end; ++p, ++digits) {
    char c = *p;
    int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) break;
    result = result << 4 | (uintptr_t)digit;
  }
  *cursor = p;
  *value = result;
  return digits > 0;
}

/* "start-end perms offset dev inode   path": only what placement needs. */
static int parse_line(const char *line, const char *end, struct ljmm_map_entry *entry) {
  const char *p = line;
  if (!parse_hex(&p, end, &entry->start) || p >= end || *p++ != '-') return 0;
  if (!parse_hex(&p, end, &entry->end) || p + 5 > end || *p++ != ' ') return 0;
  for (int i = 0; i < 4; ++i) entry->perms[i] = p[i];
  p += 4;
  /* skip offset and dev, then read the inode */
  for (int field = 0; field < 3 && p < end; ++field) {
    while (p < end && *p == ' ') ++p;
    if (field < 2) {
      while (p < end && *p != ' ') ++p;
    }
  }
  uintptr_t inode = 0;
  while (p < end && *p >= '0' && *p <= '9') inode = inode * 10 + (uintptr_t)(*p++ - '0');
  while (p < end && *p == ' ') ++p;
  entry->anonymous = inode == 0 && p == end;
  static const char reserve_name[] = LJMM_MEMFD_PATH(LJMM_RESERVE_MEMFD) " (deleted)";
  size_t name_length = sizeof reserve_name - 1;
  entry->free_reserve = (size_t)(end - p) == name_length;
  for (size_t i = 0; entry->free_reserve && i < name_length; ++i) entry->free_reserve = p[i] == reserve_name[i];
  return 1;
}

/* Static, not on the stack: the placement path must fit a small signal stack, and every scan runs
   under the lock. Lines longer than the buffer (a deep path: 9 KiB lines exist) are parsed from
   their head, which holds the addresses, and the rest is skipped. */
static char buffer[8192];

long ljmm_scan_maps(ljmm_entry_visitor visit, void *context) {
  long fd = raw_open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
  if (raw_failed(fd)) return fd;
  LJMM_COUNT(scans, 1);
  size_t used = 0;
  int skipping = 0; /* inside the tail of a line already visited */
  long result = 0;
  for (;;) {
    long got = raw_read((int)fd, buffer + used, sizeof buffer - used);
    if (raw_failed(got)) {
      result = got;
      break;
    }
    size_t filled = used + (size_t)got;
    size_t start = 0;
    for (size_t i = 0; i < filled; ++i) {
      if (buffer[i] != '\n') continue;
      struct ljmm_map_entry entry;
      if (!skipping && parse_line(buffer + start, buffer + i, &entry) && visit(&entry, context)) {
        raw_close((int)fd);
        return 0;
      }
      skipping = 0;
      start = i + 1;
    }
    if (got == 0) break; /* a last line without newline cannot happen in /proc */
    used = filled - start;
    if (used == sizeof buffer) {
      /* A line longer than the buffer: visit its head now, skip to its end. */
      struct ljmm_map_entry entry;
      if (!skipping && parse_line(buffer, buffer + used, &entry) && visit(&entry, context)) {
        raw_close((int)fd);
        return 0;
      }
      skipping = 1;
      used = 0;
    }
    for (size_t i = 0; i < used; ++i) buffer[i] = buffer[start + i];
  }
  raw_close((int)fd);
  return result;
}
