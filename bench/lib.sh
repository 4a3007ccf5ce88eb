# Shared helpers for the benchmarks: timing and medians, measured in this run.

# median_ms N CMD...: runs CMD N times (output discarded) and prints the median wall time in ms.
median_ms() {
  local n=$1; shift
  local times=() i start end
  for ((i = 0; i < n; i++)); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || { echo "FAILED: $*" >&2; return 1; }
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.1f\n", m / 1000}'
}

# row LABEL VALUE_MS: one aligned line of the table.
row() { printf '  %-48s %8s ms\n' "$1" "$2"; }

# bench_store NAME [PARENT]: a scratch dir $work (under PARENT, default /tmp)
# with a store of its own (TSRUN_ROOT, $TSRUN) holding the busybox fixture as
# `busybox`. On exit: every container of that store, whatever the script's own
# bench_cleanup (when it defines one) undoes, then $work, go.
bench_store() {
  work=$(mktemp -d "${2:-/tmp}/tsrun-bench-$1.XXXXXX")
  export TSRUN_ROOT=$work/store
  TSRUN="node dist/tsrun.cjs"
  trap bench_exit EXIT
  scripts/busybox-rootfs.sh "$work/rootfs.tar"
  $TSRUN import "$work/rootfs.tar" busybox >/dev/null
}

bench_exit() {
  local ids
  ids=$($TSRUN ps -aq 2>/dev/null) || true
  # shellcheck disable=SC2086 # one argument per id
  [ -z "$ids" ] || $TSRUN rm -f $ids >/dev/null 2>&1 || true
  if declare -F bench_cleanup >/dev/null; then bench_cleanup || true; fi
  rm -rf "$work"
}

# bench_bundle DIR ROOTFS_TAR: an OCI bundle of that rootfs whose process runs
# `true` without a terminal, no resources and no cgroup namespace (the spec of
# `crun spec`, else `runc spec`): what crun and runc start in the benchmarks.
bench_bundle() {
  mkdir -p "$1/rootfs"
  tar -C "$1/rootfs" -xf "$2"
  (cd "$1" && { crun spec >/dev/null 2>&1 || runc spec; })
  node -e '
    const f = process.argv[1]; const s = JSON.parse(require("fs").readFileSync(f));
    s.process.terminal = false; s.process.args = ["true"];
    delete s.linux.resources; s.linux.namespaces = s.linux.namespaces.filter((n) => n.type !== "cgroup");
    require("fs").writeFileSync(f, JSON.stringify(s));' "$1/config.json"
}
