#!/bin/sh
# The trace tests that matter most, inside a guest booted with a Debian kernel (run_in_vm.sh):
# exact counts with each backend and attach (fexit must be there: LJMM_EXPECT_FEXIT), the
# thread-group, namespace, 32-bit and x32 cases, strace's conformance programs, -a, the malloc
# fallback with stacks, no kernel BTF, the layout model against the kernel's maps, and that
# fexit costs other processes nothing (fexit_run_counts.sh).
#
#   guest_tests.sh BUILD_DIR [GTEST_FILTER]
set -u
build=$1
here=$(dirname "$0")
# About 2 minutes under TCG: the 32-bit cases once (conformance has them too, slower), strace's
# mmap64 and brk programs (its mmap one repeats mmap64 at twice the time), memory_calls (cut_off
# depends on timing that TCG does not keep: whether its thread reaches mmap before exit).
filter=${2:-TraceAttach.*:TraceThreads.*:TraceNoBtf.*:TraceIa32.AnI386*:TraceIa32.Int80*}
filter=$filter:TraceNamespace.CommandInsideAPidNamespace*:TraceNamespace.AttachByNamespacePid*
filter=$filter:StraceTests/Conformance.*/1:StraceTests/Conformance.*/2:OurPrograms/Conformance.*/0
# x32 runs there (syscall.x32=y): its calls are counted as skipped while the kernel runs them.
# -a in a PID namespace, and its per-process table filled on purpose (one run each: -a's strace
# comparison, six runs, stays on the host).
filter=$filter:TraceIa32.X32*:TraceSystemWide.InsideAPidNamespace*:TraceLosses.AFullPerProcessTable*
# glibc's malloc-fallback rule in the kernel (bpf/fallback.bpf.h) with --stack, and with -a and
# --stack together, on each attach: one small program, a few seconds.
filter=$filter:TraceFallback.*
# The layout model against the kernel's own maps at each marker, with every backend and attach,
# and in a PID namespace: the kernels differ in what they merge and name ([heap], MAP_STACK).
filter=$filter:Film.EveryMarkerReplaysAsTheKernelListedIt:Film.InAPidNamespace*
# A SysV segment and a memfd of one inode number, named apart by each attach (a freshly booted
# guest's inode counter is where the shm ids are: the first case of it was found there).
filter=$filter:TracePaths.ASysVSegmentAndAMemfdOfOneInodeNumberAreNamedApart
export LJMM_EXPECT_FEXIT=1 LJMM_EXPECT_X32=1
status=0
started=$(date +%s)
echo "guest_tests: kernel $(uname -r), $(nproc) CPUs"
"$build/test/ljmm_e2e_tests" --gtest_brief=1 --gtest_filter="$filter" \
  --gtest_output="xml:${LJMM_VM_OUT:-/tmp}/e2e.xml" || status=1
echo "guest_tests: e2e tests took $(($(date +%s) - started)) s"
sh "$here/fexit_run_counts.sh" "$build" || status=1
echo "guest_tests: done in $(($(date +%s) - started)) s, status $status"
exit $status
