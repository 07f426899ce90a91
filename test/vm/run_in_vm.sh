#!/usr/bin/env bash
# Runs a shell command inside a QEMU guest booted with a Debian kernel package, with this
# machine's root file system as the guest's (read-only, over 9p), and gives back the command's
# output and exit code.
#
#   run_in_vm.sh [options] SERIES COMMAND
#
# SERIES names a kernel series of the Debian archive (6.1, 6.12): its newest package is found with
# apt-cache, downloaded once into the cache and unpacked there. COMMAND is a shell command, run by
# /bin/sh as root in the guest; /tmp and /run are tmpfs there, proc, sys, dev, bpffs and tracefs are
# mounted, and $LJMM_VM_OUT is a directory shared writable with the host.
#
#   --cache DIR     where kernel packages are kept (default $LJMM_VM_CACHE or ~/.cache/ljmm/kernels)
#   --out DIR       the writable share (default: a new temporary directory, removed afterwards)
#   --share DIR     a directory under /tmp or /run the guest must see as on the host (repeatable)
#   --timeout SEC   the whole run, boot included (default 600)
#   --memory MIB    guest memory (default 2048)
#   --cpus N        guest CPUs (default 2)
#
# Exit code: the command's; 124 when the time ran out; 77 (skip) when this machine cannot run the
# guest (no QEMU, busybox-static or kernel package), which is a failure (1) under CI=true.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${LJMM_VM_CACHE:-$HOME/.cache/ljmm/kernels}
out="" shares=() timeout=600 memory=2048 cpus=2
while [ $# -gt 0 ]; do
  case "$1" in
    --cache) cache=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --share) shares+=("$2"); shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --memory) memory=$2; shift 2 ;;
    --cpus) cpus=$2; shift 2 ;;
    --) shift; break ;;
    -*) echo "run_in_vm.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ $# -ne 2 ]; then
  echo "usage: run_in_vm.sh [options] SERIES COMMAND" >&2
  exit 2
fi
series=$1 command=$2

say() { echo "ljmm-vm: $*" >&2; }

# The machine cannot run the guest: a skip, except in CI where every test must run.
cannot_run() {
  if [ "${CI:-}" = "true" ]; then
    say "FAIL: $* (CI=true: VM tests must run)"
    exit 1
  fi
  say "SKIP: $*"
  exit 77
}

# newest_package SERIES: the newest amd64 kernel image package of the series the archive has,
# e.g. linux-image-6.1.0-56-amd64 or linux-image-6.12.117+deb12-amd64 (signed images only).
newest_package() {
  local pattern="^linux-image-${1//./\\.}\\.[0-9]+(-[0-9]+)?(\\+deb[0-9]+)?-amd64\$"
  apt-cache search --names-only "$pattern" 2>/dev/null | cut -d' ' -f1 | sort -V | tail -n 1
}

