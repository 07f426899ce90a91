#!/usr/bin/env bash
# Builds strace's own test programs for the layout calls (tests/mmap.c, brk.c, madvise.c,
# mlock*.c, pkey_mprotect.c, shmxt.c, ...) from Debian's strace source package into DIR, for the
# conformance tests that compare ljmm-trace with strace call by call. Needs the deb-src line that
# test/luajit/add_deb_src.sh adds.
set -euo pipefail
dir=$1
programs=(mmap mmap64 brk madvise mbind mlock mlock2 mlockall munlockall pkey_mprotect process_madvise
          remap_file_pages shmxt)
mkdir -p "$dir"
cd "$dir"
if ! ls strace-*/tests/libtests.a >/dev/null 2>&1; then
  rm -rf strace-* strace_*
  apt-get source --download-only strace >/dev/null 2>&1 || {
    echo "cannot download Debian's strace source package: run test/luajit/add_deb_src.sh as root" >&2
    exit 1
  }
  tar xf strace_*.orig.tar.xz
  source_dir=$(ls -d strace-*/ | head -1)
  (cd "$source_dir" && ./configure --enable-mpers=no -q >/dev/null && make -C tests scno.h >/dev/null &&
     make -C tests -j"$(nproc)" libtests.a >/dev/null)
fi
make -C strace-*/tests -j"$(nproc)" "${programs[@]}" >/dev/null
mkdir -p bin
for program in "${programs[@]}"; do cp strace-*/tests/"$program" bin/; done
