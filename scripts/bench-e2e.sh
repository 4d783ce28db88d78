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
# Always cleans up: kills the harness and everything it started, then `netlab.sh down`.
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
if ip netns list | grep -q '^p2plab-'; then
  # Another lab user (a test run) would have its lab torn down under it.
  skip "a network lab is already up (ip netns list shows p2plab-*); run scripts/netlab.sh down if it is stale"
fi

harness_pid=""
cleanup() {
  if [ -n "$harness_pid" ] && kill -0 "$harness_pid" 2>/dev/null; then
    kill "$harness_pid" 2>/dev/null || true   # its shutdown hook kills every lab process it started
    for _ in $(seq 50); do kill -0 "$harness_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$harness_pid" 2>/dev/null || true
  fi
  bash scripts/netlab.sh down >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The lab must come up; if it cannot, there is nothing to measure.
if ! out=$(timeout 60 bash scripts/netlab.sh up cone 2>&1); then
  skip "network lab did not come up: $(echo "$out" | tail -1)"
fi
bash scripts/netlab.sh down >/dev/null

limit=$([ "$quick" = 1 ] && echo 240 || echo 1800)   # seconds; every wait inside is bounded too
timeout --kill-after=10 "$limit" java -cp "$jar" dev.p2ptunnel.benchmarks.e2e.E2eHarness \
  --netlab scripts/netlab.sh --demo-jar "$demo" --out benchmarks/target/e2e-result.json "$@" &
harness_pid=$!
set +e
wait "$harness_pid"; status=$?
set -e
harness_pid=""
[ "$status" -eq 124 ] && echo "bench-e2e: timed out after $limit s" >&2
exit "$status"
