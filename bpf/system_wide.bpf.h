/* System-wide tracing (ljmm-trace -a), for mmaptrace.bpf.c: which processes are wanted (every
 * process the tracer's PID namespace sees, narrowed by command name, uid and cgroup here in the
 * kernel, so a busy host sends nothing it was not asked for), and what each of them did, counted
 * in the "activity" map. With aggregate_only (-q) the counts are all there is: no event per call.
 * Included once, by mmaptrace.bpf.c, after count() and is_traced(). */
#ifndef LJMM_SYSTEM_WIDE_BPF_H
#define LJMM_SYSTEM_WIDE_BPF_H

/* Set by user space before load. */
const volatile bool system_wide = false;
const volatile bool aggregate_only = false;
const volatile unsigned int tracer_host_pid = 0; /* the tracer's own calls are not the host's */
const volatile bool filter_comm = false;
const volatile char comm_filter[MMT_COMM_LEN] = {};
const volatile bool filter_uid = false;
const volatile unsigned int uid_filter = 0;
const volatile bool filter_cgroup = false; /* the cgroup is in cgroup_filter[0] */

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  /* User space sizes it (--max-processes; 1 when not system-wide) and deletes a process's entry
   * once it has read it after the exit. */
  __uint(max_entries, SIZED_BEFORE_LOAD);
  __type(key, struct mmt_process_key);
  __type(value, struct mmt_process_activity);
} activity SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
  __uint(max_entries, 1);
  __type(key, u32);
  __type(value, u32);
} cgroup_filter SEC(".maps");

/* The process's name is its leader's: a thread may have renamed itself. */
static __always_inline bool comm_matches(struct task_struct *task) {
  char comm[MMT_COMM_LEN] = {};
  BPF_CORE_READ_STR_INTO(&comm, task, group_leader, comm);
  for (int i = 0; i < MMT_COMM_LEN; i++) {
    if (comm[i] != comm_filter[i]) return false;
    if (comm[i] == 0) break;
  }
  return true;
}

/* Whether the calls of the current process are traced: the traced set, or with -a the filters. */
static __always_inline bool wanted_process(u32 tgid) {
  if (!system_wide) return is_traced(tgid);
  if ((bpf_get_current_pid_tgid() >> 32) == tracer_host_pid) return false;
  if (filter_uid && (u32)bpf_get_current_uid_gid() != uid_filter) return false;
  if (filter_cgroup && bpf_current_task_under_cgroup(&cgroup_filter, 0) != 1) return false;
  if (filter_comm && !comm_matches(bpf_get_current_task_btf())) return false;
  return true;
}

/* The place of each x86-64 call in trace::traced_syscalls, set by user space before load. */
const volatile unsigned char call_slot[MMT_SYSCALL_LIMIT] = {};

static __always_inline int call_index(s32 syscall) {
  if (syscall < 0 || syscall >= MMT_SYSCALL_LIMIT) return -1;
  return call_slot[syscall & (MMT_SYSCALL_LIMIT - 1)]; /* the mask: see ia32_equivalent */
}

/* A fresh entry is built here: with a count per call it is too large for the BPF stack. */
struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, u32);
  __type(value, struct mmt_process_activity);
} activity_scratch SEC(".maps");

static __always_inline struct mmt_process_key process_key(struct task_struct *task, u32 pid) {
  struct mmt_process_key key = {.pid = pid};
  key.start_ns = BPF_CORE_READ(task, group_leader, start_time);
  return key;
}

/* Saturates as user space does: a size near 2^64 neither wraps nor overflows. */
static __always_inline u64 page_round(u64 size) {
  const u64 mask = MMT_PAGE_SIZE - 1;
  return size > ~0ULL - mask ? size & ~mask : (size + mask) & ~mask;
}

/* Counts a completed call of the current process; `fallback` is what fallback_step() said of it. */
static __always_inline void account(u32 tgid, s32 syscall, const u64 *args, bool call_failed,
                                    enum fallback_step fallback) {
  int index = call_index(syscall);
  if (index < 0 || index >= MMT_CALLS) return;
  struct task_struct *task = bpf_get_current_task_btf();
  struct mmt_process_key key = process_key(task, tgid);
  struct mmt_process_activity *counts = bpf_map_lookup_elem(&activity, &key);
  if (!counts) {
    u32 zero = 0;
    struct mmt_process_activity *fresh = bpf_map_lookup_elem(&activity_scratch, &zero);
    if (!fresh) return;
    __builtin_memset(fresh, 0, sizeof *fresh);
    fresh->host_pid = bpf_get_current_pid_tgid() >> 32;
    fresh->uid = (u32)bpf_get_current_uid_gid();
    BPF_CORE_READ_STR_INTO(&fresh->comm, task, group_leader, comm);
    /* Another thread of the process may have added it meanwhile: that is not a loss. */
    bpf_map_update_elem(&activity, &key, fresh, BPF_NOEXIST);
    counts = bpf_map_lookup_elem(&activity, &key);
    if (!counts) {
      count(MMT_LOST_ACTIVITY_FULL);
      return;
    }
  }
  /* The slot comes from a table the verifier knows nothing of: bound it where it is used. */
  barrier_var(index);
  if (index < 0 || index >= MMT_CALLS) return;
  __sync_fetch_and_add(&counts->calls[index], 1);
  if (call_failed) {
    __sync_fetch_and_add(&counts->failed[index], 1);
    return;
  }
  if (syscall != MMT_MMAP) return;
  u64 bytes = page_round(args[1]);
  __sync_fetch_and_add(&counts->mapped_bytes, bytes);
  if (fallback == FALLBACK_MMAP) {
    __sync_fetch_and_add(&counts->fallback_mmaps, 1);
    __sync_fetch_and_add(&counts->fallback_bytes, bytes);
  }
}

/* A process that made traced calls exec'd: it keeps its key (the new leader inherits the start
 * time) and takes the new program's name. Returns whether it had made any. */
static __always_inline bool activity_exec(struct task_struct *task, u32 tgid) {
  struct mmt_process_key key = process_key(task, tgid);
  struct mmt_process_activity *counts = bpf_map_lookup_elem(&activity, &key);
  if (!counts) return false;
  BPF_CORE_READ_STR_INTO(&counts->comm, task, comm);
  return true;
}

/* The process's last thread is exiting: user space reads its entry once more, then deletes it.
 * Returns whether it had made traced calls. */
static __always_inline bool activity_exit(struct task_struct *task, u32 tgid) {
  struct mmt_process_key key = process_key(task, tgid);
  struct mmt_process_activity *counts = bpf_map_lookup_elem(&activity, &key);
  if (!counts) return false;
  counts->exited = 1;
  return true;
}

#endif
