#!/usr/bin/env bash
# Builds strace's own test programs for the memory calls (tests/mmap.c, mmap64.c, brk.c) from
# Debian's strace source package into DIR, for the conformance tests that compare ljmm-trace with
# strace call by call. Needs the deb-src line that test/luajit/add_deb_src.sh adds.
set -euo pipefail
dir=$1
programs=(mmap mmap64 brk)
mkdir -p "$dir"
cd "$dir"
if ! ls strace-*/tests/brk >/dev/null 2>&1; then
  rm -rf strace-* strace_*
  apt-get source --download-only strace >/dev/null 2>&1 || {
    echo "cannot download Debian's strace source package: run test/luajit/add_deb_src.sh as root" >&2
    exit 1
  }
  tar xf strace_*.orig.tar.xz
  source_dir=$(ls -d strace-*/ | head -1)
  cd "$source_dir"
  ./configure --enable-mpers=no -q >/dev/null
  make -C tests scno.h >/dev/null
  make -C tests -j"$(nproc)" libtests.a >/dev/null
  make -C tests -j"$(nproc)" "${programs[@]}" >/dev/null
  cd ..
fi
mkdir -p bin
for program in "${programs[@]}"; do cp strace-*/tests/"$program" bin/; done
