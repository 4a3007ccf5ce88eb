#!/usr/bin/env bash
# npm run test:vm [-- TEST_PATH...]: the test suite as root inside a throwaway
# Debian VM, so nobody has to run it as root on their own machine.
# Needs Linux with Debian's qemu-system-x86 and mmdebstrap (installed here when
# run as root), /dev/kvm for speed, Node.js 20 and `npm ci` done on the host.
#  - builds the guest image once with vm/qemu-image.sh and caches it under
#    $TSRUN_VM_CACHE (default ~/.cache/tsrun-vm), keyed by a hash of what
#    goes into it: rebuilt only when that changes (or TSRUN_VM_REBUILD=1);
#  - boots its kernel directly, root disk as a snapshot (the cache stays clean),
#    the checkout shared read-only over 9p, no network;
#  - streams the guest's console and exits with the suite's exit code.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
say() { echo "test:vm: $*" >&2; }
# A caller's Node hooks (tap's --import, with host paths) must not reach the
# image build's chroot or the host build.
unset NODE_OPTIONS

# Host tools, all Debian packages.
tools=(qemu-system-x86_64:qemu-system-x86 mmdebstrap:mmdebstrap mke2fs:e2fsprogs)
[ "$(id -u)" = 0 ] || tools+=(fakeroot:fakeroot)
missing=()
for t in "${tools[@]}"; do command -v "${t%%:*}" >/dev/null || missing+=("${t#*:}"); done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { say "missing host packages; run: sudo apt-get install ${missing[*]}"; exit 2; }
  say "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The guest has no network and may be emulated: it uses the host's node_modules,
# and what the host builds here (it runs the same Node binary, so the addon loads).
[ -d "$repo/node_modules" ] || { say "no node_modules: run npm ci first"; exit 2; }
# (TSRUN_TEST_PREBUILT=1: the caller has just built, as test/vm does.)
if [ "${TSRUN_TEST_PREBUILT:-}" != 1 ]; then
  log=$(mktemp); (cd "$repo" && npm run --silent build >"$log" 2>&1) || { cat "$log"; rm -f "$log"; say "build failed"; exit 1; }
  rm -f "$log"
fi

# The image: one directory per key, built aside and renamed into place, under a
# lock so that two runs never build it at once.
cache=${TSRUN_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tsrun-vm}
node=$(readlink -f "$(command -v node)")
key=$({ cat "$repo/vm/qemu-image.sh" "$repo/vm/provision.sh"; echo "$node"; node --version; npm --version; } | sha256sum | cut -c1-16)
image=$cache/$key
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [ ! -f "$image/root.img" ] || [ "${TSRUN_VM_REBUILD:-0}" = 1 ]; then
  say "building the guest image $key (a few minutes, once)"
  start=$SECONDS
  rm -rf "$image" "$image.new"
  bash "$repo/vm/qemu-image.sh" "$image.new"
  mv "$image.new" "$image"
  say "built the guest image in $((SECONDS - start))s"
fi
# Images of other keys may be in use by another checkout's run: only those
# unused for a week go.
touch "$image"
find "$cache" -mindepth 1 -maxdepth 1 -type d ! -name "$key" -mtime +7 -exec rm -rf {} +
flock -u 9

# KVM when it can run a stock kernel; TCG (emulation) works too, many times slower.
# A /dev/kvm served by kvm_pvm alone (pagetable-based virtualization, found
# inside some cloud VMs) only boots PVM-enlightened guest kernels, not Debian's.
accel=${TSRUN_VM_ACCEL:-}
if [ -z "$accel" ]; then
  if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
    say "WARNING: /dev/kvm is missing or not accessible: falling back to TCG emulation (slow)"; accel=tcg
  elif [ -d /sys/module/kvm_pvm ] && [ ! -d /sys/module/kvm_intel ] && [ ! -d /sys/module/kvm_amd ]; then
    say "WARNING: /dev/kvm is kvm_pvm, which cannot boot Debian's kernel: falling back to TCG emulation (slow)"; accel=tcg
  else
    accel=kvm
  fi
fi
case $accel in
  kvm) accel=(-accel kvm -cpu host) ;;
  *) accel=(-accel tcg -cpu max) ;;
esac

# The "run" share: arguments in, exit status out. node_modules is a share of
# its own: it may be a symlink to somewhere outside the checkout.
run=$(mktemp -d "${TMPDIR:-/tmp}/tsrun-vm-run.XXXXXX")
trap 'rm -rf "$run"' EXIT
: > "$run/args"; [ $# -eq 0 ] || printf '%s\n' "$@" > "$run/args"
[ "${CI:-}" = true ] && touch "$run/ci"

# In the background so that a TERM or INT to this script stops QEMU too.
qemu-system-x86_64 "${accel[@]}" -machine q35 -smp "$(nproc)" -m "${TSRUN_VM_MEMORY:-4096}" \
  -nodefaults -no-user-config -display none -no-reboot -serial stdio \
  -kernel "$image/vmlinuz" -initrd "$image/initrd.img" \
  -append "root=/dev/vda rw console=ttyS0 quiet loglevel=3 panic=1 fsck.mode=skip mitigations=off init=/usr/sbin/tsrun-init" \
  -drive "file=$image/root.img,format=raw,if=virtio,snapshot=on" \
  -virtfs "local,path=$repo,mount_tag=tsrun,security_model=none,readonly=on" \
  -virtfs "local,path=$run,mount_tag=run,security_model=none" \
  -virtfs "local,path=$(readlink -f "$repo/node_modules"),mount_tag=node_modules,security_model=none,readonly=on" \
  </dev/null &
qemu=$!
trap 'kill $qemu 2>/dev/null' TERM INT HUP
wait $qemu || wait $qemu || true   # twice: a trapped signal ends the first wait

if [ ! -s "$run/status" ]; then
  say "the guest stopped without reporting a result (see its console above)"
  exit 1
fi
exit "$(cat "$run/status")"
