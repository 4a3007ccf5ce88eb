#!/bin/bash
# PID 1 of the QEMU guest, started by the image's /usr/sbin/tsrun-init once the
# checkout is mounted read-only at /mnt/tsrun. Sets up what a booted system
# has (there is no systemd: it would only add seconds), runs vm/guest-test.sh
# with the host's arguments, hands its exit status back through the writable
# "run" share, and powers off. Lives in the checkout, not the image, so it can
# change without a rebuild.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
# The initrd has mounted /proc, /sys and /dev already.
mnt() { mkdir -p "${@: -1}"; mountpoint -q "${@: -1}" || mount "$@"; }
mnt -t cgroup2 cgroup2 /sys/fs/cgroup
mnt -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mnt -t tmpfs -o mode=1777 tmpfs /dev/shm
mnt -t tmpfs -o mode=755 tmpfs /run
mnt -t 9p -o trans=virtio,version=9p2000.L run /mnt/run
mnt -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose node_modules /mnt/node_modules
modprobe loop 2>/dev/null || true   # the confinement tests make a loop device
hostname tsrun-vm
ip link set lo up
stty -F /dev/console -onlcr 2>/dev/null   # plain \n on the host's terminal and logs

# The host writes one argument per line, and its CI variable (the tests fail
# instead of skipping when CI=true).
mapfile -t args < /mnt/run/args
[ -f /mnt/run/ci ] && export CI=true
TSRUN_VM_PREBUILT=/mnt/node_modules bash /mnt/tsrun/vm/guest-test.sh /mnt/tsrun "${args[@]}"
echo $? > /mnt/run/status
umount /mnt/run
sync
# reboot(2) straight away: nothing else runs that needs stopping.
busybox poweroff -f || echo o > /proc/sysrq-trigger
sleep 10
