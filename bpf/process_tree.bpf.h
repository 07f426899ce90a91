/* SPDX-License-Identifier: GPL-2.0 */
/* The process tree, for mmaptrace.bpf.c: a traced process's forks join the traced set (so
 * nothing a child does before user space learns of it is lost), its exec and its end are sent as
 * events, and with -a a process that made traced calls has its exec and end noted in the
 * activity map. Included once, at the end of mmaptrace.bpf.c, whose helpers it uses. */
#ifndef LJMM_PROCESS_TREE_BPF_H
#define LJMM_PROCESS_TREE_BPF_H

static __always_inline void emit_task_event(u32 kind, u32 pid, u32 ppid, struct task_struct *task) {
  u32 host_pid = BPF_CORE_READ(task, tgid);
  struct mmt_event *event = bpf_ringbuf_reserve(&events, MMT_EVENT_BASE_SIZE, 0);
  if (!event) {
    count(MMT_LOST_RINGBUF);
    return;
  }
  __builtin_memset(event, 0, MMT_EVENT_BASE_SIZE);
  event->ts_ns = bpf_ktime_get_ns();
  event->kind = kind;
  event->pid = pid;
  event->tid = pid;
  event->host_pid = host_pid;
  event->ppid = ppid;
  event->syscall = -1;
  BPF_CORE_READ_STR_INTO(&event->comm, task, comm);
  /* After an exec user space reads the new program's layout (the layout model): the sooner it
   * learns of it, the less of the program's start it misses. */
  if (kind == MMT_EXEC)
    bpf_ringbuf_submit(event, BPF_RB_FORCE_WAKEUP);
  else
    submit(event);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child) {
  if (!follow_children || BPF_CORE_READ(parent, tgid) == BPF_CORE_READ(child, tgid)) return 0; /* a thread */
  u32 parent_tgid = current_ids().tgid;                                                      /* runs in the parent */
  u32 child_tgid = task_ids(child).tid; /* a new process: its pid is its tgid */
  if (!parent_tgid || !child_tgid || !is_traced(parent_tgid)) return 0;
  u8 yes = 1;
  if (bpf_map_update_elem(&traced, &child_tgid, &yes, BPF_ANY) != 0) {
    count(MMT_LOST_TRACED_FULL); /* no fork event either: user space must not wait for the child */
    return 0;
  }
  emit_task_event(MMT_FORK, child_tgid, parent_tgid, child);
  return 0;
}

/* Exec by any thread continues the process: by now that thread has taken over the tgid. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm) {
  /* The thread's id before the exec (another thread's exec gives it the leader's). */
  if (fallback_rule_used()) fallback_forget((u32)old_pid);
  u32 tgid = current_ids().tgid;
  if (!tgid) return 0;
  /* System-wide, a process that made traced calls: its old image's mappings are gone. */
  bool had_activity = system_wide && activity_exec(task, tgid);
  if (is_traced(tgid) || (had_activity && !aggregate_only)) emit_task_event(MMT_EXEC, tgid, 0, task);
  return 0;
}

/* A process ends when its last thread exits, whichever thread that is (the main thread may call
 * pthread_exit first, and exec kills the others). The kernel counts the group's live threads
 * down before this tracepoint; when threads die together several may read 0, and only the one
 * that removes the process from the traced set reports it. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *task) {
  u32 tid = BPF_CORE_READ(task, pid);
  bpf_map_delete_elem(&inflight, &tid);
  if (fallback_rule_used()) fallback_forget(tid);
  if (BPF_CORE_READ(task, signal, live.counter) != 0) return 0; /* other threads live on */
  u32 tgid = current_ids().tgid;                                 /* runs in the exiting task */
  /* System-wide, a process that made traced calls: its mappings are gone (with events only). */
  if (tgid && system_wide && activity_exit(task, tgid) && !aggregate_only) {
    emit_task_event(MMT_EXIT, tgid, 0, task);
    return 0;
  }
  if (!tgid || bpf_map_delete_elem(&traced, &tgid) != 0) return 0; /* not ours, or reported */
  emit_task_event(MMT_EXIT, tgid, 0, task);
  return 0;
}

#endif
