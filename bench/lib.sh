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
