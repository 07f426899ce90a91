/* A SysV shared memory segment and a memfd with one inode number on one device. Both live on the
 * kernel's internal shmem mount; a segment's inode number is its shm id, a memfd's comes from a
 * counter. So: make a segment, and if its id lies ahead of the counter, make memfds until one's
 * inode number is that id (the counter hands out numbers in per-CPU batches, so it may step over
 * the id: then try again with the next segment, whose id is 32768 higher). Then attach the segment,
 * map the memfd, and print "INODE" on stdout. Exit 77 if no pair was found in the tries given.
 *   usage: inode_twins */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

static ino_t inode_of(int fd) {
  struct stat status;
  return fstat(fd, &status) == 0 ? status.st_ino : 0;
}

/* A memfd whose inode number is `wanted`, or -1 once the counter has passed it. */
static int memfd_numbered(ino_t wanted) {
  for (;;) {
    int fd = memfd_create("twin", 0);
    if (fd < 0) return -1;
    ino_t inode = inode_of(fd);
    if (inode == wanted) return fd;
    close(fd);
    if (inode > wanted) return -1;
  }
}

int main(void) {
  for (int attempt = 0; attempt < 200; attempt++) {
    int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    if (id < 0) return 1;
    int probe = memfd_create("probe", 0);
    ino_t counter = inode_of(probe);
    close(probe);
    /* Each new segment's id is 32768 above the last one's: stop at the first one ahead of the
     * counter, which memfds then catch up with (a few thousand, unless other programs made many
     * segments since the counter was last near). */
    int fd = (ino_t)id > counter && (ino_t)id - counter < 4000000 ? memfd_numbered((ino_t)id) : -1;
    if (fd < 0) {
      shmctl(id, IPC_RMID, NULL);
      continue;
    }
    void *segment = shmat(id, NULL, 0);
    shmctl(id, IPC_RMID, NULL); /* gone once detached: the process's exit does it */
    if (segment == (void *)-1 || ftruncate(fd, 4096) != 0) return 1;
    void *mapped = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (mapped == MAP_FAILED) return 1;
    printf("%d\n", id);
    return 0;
  }
  return 77;
}
