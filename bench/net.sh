#!/usr/bin/env bash
# Network benchmark: requests per second of busybox httpd (one small file,
# ApacheBench on 127.0.0.1) through a published port (-p: DNAT into the
# container's namespace over the bridge) beside the same server on the host's
# network, and podman's published port when podman is installed.
#   bench/net.sh [REQUESTS] [CONCURRENCY] [ROUNDS]   (as root; build first: npm run build)
# Traffic stays on 127.0.0.1; every run is bounded by its request count (and ab's 10 s socket timeout).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
REQUESTS=${1:-5000}
CONCURRENCY=${2:-8}
ROUNDS=${3:-3}
command -v ab >/dev/null || { echo "bench/net.sh needs ab (apt-get install apache2-utils)" >&2; exit 1; }
PUBLISHED=18090 HOSTNET=18091 PODMAN=18092
bench_cleanup() {
  if command -v podman >/dev/null; then podman rm -f tsrun-bench-net >/dev/null 2>&1; podman rmi -f localhost/tsrun-bench-busybox >/dev/null 2>&1; fi || true
}
bench_store net
mkdir -p "$work/www"
head -c 1024 /dev/zero | tr '\0' x >"$work/www/index.html"

$TSRUN run -d --name bench-published -p $PUBLISHED:80 -v "$work/www:/www:ro" busybox httpd -f -p 80 -h /www >/dev/null
$TSRUN run -d --name bench-host --network host -v "$work/www:/www:ro" busybox httpd -f -p 127.0.0.1:$HOSTNET -h /www >/dev/null
targets=("tsrun -p $PUBLISHED:80 (bridge + DNAT)=$PUBLISHED" "tsrun --network host=$HOSTNET")
podman_note="podman is not installed: no podman row"
if command -v podman >/dev/null; then
  # crun refuses hybrid cgroup hosts (see bench/start.sh): use runc when it is there; --ulimit host:
  # root here lacks CAP_SYS_RESOURCE, so the nofile limit podman wants cannot be set
  runtime=()
  command -v runc >/dev/null && runtime=(--runtime runc)
  if podman import -q "$work/rootfs.tar" localhost/tsrun-bench-busybox >/dev/null 2>&1 &&
     podman "${runtime[@]}" run -d --ulimit host --name tsrun-bench-net -p $PODMAN:80 -v "$work/www:/www:ro" localhost/tsrun-bench-busybox \
       httpd -f -p 80 -h /www >"$work/podman.log" 2>&1; then
    targets+=("podman -p $PODMAN:80=$PODMAN")
    podman_note=""
  else
    podman_note="podman could not start the server: $(tail -1 "$work/podman.log")"
  fi
fi

# waits until the server answers
for t in "${targets[@]}"; do
  port=${t##*=}
  for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:$port/index.html" && break; sleep 0.1; done
done

rps() { ab -q -s 10 -n "$REQUESTS" -c "$CONCURRENCY" "http://127.0.0.1:$1/index.html" 2>/dev/null | awk '/Requests per second/ {print $4}'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

echo "busybox httpd, 1 KiB file, ab -n $REQUESTS -c $CONCURRENCY on 127.0.0.1, median of $ROUNDS rounds ($(nproc) cores, $(uname -r))"
declare -A results
for ((r = 0; r < ROUNDS; r++)); do
  for t in "${targets[@]}"; do results[$t]+="$(rps "${t##*=}") "; done  # interleaved: load on the machine hits all alike
done
host_rps=""
for t in "${targets[@]}"; do
  m=$(printf '%s\n' ${results[$t]} | median)
  printf '  %-44s %10.0f req/s   (rounds: %s)\n' "${t%=*}" "$m" "${results[$t]% }"
  [[ $t == "tsrun --network host="* ]] && host_rps=$m
done
pub=$(printf '%s\n' ${results[${targets[0]}]} | median)
awk -v p="$pub" -v h="$host_rps" 'BEGIN { printf "  published port / host network: %.1f%%\n", 100 * p / h }'
[ -z "$podman_note" ] || echo "  ($podman_note)"
