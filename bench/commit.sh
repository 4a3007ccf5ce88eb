#!/usr/bin/env bash
# Commit benchmark: a container that wrote 10,000 small files and one 200 MB
# file, committed by tsrun, beside `tar -c` of the same upper dir (the floor:
# reading the files and writing one tar) and `podman commit` when installed.
# Then the resident memory of the monitor of each of N detached containers.
#   bench/commit.sh [RUNS] [N]      (as root; build first: npm run build)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
RUNS=${1:-3}
N=${2:-5}
# not under /tmp: it may be a tmpfs, and a commit's cost is the disk's
bench_store commit /var/tmp

WRITE='mkdir /data && cd /data && i=0; while [ $i -lt 10000 ]; do echo "file $i" > f$i; i=$((i+1)); done; dd if=/dev/urandom of=/big bs=1M count=200 2>/dev/null'

$TSRUN run --name bench busybox sh -c "$WRITE"
upper=$($TSRUN inspect -f '{{.GraphDriver.Data.UpperDir}}' bench)
echo "commit of 10,000 small files + one 200 MB file, median of $RUNS runs ($(nproc) cores, $(uname -r))"
echo "  upper dir: $(du -sh "$upper" | cut -f1), $(find "$upper" | wc -l) entries"

floor_ms=$(median_ms "$RUNS" sh -c "tar -C '$upper' -cf '$work/floor.tar' . && sync -f '$work/floor.tar'")
row "tar -c of the upper dir (floor)" "$floor_ms"
floor_hash_ms=$(median_ms "$RUNS" sh -c "tar -C '$upper' -cf - . | tee '$work/floor.tar' | sha256sum >/dev/null && sync -f '$work/floor.tar'")
row "tar -c | sha256sum (floor with the digest)" "$floor_hash_ms"
commits=0
commit_once() { commits=$((commits + 1)); $TSRUN commit bench "bench:run$commits" >/dev/null; }
tsrun_ms=$(median_ms "$RUNS" commit_once)
row "tsrun commit" "$tsrun_ms"
awk -v a="$tsrun_ms" -v b="$floor_hash_ms" 'BEGIN { printf "  %-48s %8.2f x\n", "tsrun / floor with the digest", a / b }'

if command -v podman >/dev/null; then
  podman import -q "$work/rootfs.tar" tsrun-bench-busybox >/dev/null
  if err=$(podman run --name tsrun-bench tsrun-bench-busybox sh -c "$WRITE" 2>&1); then
    podman_ms=$(median_ms "$RUNS" podman commit -q tsrun-bench tsrun-bench-committed)
    row "podman commit" "$podman_ms"
  else
    echo "  podman commit: podman cannot run a container here: $(echo "$err" | tail -1)"
  fi
  podman rm -f tsrun-bench >/dev/null 2>&1 || true
  podman rmi -f tsrun-bench-committed tsrun-bench-busybox >/dev/null 2>&1 || true
else
  echo "  podman commit: podman is not installed"
fi

echo "monitor resident memory, $N detached containers (target < 10 MB; Podman's conmon is the anchor)"
for ((i = 0; i < N; i++)); do $TSRUN run -d busybox sleep 300 >/dev/null; done
total=0
for id in $($TSRUN ps -q --no-trunc); do
  pid=$(sed 's/.*"MonitorPid":\([0-9]*\).*/\1/' "$TSRUN_ROOT/containers/$id/state.json")
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  pss=$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo "?")
  printf '  monitor %-8s of %s   RSS %6s kB   PSS %6s kB\n' "$pid" "${id:0:12}" "$rss" "$pss"
  total=$((total + rss))
done
echo "  average RSS: $((total / N)) kB"
if command -v conmon >/dev/null; then echo "  (conmon is installed: compare with podman run -d)"; fi
