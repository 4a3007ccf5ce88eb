#!/usr/bin/env bash
# Build benchmark: the same Dockerfile on the same busybox base, cold
# (--no-cache), warm (nothing changed) and with one copied file changed,
# tsrun beside podman build and buildah bud when they are installed, all
# measured in this run. Target (issue 5): warm build < 0.3 s.
#   bench/build.sh [RUNS]      (as root; build first: npm run build)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
RUNS=${1:-7}
bench_store build

# A small app: 200 source files, one config file that changes, three RUNs.
ctx=$work/context
mkdir -p "$ctx/src"
for i in $(seq 1 200); do printf 'line %s\n' "$i" > "$ctx/src/file$i.txt"; done
echo "version 0" > "$ctx/config.txt"
cat > "$ctx/Dockerfile" <<'EOF'
ARG BASE=busybox
FROM $BASE
ENV APP=/app
WORKDIR /app
COPY src/ ./src/
RUN find src -type f | wc -l > count && cat src/* | md5sum > sum
COPY config.txt .
RUN cat config.txt count > summary
LABEL bench=build
CMD ["cat", "/app/summary"]
EOF

change() { echo "version $(date +%s%N)" > "$ctx/config.txt"; "$@"; }

echo "tsrun build vs peers, median of $RUNS runs ($(nproc) cores, $(uname -r)); Dockerfile: 9 steps, 2 COPY, 2 RUN"
$TSRUN build -q -t bench "$ctx" >/dev/null
row "tsrun build, cold (--no-cache)" "$(median_ms "$RUNS" $TSRUN build -q --no-cache -t bench "$ctx")"
row "tsrun build, warm (no change)" "$(median_ms "$RUNS" $TSRUN build -q -t bench "$ctx")"
row "tsrun build, one copied file changed" "$(median_ms "$RUNS" change $TSRUN build -q -t bench "$ctx")"

# podman and buildah share containers-storage: the base is imported once for both.
base=localhost/tsrun-bench-busybox
import_base() {
  if command -v podman >/dev/null; then podman import "$work/rootfs.tar" "$base" >/dev/null 2>&1
  else c=$(buildah from scratch) && buildah add "$c" "$work/rootfs.tar" / >/dev/null && buildah commit -q "$c" "$base" >/dev/null && buildah rm "$c" >/dev/null
  fi
}
# crun refuses hybrid cgroup hosts (see bench/start.sh): use runc when it is there.
runtime=()
command -v runc >/dev/null && runtime=(--runtime runc)

peer() { # NAME BUILD-COMMAND...: the same three builds with another builder
  local name=$1; shift
  if ! command -v "$name" >/dev/null; then
    row "$name: not installed" "-"
    return
  fi
  import_base || { row "$name: cannot import the base image" "-"; return; }
  "$@" --build-arg BASE=$base -t tsrun-bench-out "$ctx" >/dev/null 2>&1 || { row "$name: build failed" "-"; return; }
  row "$name (cold, --no-cache)" "$(median_ms "$RUNS" "$@" --no-cache --build-arg BASE=$base -t tsrun-bench-out "$ctx")"
  row "$name (warm)" "$(median_ms "$RUNS" "$@" --build-arg BASE=$base -t tsrun-bench-out "$ctx")"
  row "$name (one file changed)" "$(median_ms "$RUNS" change "$@" --build-arg BASE=$base -t tsrun-bench-out "$ctx")"
}
peer podman podman "${runtime[@]}" build -q --layers
peer buildah buildah bud "${runtime[@]}" -q --layers
if command -v podman >/dev/null; then podman rmi -f tsrun-bench-out "$base" >/dev/null 2>&1 || true
elif command -v buildah >/dev/null; then buildah rmi -f tsrun-bench-out "$base" >/dev/null 2>&1 || true
fi
