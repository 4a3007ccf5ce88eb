#!/usr/bin/env bash
# Runs the test suite as root inside a VM, the same way for all three ways in:
# vm/qemu.sh (npm run test:vm), vm/lima.yaml and vm/Vagrantfile.
# Usage: guest-test.sh SRC [TEST_PATH...]
#   SRC is the checkout as the VM sees it, read-only; TEST_PATHs default to the
#   unit and integration suites (test/vm would try to start a VM in the VM).
# TSRUN_VM_PREBUILT=DIR (the QEMU guest: no network, and maybe emulated): the
# host has run `npm ci`, shared its node_modules as DIR, and built dist/ and
# build/ with the same Node binary the guest runs, so use them; otherwise
# `npm ci` (npm registry) and the test command's own build run here.
set -euo pipefail
src=$(cd "$1" && pwd); shift
[ $# -gt 0 ] || set -- test/unit test/integration
modules=${TSRUN_VM_PREBUILT:-}
[ -z "$modules" ] && prebuilt=0 || prebuilt=1

# The tests write next to the sources (.tap/, and build/ and dist/ when they
# build) and the share is read-only: work on a copy.
work=/var/tmp/tsrun-src
skip=(--exclude=./node_modules --exclude=./.tap --exclude=./.git)
[ "$prebuilt" = 1 ] || skip+=(--exclude=./build --exclude=./dist)   # may be another OS's
rm -rf "$work" && mkdir -p "$work"
tar -C "$src" "${skip[@]}" -cf - . | tar -C "$work" -xf -
cd "$work"

bash vm/provision.sh
if [ "$prebuilt" = 1 ]; then
  # Read-only is fine: nothing writes to node_modules once installed.
  ln -s "$modules" node_modules
  export TSRUN_TEST_PREBUILT=1
else
  # node-gyp builds against the distribution's headers (libnode-dev), not a download
  [ -n "${npm_config_nodedir:-}" ] || [ ! -f /usr/include/node/common.gypi ] || export npm_config_nodedir=/usr
  npm ci --no-audit --no-fund
fi
echo "guest-test: npm test -- $* (as $(id -un) on $(uname -r))"
npm test -- "$@"
