/* SPDX-License-Identifier: GPL-2.0 */
/* The path of each file a traced process maps, named in the kernel the first time it is mapped:
 * user space would have to ask /proc after the fact, when a short process may be gone (and ld.so
 * has long closed the fd). The names are read up the dentries, and across mounts to the mount
 * the file's mount hangs from, as d_path does; a name longer than the room for it, or a path
 * deeper, is sent as incomplete (user space then does without it: missing beats wrong).
 * Included by mmaptrace.bpf.c, which calls name_file() before it reserves the event. */
#ifndef LJMM_FILE_PATH_BPF_H
#define LJMM_FILE_PATH_BPF_H

struct named_file {
  u64 ino;
  u32 dev;
  u32 generation; /* an inode number alone can name two files (mmaptrace.h) */
};

/* Files already named to user space. LRU: a file named again costs one more record, no more. */
struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 8192);
  __type(key, struct named_file);
  __type(value, u8);
} named_files SEC(".maps");

/* The record is built here (a CPU's own), then copied into the ring whole. */
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, u32);
  __type(value, struct mmt_file_path);
} path_scratch SEC(".maps");

struct path_walk {
  struct dentry *dentry;
  struct mount *mount;
  struct dentry *root_dentry; /* the process's root (chroot, a container's pivot_root): */
  struct vfsmount *root_mount; /* paths end there, as /proc/PID/maps writes them */
};

/* One step up: a name, or from the root of a mount to where it hangs. 1 ends the walk. A bpf_loop
 * body, so the verifier checks one step, not every path through thirty-two. */
static long walk_step(u32 index, struct path_walk *walk) {
  u32 zero = 0;
  struct mmt_file_path *record = bpf_map_lookup_elem(&path_scratch, &zero);
  if (!record) return 1;
  /* Plain loads of the walk (our own type); CO-RE reads of the kernel's. */
  struct dentry *dentry = walk->dentry;
  struct mount *mount = walk->mount;
  if (dentry == walk->root_dentry && (void *)mount + bpf_core_field_offset(struct mount, mnt) == walk->root_mount) {
    record->complete = 1;
    return 1;
  }
  struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
  /* Its own parent and not the root of its mount: a file of no directory (memfd, SysV shm),
   * named by itself alone, as d_path names it. */
  bool pseudo = parent == dentry && dentry != BPF_CORE_READ(mount, mnt.mnt_root);
  if (parent == dentry && !pseudo) {
    struct mount *up = BPF_CORE_READ(mount, mnt_parent);
    if (up == mount) {
      record->complete = 1;
      return 1;
    }
    walk->dentry = BPF_CORE_READ(mount, mnt_mountpoint);
    walk->mount = up;
    return 0;
  }
  u32 depth = record->depth;
  if (depth >= MMT_PATH_DEPTH) return 1;
  const unsigned char *name = BPF_CORE_READ(dentry, d_name.name);
  long length = bpf_probe_read_kernel_str(record->names[depth & (MMT_PATH_DEPTH - 1)], MMT_PATH_NAME, name);
  if (length <= 0 || length >= MMT_PATH_NAME) return 1; /* too long for the room: incomplete */
  record->depth = depth + 1;
  walk->dentry = parent;
  if (pseudo) record->complete = 1;
  return pseudo;
}

static __always_inline void name_file(struct file *file, const struct mmt_frame_file *mapped) {
  struct named_file key = {.ino = mapped->ino, .dev = mapped->dev, .generation = mapped->generation};
  u32 zero = 0;
  struct mmt_file_path *record = bpf_map_lookup_elem(&path_scratch, &zero);
  if (!file || !record || bpf_map_lookup_elem(&named_files, &key)) return;
  record->kind = MMT_FILE_PATH;
  record->ino = mapped->ino;
  record->dev = mapped->dev;
  record->generation = mapped->generation;
  record->depth = 0;
  record->complete = 0;
  /* Unhashed: in no directory (deleted, or a memfd or SysV segment, which never were). */
  struct dentry *dentry = BPF_CORE_READ(file, f_path.dentry);
  record->deleted = BPF_CORE_READ(dentry, d_hash.pprev) == NULL;
  struct vfsmount *vfs = BPF_CORE_READ(file, f_path.mnt);
  struct task_struct *task = bpf_get_current_task_btf();
  struct path_walk walk = {dentry, (struct mount *)((void *)vfs - bpf_core_field_offset(struct mount, mnt)),
                           BPF_CORE_READ(task, fs, root.dentry), BPF_CORE_READ(task, fs, root.mnt)};
  bpf_loop(2 * MMT_PATH_DEPTH, walk_step, &walk, 0);
  if (bpf_ringbuf_output(&events, record, sizeof *record, 0) != 0) {
    count(MMT_LOST_RINGBUF);
    return;
  }
  u8 yes = 1;
  bpf_map_update_elem(&named_files, &key, &yes, BPF_ANY);
}

#endif
