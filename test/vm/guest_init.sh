#!/bin/sh
# /init of the test guest's initramfs (busybox): loads the 9p and virtio modules, mounts this
# machine's root file system read-only as the guest's root, runs the command in it, writes its exit
# code to the output share and powers off. Settings come from /out/guest.env (run_in_vm.sh).
export PATH=/bin
fail() {
  echo "ljmm-vm: $*"
  poweroff -f
}

mount -t proc proc /proc
mount -t devtmpfs dev /dev
# In the order that resolve_modules (run_in_vm.sh) took from the package's modules.dep.
while read -r module; do
  insmod "/modules/$module" || fail "cannot load $module"
done </modules/load.list

options=trans=virtio,version=9p2000.L
mkdir -p /out /host /newroot
mount -t 9p -o "$options" out /out || fail "cannot mount the output share"
. /out/guest.env
# The host's root (read-only, cached: nothing changes under it), and bound again as the guest's
# root: from the first view the shared directories under /tmp are bound again above the guest's tmpfs.
mount -t 9p -o "$options,cache=loose,msize=262144,ro" root /host || fail "cannot mount the root share"
mount --bind /host /newroot

r=/newroot
mount -t proc proc $r/proc
mount -t sysfs sys $r/sys
mount -t devtmpfs dev $r/dev
mkdir -p $r/dev/pts $r/dev/shm
mount -t devpts devpts $r/dev/pts
mount -t tmpfs shm $r/dev/shm
mount -t tmpfs tmp $r/tmp
mount -t tmpfs run $r/run
mount -t bpf bpf $r/sys/fs/bpf
mount -t tracefs tracefs $r/sys/kernel/tracing
mount -t debugfs debugfs $r/sys/kernel/debug 2>/dev/null
for dir in $LJMM_VM_SHARES; do
  [ -d "/host$dir" ] || continue
  mkdir -p "$r$dir" 2>/dev/null  # under a tmpfs; elsewhere it exists already
  mount --bind "/host$dir" "$r$dir"
done
mkdir -p "$r$LJMM_VM_OUT" 2>/dev/null
mount --bind /out "$r$LJMM_VM_OUT" || fail "cannot bind the output share to $LJMM_VM_OUT"

echo "ljmm-vm: kernel $(uname -r), running $LJMM_VM_OUT/command.sh"
chroot $r /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
  TERM=dumb LJMM_VM_KERNEL="$(uname -r)" LJMM_VM_OUT="$LJMM_VM_OUT" /bin/sh "$LJMM_VM_OUT/command.sh" </dev/null
echo $? >/out/exit_code
sync
umount $r$LJMM_VM_OUT /out 2>/dev/null
poweroff -f
