#!/usr/bin/env bash
# Installs the system packages tsrun, its tests and its benchmarks need on
# Debian/Ubuntu. Used by .ci/run, the QEMU runner, Lima and Vagrant alike, so
# the four paths cannot drift apart. Idempotent; run as root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

PACKAGES=(
  # build the addon (node-gyp); libseccomp compiles seccomp profiles to BPF
  build-essential python3 make g++ git ca-certificates libseccomp-dev
  # fixtures and tests
  busybox-static tmux iproute2 iptables procps kmod curl openssl file
  # the nftables firewall backend (tested beside iptables)
  nftables
  # a real registry on loopback, and other clients' images for interop
  docker-registry apache2-utils skopeo umoci
  # zstd-compressed layers (Node 20 zlib has no zstd)
  zstd
  # peers for differential tests and benchmarks
  crun runc
  # containerd drives tsrun-oci in the OCI runtime tests (ctr --runc-binary)
  containerd
)
# vm/qemu-image.sh installs the same list when it builds the QEMU guest.
if [ "${1:-}" = --list ]; then printf '%s\n' "${PACKAGES[@]}"; exit 0; fi
# The QEMU runner's own tools, on a host with /dev/kvm (npm test runs test/vm
# there); not in the guest.
VM_HOST_PACKAGES=(qemu-system-x86 mmdebstrap e2fsprogs)
wanted=("${PACKAGES[@]}")
[ ! -e /dev/kvm ] || wanted+=("${VM_HOST_PACKAGES[@]}")

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "provision: installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Debian registry package starts a service on :5000 in a full system; the tests start their own.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
  systemctl disable --now docker-registry >/dev/null 2>&1 || true
fi

# Node.js 20 or newer: use what is there, else Debian's (bookworm has 18: too old, say so).
if ! command -v node >/dev/null 2>&1 || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "provision: Node.js >= 20 is required (found: $(node --version 2>/dev/null || echo none))." >&2
  echo "provision: install it from your distribution or nodejs.org, then run this script again." >&2
  exit 1
fi

modprobe overlay 2>/dev/null || true
grep -qw overlay /proc/filesystems || { echo "provision: the kernel has no overlayfs" >&2; exit 1; }
echo "provision: ok ($(node --version), $(uname -r))"
