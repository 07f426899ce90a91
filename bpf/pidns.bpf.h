/* Pids in the tracer's PID namespace, for mmaptrace.bpf.c: the traced set is keyed by them and
 * events carry them (inside a container /proc shows no host pids, so user space could not
 * translate). Included once, by mmaptrace.bpf.c. */
#ifndef LJMM_PIDNS_BPF_H
#define LJMM_PIDNS_BPF_H

/* The tracer's PID namespace (st_dev and st_ino of /proc/self/ns/pid); ino 0: use host pids. */
const volatile unsigned long long pidns_dev = 0;
const volatile unsigned long long pidns_ino = 0;

struct ns_ids {
  u32 tgid; /* 0: the process is not visible in the tracer's namespace */
  u32 tid;
};

#define MAX_PIDNS_LEVEL 8 /* nesting the walk below looks through; the kernel allows 32 */

/* The number `pid` has in the tracer's namespace, found among the numbers it has in each
 * namespace from the initial one down to its own; 0 when the tracer's namespace does not see it. */
static __always_inline u32 number_in_our_ns(struct pid *pid) {
  if (!pid) return 0;
  unsigned int level = BPF_CORE_READ(pid, level);
  unsigned long numbers = (unsigned long)pid + bpf_core_field_offset(struct pid, numbers);
  for (unsigned int i = 0; i < MAX_PIDNS_LEVEL; i++) {
    if (i > level) break;
    struct upid *upid = (struct upid *)(numbers + i * bpf_core_type_size(struct upid));
    if (BPF_CORE_READ(upid, ns, ns.inum) == pidns_ino) return BPF_CORE_READ(upid, nr);
  }
  return 0;
}

static __always_inline struct ns_ids task_ids(struct task_struct *task) {
  struct ns_ids ids = {};
  if (!pidns_ino) {
    ids.tgid = BPF_CORE_READ(task, tgid);
    ids.tid = BPF_CORE_READ(task, pid);
    return ids;
  }
  ids.tid = number_in_our_ns(BPF_CORE_READ(task, thread_pid));
  ids.tgid = number_in_our_ns(BPF_CORE_READ(task, group_leader, thread_pid));
  return ids;
}

/* The helper answers only for tasks whose own namespace is the tracer's; a task in a namespace
 * nested below it (a container started by the traced command) is looked up by the walk. */
static __always_inline struct ns_ids current_ids(void) {
  struct ns_ids ids = {};
  if (!pidns_ino) {
    u64 pid_tgid = bpf_get_current_pid_tgid();
    ids.tgid = pid_tgid >> 32;
    ids.tid = (u32)pid_tgid;
    return ids;
  }
  struct bpf_pidns_info ns = {};
  if (bpf_get_ns_current_pid_tgid(pidns_dev, pidns_ino, &ns, sizeof ns) == 0) {
    ids.tgid = ns.tgid;
    ids.tid = ns.pid;
    return ids;
  }
  return task_ids((struct task_struct *)bpf_get_current_task());
}

#endif
