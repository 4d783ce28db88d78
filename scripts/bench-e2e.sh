#!/usr/bin/env bash
# End-to-end benchmark in the network lab (issue 8): tunnel vs raw DataChannel on the same path, same run.
#
#   scripts/bench-e2e.sh [--quick] [--variant cone|symmetric]... [E2eHarness options]
#
# Full run (default): cone (direct path, STUN) and symmetric (relayed path, STUN + TURN); 3 alternating runs of raw
# DataChannel (300 MB) vs tunnel (iperf3 -P 1 and -P 8, 8 s), 10 setup runs, 5 000 round trips of 64 B each way.
# --quick: a seconds-long smoke (tiny sizes, one run each, cone only) for CI; it skips with exit 0 and a reason when
# it cannot run here (not root, tools or jars missing, lab does not come up).
# Build first: mvn -B -ntp -DskipTests install. Results: benchmarks/target/e2e-result.{json,md}, logs in
# benchmarks/target/e2e/. Needs root (network namespaces); traffic stays inside the p2plab-* namespaces.
# Always cleans up: kills the harness and everything it started, then `netlab.sh down`. Takes turns with the lab
# tests through their machine-wide lock (/tmp/p2plab.lock, held by the harness from `up` to `down`).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
for a in "$@"; do [ "$a" = --quick ] && quick=1; done
skip() { # reason: a smoke that cannot run here is not a failure; a full run that cannot run is
  if [ "$quick" = 1 ]; then echo "bench-e2e: SKIPPED: $*"; exit 0; fi
  echo "bench-e2e: cannot run: $*" >&2; exit 1
}

[ "$(id -u)" -eq 0 ] || skip "needs root for network namespaces"
for tool in ip iptables turnserver iperf3 java; do
  command -v "$tool" >/dev/null || skip "$tool not installed (scripts/install-test-deps.sh)"
done
jar=benchmarks/target/benchmarks.jar demo=p2p-demo/target/p2p-tunnel.jar
for f in "$jar" "$demo"; do [ -f "$f" ] || skip "$f missing: build with mvn -B -ntp -DskipTests install"; done
harness_pid="" lab_maybe_left=0
cleanup() {
  if [ -n "$harness_pid" ] && kill -0 "$harness_pid" 2>/dev/null; then
    kill "$harness_pid" 2>/dev/null || true   # its shutdown hook kills every lab process it started
    for _ in $(seq 50); do kill -0 "$harness_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$harness_pid" 2>/dev/null || true
    lab_maybe_left=1
  fi
  # The harness takes the lab down itself (finally); only a killed or timed-out harness can leave it up. Not
  # unconditionally: the lab may by now belong to lab tests that took the lock after us.
  if [ "$lab_maybe_left" = 1 ]; then bash scripts/netlab.sh down >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

limit=$([ "$quick" = 1 ] && echo 240 || echo 1800)   # seconds; every wait inside is bounded too
timeout --kill-after=10 "$limit" java -cp "$jar" dev.p2ptunnel.benchmarks.e2e.E2eHarness \
  --netlab scripts/netlab.sh --demo-jar "$demo" --out benchmarks/target/e2e-result.json "$@" &
harness_pid=$!
set +e
wait "$harness_pid"; status=$?
set -e
harness_pid=""
case "$status" in 124|137) echo "bench-e2e: timed out after $limit s" >&2; lab_maybe_left=1 ;; esac
# 3: the harness measured nothing because the lab could not come up (or stayed busy with lab tests).
[ "$status" -eq 3 ] && skip "the network lab could not come up or stayed busy (see above)"
exit "$status"
