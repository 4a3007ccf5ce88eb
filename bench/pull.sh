#!/usr/bin/env bash
# Pull benchmark (not run in CI): a multi-layer image of about 90 MB
# uncompressed (busybox plus layers of random and text files), served by a
# local docker-registry on 127.0.0.1, pulled into an empty store by
#   - curl of the same blobs, 3 at a time (the floor: bytes only),
#   - tsrun pull (download + verify + unpack),
#   - skopeo copy to an OCI dir + umoci unpack,
#   - podman pull, when installed.
# The image and the registry storage are cached in $TSRUN_BENCH_CACHE
# (default /var/tmp/tsrun-bench), outside the repo. Run as root after `npm run build`.
# Twice: on loopback (the download is nearly free, so decompression and
# writing files are all that is measured), then through a link of LINK_MBIT
# (default 200; 0 skips it): the registry in a network namespace of the
# bench's own behind a veth shaped with tc, as a registry across a network is.
# Usage: bench/pull.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
CACHE=${TSRUN_BENCH_CACHE:-/var/tmp/tsrun-bench}
TSRUN="node $PWD/dist/tsrun.cjs"
[ -f dist/tsrun.cjs ] || TSRUN="node $PWD/dist/cli/main.js"
mkdir -p "$CACHE"
work=$(mktemp -d)
registry_pid=
link_pid=
netns=tsrun-bench-pull-$$
cleanup() {
  [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null
  [ -n "$link_pid" ] && kill "$link_pid" 2>/dev/null
  ip link del tbpull0 2>/dev/null; ip netns del "$netns" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$(now)" -v b="$1" 'BEGIN { printf "%.3f", a - b }'; }

# --- the image: an OCI layout built with umoci, one layer per repack
layout="$CACHE/layout"
if [ ! -f "$CACHE/layout.done" ]; then
  echo "bench: building the image in $layout (once)" >&2
  rm -rf "$layout" "$CACHE/bundle"
  umoci init --layout "$layout"
  umoci new --image "$layout:bench"
  umoci unpack --image "$layout:bench" "$CACHE/bundle" >/dev/null
  scripts/busybox-rootfs.sh | tar -C "$CACHE/bundle/rootfs" -xf -
  umoci repack --refresh-bundle --image "$layout:bench" "$CACHE/bundle"
  for n in 1 2 3 4; do
    d="$CACHE/bundle/rootfs/data$n"
    mkdir -p "$d"
    # half incompressible, half text: about 22 MB per layer
    for f in $(seq 1 40); do head -c 262144 /dev/urandom > "$d/random-$f.bin"; done
    for f in $(seq 1 40); do head -c 196608 /dev/urandom | base64 > "$d/text-$f.txt"; done
    umoci repack --refresh-bundle --image "$layout:bench" "$CACHE/bundle"
  done
  umoci config --image "$layout:bench" --config.cmd sh
  rm -rf "$CACHE/bundle"
  touch "$CACHE/layout.done"
fi

# --- the registry, its storage cached too
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/registry.yml" <<YML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $CACHE/registry}}
http: {addr: 127.0.0.1:$port}
YML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.1; done
host=127.0.0.1:$port
ref=$host/bench/image:1
skopeo copy --quiet --dest-tls-verify=false "oci:$layout:bench" "docker://$ref"

manifest=$(curl -fs -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$host/v2/bench/image/manifests/1")
blobs=$(node -e 'const m=JSON.parse(process.argv[1]); for (const l of m.layers) console.log(l.digest)' "$manifest")
bytes=$(node -e 'const m=JSON.parse(process.argv[1]); console.log(m.layers.reduce((a,l)=>a+l.size,0))' "$manifest")
echo "bench: $(echo "$blobs" | wc -l) layers, $((bytes / 1000000)) MB compressed, from $ref" >&2

mkdir -p "$work/docker" && echo '{}' > "$work/docker/config.json"


run_curl() {
  echo "$blobs" | xargs -P3 -I{} curl -fs -o /dev/null "http://$host/v2/bench/image/blobs/{}"
}
run_tsrun() {
  rm -rf "$work/store"
  TSRUN_CONFIG="$work/tsrun.json" DOCKER_CONFIG="$work/docker" $TSRUN --root "$work/store" pull -q "$ref" >/dev/null
}
run_skopeo_umoci() {
  rm -rf "$work/oci" "$work/bundle"
  skopeo copy --quiet --src-tls-verify=false "docker://$ref" "oci:$work/oci:img"
  umoci unpack --image "$work/oci:img" "$work/bundle" >/dev/null
}
run_podman() {
  # every bench/image of earlier runs too (other ports): they would hold the layers
  podman images --format '{{.ID}} {{.Repository}}' | awk '$2 ~ /\/bench\/image$/ {print $1}' | xargs -r podman rmi -f >/dev/null 2>&1 || true
  podman pull -q --tls-verify=false "$ref" >/dev/null
}

# measure LABEL HOST: every tool pulls from the registry at HOST, RUNS times; the best of each.
measure() {
  host=$2
  ref=$host/bench/image:1
  echo '{"insecure-registries": ["'"$host"'"]}' > "$work/tsrun.json"
  echo "== $1" >&2
  tools=(curl tsrun skopeo_umoci)
  command -v podman >/dev/null && tools+=(podman)
  declare -A best
  for tool in "${tools[@]}"; do best[$tool]=999999; done
  for run in $(seq "$RUNS"); do
    for tool in "${tools[@]}"; do
      sync
      t0=$(now)
      "run_$tool"
      s=$(elapsed "$t0")
      printf 'run %d  %-14s %6.2f s\n' "$run" "$tool" "$s"
      best[$tool]=$(awk -v a="$s" -v b="${best[$tool]}" 'BEGIN { print (a < b ? a : b) }')
    done
  done
  echo
  printf '%-14s %8s %10s %10s\n' tool 'best s' 'MB/s' 'x curl'
  for tool in "${tools[@]}"; do
    awk -v t="$tool" -v s="${best[$tool]}" -v c="${best[curl]}" -v b="$bytes" 'BEGIN { printf "%-14s %8.2f %10.1f %10.2f\n", t, s, b / 1e6 / s, s / c }'
  done
}

measure "loopback (127.0.0.1)" "127.0.0.1:$port"

LINK_MBIT=${LINK_MBIT:-200}
if [ "$LINK_MBIT" != 0 ]; then
  # the same storage served from a namespace of ours; tc shapes what the registry sends
  ip netns add "$netns"
  ip link add tbpull0 type veth peer name tbpull1 netns "$netns"
  ip addr add 10.250.77.1/30 dev tbpull0 && ip link set tbpull0 up
  ip -n "$netns" addr add 10.250.77.2/30 dev tbpull1 && ip -n "$netns" link set tbpull1 up && ip -n "$netns" link set lo up
  ip netns exec "$netns" tc qdisc add dev tbpull1 root tbf rate "${LINK_MBIT}mbit" burst 256kb latency 100ms
  sed "s/127.0.0.1:$port/10.250.77.2:5000/" "$work/registry.yml" > "$work/registry-link.yml"
  ip netns exec "$netns" docker-registry serve "$work/registry-link.yml" >"$work/registry-link.log" 2>&1 &
  link_pid=$!
  for _ in $(seq 50); do curl -fs "http://10.250.77.2:5000/v2/" >/dev/null && break; sleep 0.1; done
  echo
  measure "a ${LINK_MBIT} Mbit/s link (tc on a veth)" "10.250.77.2:5000"
fi
