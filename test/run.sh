#!/usr/bin/env bash
# The test command (README, .ci/run): builds, runs unit and integration tests,
# and ends with one plain line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
# TSRUN_TEST_PREBUILT=1: dist/ and build/ were just built for this same Node
# (vm/qemu.sh builds on the host, where it is fast, then tests in the VM).
[ "${TSRUN_TEST_PREBUILT:-}" = 1 ] ||
{ log=$(mktemp); npm run --silent build >"$log" 2>&1 || { cat "$log"; rm -f "$log"; echo "0 passed, 1 failed"; exit 1; }; rm -f "$log"; }
if [ $# -eq 0 ]; then
  set -- test/unit test/integration
  # The VM runner's own test (vm/qemu.sh) where it can run: as root with /dev/kvm
  # (emulated with TCG when that KVM cannot boot Debian's kernel). TSRUN_TEST_VM=0 leaves it out.
  [ "$(id -u)" != 0 ] || [ ! -e /dev/kvm ] || [ "${TSRUN_TEST_VM:-1}" = 0 ] || set -- "$@" test/vm
fi
out=$(mktemp)
npx tap --reporter=tap "$@" 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
node -e '
  const text = require("fs").readFileSync(process.argv[1], "utf8");
  let pass = 0, fail = 0, skip = 0;
  // top-level results only: one line per test file
  for (const line of text.split("\n")) {
    const m = /^(not ok|ok) \d+ - /.exec(line);
    if (!m) continue;
    if (/# SKIP/.test(line)) skip++; else if (m[1] === "ok") pass++; else fail++;
  }
  // count assertions too: the summary tap prints, e.g. "# { total: 7, pass: 7 }"
  const s = /^# \{ total: (\d+), pass: (\d+)(?:, fail: (\d+))?(?:, skip: (\d+))?/m.exec(text); // at line start: not a VM guest summary echoed by test/vm
  if (s) { pass = +s[2]; fail = +(s[3] || 0); skip = +(s[4] || 0); }
  console.log(`${pass} passed, ${fail} failed` + (skip ? `, ${skip} skipped` : ""));
' "$out"
rm -f "$out"
exit "$status"