# unpacked_kernel SERIES: downloads (once) and unpacks (once) the package; prints its directory.
unpacked_kernel() {
  local package deb dir
  package=$(newest_package "$1")
  mkdir -p "$cache"
  if [ -n "$package" ]; then
    deb=$(ls "$cache/${package}_"*.deb 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$deb" ]; then
      say "downloading $package into $cache"
      (cd "$cache" && apt-get -o APT::Sandbox::User=root -qq download "$package" >&2) || true
      deb=$(ls "$cache/${package}_"*.deb 2>/dev/null | sort -V | tail -n 1 || true)
    fi
  fi
  # Without the archive (no apt lists, no network), the newest package of the series cached before.
  if [ -z "${deb:-}" ]; then
    deb=$(ls "$cache"/linux-image-"$1".[0-9]*-amd64_*.deb 2>/dev/null | sort -V | tail -n 1 || true)
  fi
  [ -n "$deb" ] || cannot_run "no Debian kernel package of series $1 (apt-cache knows none, none in $cache)"
  dir=${deb%.deb}
  if [ ! -e "$dir/.unpacked" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    dpkg-deb -x "$deb" "$dir"
    touch "$dir/.unpacked"
  fi
  echo "$dir"
}

# resolve_modules MODULES_DIR NAME...: the module files to load, dependencies first, from the
# package's modules.dep (made with busybox depmod: the package has none). Built-in ones are skipped.
resolve_modules() {
  local dir=$1
  shift
  [ -e "$dir/modules.dep" ] || busybox depmod -b "${dir%/lib/modules/*}" "$(basename "$dir")"
  awk -v wanted="$*" '
    function base(path) { sub(/.*\//, "", path); sub(/\.ko(\.[a-z]+)?$/, "", path); gsub(/-/, "_", path); return path }
    function visit(name,   deps, count, i) {
      if (name in done || !(name in file)) return
      done[name] = 1
      count = split(depends[name], deps, " ")
      for (i = 1; i <= count; i++) visit(base(deps[i]))
      print file[name]
    }
    { sub(/:$/, "", $1); name = base($1); file[name] = $1; $1 = ""; depends[name] = $0 }
    END { count = split(wanted, names, " "); for (i = 1; i <= count; i++) visit(names[i]) }
  ' "$dir/modules.dep"
}

# make_initramfs KERNEL_DIR VERSION FILE: busybox, guest_init.sh as /init, the modules.
make_initramfs() {
  local modules=$1/lib/modules/$2 root
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/modules" "$root/proc" "$root/dev"
  cp /bin/busybox "$root/bin/busybox"
  for applet in sh mount umount insmod mkdir chroot poweroff cat echo sync; do ln -s busybox "$root/bin/$applet"; done
  cp "$here/guest_init.sh" "$root/init"
  chmod +x "$root/init"
  : >"$root/modules/load.list"
  for module in $(resolve_modules "$modules" 9p 9pnet_virtio virtio_pci); do
    local name
    name=$(basename "$module")
    case "$name" in
      *.xz) xz -dc "$modules/$module" >"$root/modules/${name%.xz}"; name=${name%.xz} ;;
      *) cp "$modules/$module" "$root/modules/$name" ;;
    esac
    echo "$name" >>"$root/modules/load.list"
  done
  (cd "$root" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1 >"$3")
  rm -rf "$root"
}

command -v qemu-system-x86_64 >/dev/null || cannot_run "qemu-system-x86_64 not found (Debian package qemu-system-x86)"
[ -x /bin/busybox ] && /bin/busybox --list | grep -x cpio >/dev/null || cannot_run "no static busybox (Debian package busybox-static)"

kernel_dir=$(unpacked_kernel "$series")
version=$(basename "$(ls -d "$kernel_dir"/lib/modules/*)")
work=$(mktemp -d)
if [ -z "$out" ]; then out=$work/out; fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
trap 'rm -rf "$work"' EXIT
make_initramfs "$kernel_dir" "$version" "$work/initramfs.gz"
rm -f "$out/exit_code"
printf 'LJMM_VM_OUT=%q\nLJMM_VM_SHARES=%q\n' "$out" "${shares[*]}" >"$out/guest.env"
{
  echo "cd /"
  [ -n "${CI:-}" ] && printf 'export CI=%q\n' "$CI"
  echo "$command"
} >"$out/command.sh"

say "booting $version (TCG, $cpus CPUs, $memory MiB), at most $timeout s"
started=$(date +%s)
set +e
timeout --kill-after=10 "$timeout" qemu-system-x86_64 -accel tcg,thread=single -cpu max -smp "$cpus" -m "$memory" \
  -display none -monitor none -serial stdio -no-reboot -nic none \
  -kernel "$kernel_dir/boot/vmlinuz-$version" -initrd "$work/initramfs.gz" \
  -append "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init syscall.x32=y" \
  -virtfs "local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap" \
  -virtfs "local,path=$out,mount_tag=out,security_model=none" </dev/null
qemu_status=$?
set -e
say "guest ran $(($(date +%s) - started)) s"
if [ "$qemu_status" -eq 124 ] || [ "$qemu_status" -eq 137 ]; then
  say "FAIL: the guest did not finish within $timeout s"
  exit 124
fi
if [ ! -s "$out/exit_code" ]; then
  say "FAIL: the guest stopped without the command's exit code (QEMU exit $qemu_status)"
  exit 1
fi
exit "$(cat "$out/exit_code")"
