#!/usr/bin/env bash
# The recipe of the QEMU guest that vm/qemu.sh boots: Debian bookworm built by
# mmdebstrap from Debian's archive alone, with everything vm/provision.sh
# installs and the host's Node.js (bookworm only has 18), as an ext4 image plus
# the kernel and initrd to boot it with -kernel/-initrd.
# vm/qemu.sh caches the result under a hash of this file, vm/provision.sh and the
# host's Node.js, so whatever goes into the image must be decided here or there.
# Usage: vm/qemu-image.sh OUTDIR    (writes OUTDIR/root.img, vmlinuz, initrd.img)
set -euo pipefail
out=$1
vm=$(cd "$(dirname "$0")" && pwd)

# Node.js comes from the host's install prefix: bin/node, the headers node-gyp
# needs to build the addon (it would download them otherwise), and npm.
node=$(readlink -f "$(command -v node)")
prefix=$(dirname "$(dirname "$node")")
for f in "$prefix/include/node/node_api.h" "$prefix/lib/node_modules/npm/bin/npm-cli.js"; do
  [ -e "$f" ] || { echo "qemu-image: $f is missing: the guest needs the host's Node.js headers and npm" >&2; exit 1; }
done

# The tree is built in memory when there is room: dpkg and mke2fs are I/O bound.
tmp=${TMPDIR:-/var/tmp}
[ "$(df -Pm /dev/shm 2>/dev/null | awk 'NR==2 {print $4}')" -gt 4096 ] 2>/dev/null && tmp=/dev/shm
work=$(mktemp -d "$tmp/tsrun-vm-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"   # apt downloads as _apt, into the tree below
files=$work/files   # copied over the root before the kernel and the rest are installed
mkdir -p "$files/etc/initramfs-tools/conf.d" "$files/etc/initramfs-tools/hooks" "$files/usr/sbin" "$files/usr/local/etc"

# The guest's PID 1 only mounts the checkout and hands over to vm/qemu-init.sh
# in it, so what the guest does at boot can change without rebuilding the image.
# If that fails, init exits, the kernel panics and QEMU (-no-reboot) stops.
cat > "$files/usr/sbin/tsrun-init" <<'EOF'
#!/bin/sh
mkdir -p /mnt/tsrun
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose tsrun /mnt/tsrun &&
  exec /bin/bash /mnt/tsrun/vm/qemu-init.sh
echo "tsrun-init: cannot mount the checkout (9p tag tsrun)" >&2
EOF

# An initrd with just what mounts the root disk: the default (MODULES=most) is
# 30 MB and takes a minute to build, twice during the install.
echo MODULES=list > "$files/etc/initramfs-tools/conf.d/tsrun-vm"
cat > "$files/etc/initramfs-tools/hooks/tsrun-vm" <<'EOF'
#!/bin/sh
[ "$1" = prereqs ] && exit 0
. /usr/share/initramfs-tools/hook-functions
for m in virtio_pci virtio_blk ext4; do force_load "$m"; done
EOF
chmod 755 "$files/usr/sbin/tsrun-init" "$files/etc/initramfs-tools/hooks/tsrun-vm"

# The guest has no network: npm must never try it, and node-gyp finds the headers.
printf '%s\n' nodedir=/usr/local offline=true update-notifier=false audit=false fund=false > "$files/usr/local/etc/npmrc"

# As root, mmdebstrap writes the tree straight to a directory; otherwise (unshare
# mode) only a tar keeps the owners, and fakeroot lets mke2fs see them below.
if [ "$(id -u)" = 0 ]; then target=$work/root fake=(); else target=$work/root.tar fake=(fakeroot --); fi

# variant=apt: Essential packages and apt, then the kernel and provision.sh's
# list in the same apt run (one download, one initrd); provision.sh itself then
# runs in the chroot to check the result just as it would on a host.
# No MIRROR argument: mmdebstrap's default Debian mirror, with updates and
# security for a stable suite; TSRUN_VM_MIRROR may name a local one instead.
# dpkg: no fsync per file (a failed build is thrown away), no docs, and no
# kernel modules for hardware a VM never has (a third of the image).
packages=$(bash "$vm/provision.sh" --list | paste -sd,)
skip=() k='/lib/modules/*/kernel'   # quoted: a pattern for dpkg, not a glob here
for p in /usr/share/{doc,man,info,locale} "$k/sound" "$k/drivers/"{gpu,media,infiniband,iio,hwmon,usb,scsi,net/wireless,net/ethernet}; do
  skip+=(--dpkgopt="path-exclude=$p/*")
done
# shellcheck disable=SC2016 # $1 is the chroot, expanded by mmdebstrap's hooks
mmdebstrap --variant=apt --include="linux-image-amd64,mount,$packages" \
  --dpkgopt=force-unsafe-io "${skip[@]}" \
  --essential-hook="sync-in $files /" \
  --customize-hook='mkdir -p "$1/usr/local/lib/node_modules"' \
  --customize-hook="copy-in $node /usr/local/bin" \
  --customize-hook="copy-in $prefix/include/node /usr/local/include" \
  --customize-hook="copy-in $prefix/lib/node_modules/npm /usr/local/lib/node_modules" \
  --customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm"' \
  --customize-hook='ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
  --customize-hook="copy-in $vm/provision.sh /tmp" \
  --customize-hook='chroot "$1" bash /tmp/provision.sh && rm "$1/tmp/provision.sh"' \
  --customize-hook="download /vmlinuz $work/vmlinuz" \
  --customize-hook="download /initrd.img $work/initrd.img" \
  bookworm "$target" ${TSRUN_VM_MIRROR:+"$TSRUN_VM_MIRROR"}

# ext4 from the tree (mke2fs -d), with 4 GiB free for the tests' stores; the
# file is sparse and the guest only ever writes to a throwaway snapshot of it.
"${fake[@]}" sh -ec '
  [ -d "$1/root" ] || { mkdir "$1/root"; tar -C "$1/root" -xpf "$1/root.tar"; rm "$1/root.tar"; }
  size=$(( $(du -sm "$1/root" | cut -f1) + 4096 ))
  mke2fs -q -t ext4 -L tsrun-root -d "$1/root" "$1/root.img" "${size}M"' sh "$work"

mkdir -p "$out"
mv "$work/root.img" "$work/vmlinuz" "$work/initrd.img" "$out/"
