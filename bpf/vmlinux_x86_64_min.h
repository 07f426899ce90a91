/* The kernel types mmaptrace.bpf.c uses, for building where /sys/kernel/btf/vmlinux is missing.
 * Fields are relocated against the target kernel's BTF at load time (CO-RE), so only the names
 * and types matter here, not the layout. x86-64. */
#ifndef VMLINUX_X86_64_MIN_H
#define VMLINUX_X86_64_MIN_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;
typedef u16 __u16;
typedef u32 __u32;
typedef u64 __u64;
typedef s32 __s32;
typedef s64 __s64;
typedef u16 __be16;
typedef u32 __be32;
typedef u32 __wsum;
typedef int pid_t;
typedef _Bool bool;
enum { false = 0, true = 1 };

enum bpf_map_type {
  BPF_MAP_TYPE_HASH = 1,
  BPF_MAP_TYPE_ARRAY = 2,
  BPF_MAP_TYPE_CGROUP_ARRAY = 8,
  BPF_MAP_TYPE_LRU_HASH = 9,
  BPF_MAP_TYPE_PERCPU_ARRAY = 6,
  BPF_MAP_TYPE_RINGBUF = 27,
  BPF_MAP_TYPE_TASK_STORAGE = 29,
};
enum { BPF_ANY = 0, BPF_NOEXIST = 1 };
enum { BPF_RB_NO_WAKEUP = 1, BPF_RB_FORCE_WAKEUP = 2 };
enum { BPF_RB_AVAIL_DATA = 0 };
enum { BPF_F_USER_STACK = 256 };
enum { BPF_F_NO_PREALLOC = 1 };
enum { BPF_LOCAL_STORAGE_GET_F_CREATE = 1 };

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

struct bpf_pidns_info {
  u32 pid;
  u32 tgid;
};

struct pt_regs {
  unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
};

typedef struct {
  int counter;
} atomic_t;

struct ns_common {
  unsigned int inum;
};

struct pid_namespace {
  struct ns_common ns;
};

struct upid {
  int nr;
  struct pid_namespace *ns;
};

struct pid {
  unsigned int level;
  struct upid numbers[1];
};

struct signal_struct {
  atomic_t live;
};

struct thread_info {
  unsigned long flags;
  u32 status;
};

struct mm_struct {
  unsigned long brk;
  int map_count;
};

struct fs_struct;

struct task_struct {
  struct thread_info thread_info;
  struct mm_struct *mm;
  struct fs_struct *fs;
  pid_t pid;
  pid_t tgid;
  struct task_struct *group_leader;
  struct pid *thread_pid;
  struct signal_struct *signal;
  char comm[16];
  u64 start_time;
};

struct super_block {
  u32 s_dev;
};

struct inode {
  unsigned long i_ino;
  struct super_block *i_sb;
  u32 i_generation;
};

struct qstr {
  const unsigned char *name;
};

struct hlist_bl_node {
  struct hlist_bl_node *next, **pprev;
};

struct dentry {
  struct hlist_bl_node d_hash;
  struct dentry *d_parent;
  struct qstr d_name;
};

struct vfsmount {
  struct dentry *mnt_root;
};

struct mount {
  struct mount *mnt_parent;
  struct dentry *mnt_mountpoint;
  struct vfsmount mnt;
};

struct path {
  struct vfsmount *mnt;
  struct dentry *dentry;
};

struct fs_struct {
  struct path root;
};

struct file {
  struct path f_path;
  struct inode *f_inode;
};

struct vm_area_struct {
  unsigned long vm_start;
  unsigned long vm_end;
  unsigned long vm_pgoff;
  struct file *vm_file;
};

struct linux_binprm {
  const char *filename;
};

struct trace_entry {
  unsigned short type;
  unsigned char flags;
  unsigned char preempt_count;
  int pid;
};

struct trace_event_raw_sys_enter {
  struct trace_entry ent;
  long id;
  unsigned long args[6];
};

struct trace_event_raw_sys_exit {
  struct trace_entry ent;
  long id;
  long ret;
};

#pragma clang attribute pop

#endif
