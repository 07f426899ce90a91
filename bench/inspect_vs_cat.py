#!/usr/bin/env python3
"""ljmm-inspect PID --json against `cat /proc/PID/maps`, the kernel's own text and the floor of
reading a layout at all, on test/progs/many_mappings (65,000 mappings of its own): interleaved
runs, the median wall time and CPU time (user + system) of each, and each one's ratio to cat.
Extra ljmm-inspect binaries (an older build) are measured in the same rounds; LJMM_INSPECT_ARGS
replaces --json (e.g. "--findings-only" for the snapshot and analysis alone).
usage: bench/inspect_vs_cat.py BUILD_DIR [RUNS] [OTHER_LJMM_INSPECT...]"""
import os
import statistics
import subprocess
import sys
import time


def run(command):
    """Wall and CPU milliseconds of one run, its output thrown away."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    if status != 0:
        sys.exit(f"inspect_vs_cat: {' '.join(command)} failed ({status})")
    return wall, (usage.ru_utime + usage.ru_stime) * 1000


def main():
    build_dir = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    inspects = [f"{build_dir}/bin/ljmm-inspect"] + sys.argv[3:]
    arguments = os.environ.get("LJMM_INSPECT_ARGS", "--json").split()
    program = subprocess.Popen([f"{build_dir}/test/progs/many_mappings", "65000"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    pid = program.stdout.readline().split()[0]
    try:
        with open(f"/proc/{pid}/maps") as maps:
            mappings = sum(1 for _ in maps)
        commands = [("cat /proc/PID/maps", ["cat", f"/proc/{pid}/maps"])]
        commands += [(f"{path} PID {' '.join(arguments)}", [path, pid] + arguments) for path in inspects]
        times = {name: [] for name, _ in commands}
        for _ in range(runs):
            for name, command in commands:
                times[name].append(run(command))
    finally:
        program.stdin.close()
        program.wait()
    print(f"{mappings} mappings, {runs} interleaved runs each, medians")
    print("| command | wall (ms) | ratio | CPU (ms) | ratio |")
    print("| --- | ---: | ---: | ---: | ---: |")
    cat_wall = statistics.median(t[0] for t in times[commands[0][0]])
    cat_cpu = statistics.median(t[1] for t in times[commands[0][0]])
    for name, _ in commands:
        wall = statistics.median(t[0] for t in times[name])
        cpu = statistics.median(t[1] for t in times[name])
        print(f"| `{name}` | {wall:.1f} | {wall / cat_wall:.2f}x | {cpu:.1f} | {cpu / cat_cpu:.2f}x |")


if __name__ == "__main__":
    main()
