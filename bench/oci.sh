#!/usr/bin/env bash
# OCI runtime benchmark: median wall time of tsrun-oci beside crun and runc on
# the same busybox bundle, directly and through containerd (ctr run --rm),
# all measured in this run.
#   bench/oci.sh [RUNS]      (as root; build first: npm run build; needs containerd, crun, runc)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
RUNS=${1:-21}
CTR_RUNS=${CTR_RUNS:-$(( RUNS < 11 ? RUNS : 11 ))}
work=$(mktemp -d /tmp/tsrun-bench-oci.XXXXXX)
OCI="$PWD/dist/tsrun-oci.cjs"
FAST="$PWD/build/Release/tsrun-oci-fast"   # start/state/kill/delete in C, the rest through Node
daemon_pid=""
cleanup() {
  if [ -n "$daemon_pid" ]; then kill "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null || true; fi
  find /sys/fs/cgroup -maxdepth 8 -type d -name "tsrun-bench-oci-$$" 2>/dev/null | xargs -r rmdir 2>/dev/null || true
  grep " $work/" /proc/self/mountinfo | cut -d' ' -f5 | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

scripts/busybox-rootfs.sh "$work/rootfs.tar"
bench_bundle "$work/bundle" "$work/rootfs.tar"

# crun 1.8 refuses hybrid cgroup hosts while a controller sits on v2 (here: hugetlb); in a private
# mount namespace without the v2 mount it runs (see bench/start.sh). containerd below gets the same view.
private_v1() { unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"' sh "$@"; }

echo "OCI runtimes, median of $RUNS runs ($(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg))"
node_ms=$(median_ms "$RUNS" node -e 0)
row "node -e 0" "$node_ms"
row "tsrun-oci --version (bundle load)" "$(median_ms "$RUNS" node "$OCI" --version)"
oci_ms=$(median_ms "$RUNS" node "$OCI" --root "$work/oci" run -b "$work/bundle" "bench-$$")
row "tsrun-oci run (create+start+wait+delete)" "$oci_ms"
crun_ms=$(median_ms "$RUNS" private_v1 crun --cgroup-manager=disabled run -b "$work/bundle" "bench-crun-$$")
row "crun run (private mount ns, no cgroup)" "$crun_ms"
row "runc run" "$(median_ms "$RUNS" runc --root "$work/runc" run -b "$work/bundle" "bench-runc-$$")"

# the steps containerd calls, one by one
step() { # step RUNTIME LABEL: create, start, state, delete of a container that runs `true`
  local rt=$1 c=() s=() st=() d=() i t0 t1
  for ((i = 0; i < RUNS; i++)); do
    t0=$(date +%s%N); "$rt" create -b "$work/bundle" "step-$$" >/dev/null 2>&1 </dev/null; t1=$(date +%s%N); c+=($(( (t1 - t0) / 1000 )))
    t0=$t1; "$rt" start "step-$$" >/dev/null 2>&1; t1=$(date +%s%N); s+=($(( (t1 - t0) / 1000 )))
    t0=$t1; "$rt" state "step-$$" >/dev/null 2>&1; t1=$(date +%s%N); st+=($(( (t1 - t0) / 1000 )))
    sleep 0.05
    t0=$(date +%s%N); "$rt" delete -f "step-$$" >/dev/null 2>&1; t1=$(date +%s%N); d+=($(( (t1 - t0) / 1000 )))
  done
  local med='sort -n | awk "{a[NR]=\$1} END {printf \"%.1f\", a[int((NR+1)/2)] / 1000}"'
  printf '  %-20s create %6s  start %6s  state %6s  delete %6s ms\n' "$2" \
    "$(printf '%s\n' "${c[@]}" | eval "$med")" "$(printf '%s\n' "${s[@]}" | eval "$med")" \
    "$(printf '%s\n' "${st[@]}" | eval "$med")" "$(printf '%s\n' "${d[@]}" | eval "$med")"
}
oci_rt() { node "$OCI" --root "$work/oci" "$@"; }
fast_rt() { "$FAST" --root "$work/oci" "$@"; }
crun_rt() { private_v1 crun --root "$work/crun" --cgroup-manager=disabled "$@"; }
runc_rt() { runc --root "$work/runc" "$@"; }
echo "per operation (median of $RUNS):"
step oci_rt tsrun-oci
step fast_rt tsrun-oci-fast
step crun_rt crun
step runc_rt runc

if command -v containerd >/dev/null && command -v ctr >/dev/null; then
  cat > "$work/containerd.toml" <<EOF
version = 2
root = "$work/containerd/root"
state = "$work/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$work/containerd.sock"
[ttrpc]
  address = "$work/containerd.sock.ttrpc"
EOF
  # not through the function: $! must be containerd itself (unshare and sh exec it: one pid)
  unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$@"' sh \
    containerd --config "$work/containerd.toml" >"$work/containerd.log" 2>&1 &
  daemon_pid=$!
  CTR="ctr -a $work/containerd.sock"
  for _ in $(seq 100); do $CTR version >/dev/null 2>&1 && break; sleep 0.1; done
  TSRUN_ROOT="$work/tsrun" node dist/tsrun.mjs import "$work/rootfs.tar" docker.io/library/busybox:bench >/dev/null
  TSRUN_ROOT="$work/tsrun" node dist/tsrun.mjs save -o "$work/image.tar" docker.io/library/busybox:bench
  $CTR images import "$work/image.tar" >/dev/null
  ctr_seq=0  # not "n": median_ms has a local n, and bash scopes dynamically
  # cgroups under this script's own (relative: the shim runs in it), removed at the end; not containerd's /default
  ctr_run() { ctr_seq=$((ctr_seq + 1)); $CTR run --rm --runc-binary "$1" --runc-root "$work/ctr-$2" --fifo-dir "$work/fifo" \
    --cgroup "tsrun-bench-oci-$$/bench-$2-$ctr_seq" docker.io/library/busybox:bench "bench-$2-$ctr_seq" true; }
  echo "ctr run --rm busybox true through containerd $(containerd --version | cut -d' ' -f3) (median of $CTR_RUNS):"
  row "ctr run --rm, runtime tsrun-oci" "$(median_ms "$CTR_RUNS" ctr_run "$OCI" oci)"
  row "ctr run --rm, runtime tsrun-oci-fast" "$(median_ms "$CTR_RUNS" ctr_run "$FAST" fast)"
  row "ctr run --rm, runtime crun" "$(median_ms "$CTR_RUNS" ctr_run "$(command -v crun)" crun)"
  row "ctr run --rm, runtime runc" "$(median_ms "$CTR_RUNS" ctr_run "$(command -v runc)" runc)"
fi
awk -v o="$oci_ms" -v n="$node_ms" -v c="$crun_ms" 'BEGIN {
  printf "  tsrun-oci run - (node + 2 x crun run) = %.1f ms (target: <= 0)\n", o - n - 2 * c }'
