#!/usr/bin/env bash
# Start-up benchmark: median wall time of a container that runs `true`,
# tsrun beside its peers, all measured in this run on the same busybox rootfs.
#   bench/start.sh [RUNS]      (as root; build first: npm run build)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
RUNS=${1:-21}
bench_store start

# An OCI bundle of the same rootfs for crun/runc: the floor a runtime can reach.
bench_bundle "$work/bundle" "$work/rootfs.tar"

echo "container start-up, median of $RUNS runs ($(nproc) cores, $(uname -r))"
node_ms=$(median_ms "$RUNS" node -e 0)
row "node -e 0" "$node_ms"
$TSRUN run --rm busybox true >/dev/null # the first run of a build writes its code cache (dist/.v8-cache)
tsrun_ms=$(median_ms "$RUNS" $TSRUN run --rm busybox true)
row "tsrun run --rm busybox true" "$tsrun_ms"
row "tsrun run --rm --network none busybox true" "$(median_ms "$RUNS" $TSRUN run --rm --network none busybox true)"
crun_ms=""
if command -v crun >/dev/null; then
  # crun 1.8 refuses hybrid cgroup hosts while a controller sits on v2 (here: hugetlb), even with
  # --cgroup-manager=disabled; in a private mount namespace without the v2 mount it runs (unshare costs ~1 ms).
  crun_floor() { unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun --cgroup-manager=disabled run -b "$1" "$2"' sh "$@"; }
  crun_ms=$(median_ms "$RUNS" crun_floor "$work/bundle" "bench-$$")
  row "crun run (OCI bundle, no cgroup)" "$crun_ms"
fi
if command -v runc >/dev/null; then
  row "runc run (OCI bundle)" "$(median_ms "$RUNS" runc run -b "$work/bundle" "bench-runc-$$")"
fi
if command -v podman >/dev/null; then
  podman import "$work/rootfs.tar" tsrun-bench-busybox >/dev/null 2>&1
  row "podman run --rm" "$(median_ms "$RUNS" podman run --rm tsrun-bench-busybox true)"
  podman rmi tsrun-bench-busybox >/dev/null 2>&1 || true
fi
if [ -n "$crun_ms" ]; then
  awk -v t="$tsrun_ms" -v n="$node_ms" -v c="$crun_ms" 'BEGIN {
    printf "  tsrun - (node + crun) = %.1f ms (target: <= 30 ms)\n", t - n - c }'
fi
